import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

/** One order as the demo service keeps and serves it: the seed record's fields, plus what the routes add. */
export interface DemoOrder {
  readonly id: string;
  status: string;
  address?: { street: string; postcode: string; city: string };
  return_requested?: boolean;
  [field: string]: unknown;
}

const seedRecordSchema = z.looseObject({
  // Quoted ids stay text; an unquoted 20481 is read as a number and taken as its digits.
  id: z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String),
  status: z.string().min(1),
});

/**
 * Reads the seed file (the bot's `data/orders.yaml`: a list of records, each with an `id` and a
 * `status`) into records keyed by id. A file that cannot be read or holds something else stops the
 * start with a message naming the file and the record.
 */
export async function readSeedOrders(seedFile: string, now: Date = new Date()): Promise<Map<string, DemoOrder>> {
  const text = await readFile(seedFile, 'utf8');
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new Error(`demo orders service: ${seedFile} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(data)) throw new Error(`demo orders service: ${seedFile} must hold a list of order records`);
  const orders = new Map<string, DemoOrder>();
  data.forEach((record: unknown, index) => {
    const parsed = seedRecordSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`demo orders service: ${seedFile}, record ${index + 1}: ${issue.path.join('.') || 'record'}: ${issue.message}`);
    }
    if (orders.has(parsed.data.id)) throw new Error(`demo orders service: ${seedFile}, record ${index + 1}: id "${parsed.data.id}" appears twice`);
    orders.set(parsed.data.id, placeDelivery(structuredClone(parsed.data) as DemoOrder, now));
  });
  return orders;
}

/**
 * A seed record may say `delivered_days_ago: 4` instead of a fixed date, so the demo's return
 * window holds whenever it runs: the record gets `delivered_at` (ISO) and `delivered_on`
 * ("Tuesday, 17 November") that many days before `now`.
 */
function placeDelivery(order: DemoOrder, now: Date): DemoOrder {
  const daysAgo = order.delivered_days_ago;
  if (typeof daysAgo !== 'number' || !Number.isInteger(daysAgo) || daysAgo < 0) return order;
  const { delivered_days_ago: _placed, ...rest } = order;
  const delivered = new Date(now.getTime() - daysAgo * 24 * 60 * 60 * 1000);
  return {
    ...rest,
    delivered_at: delivered.toISOString(),
    delivered_on: delivered.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).replace(/^(\w+) /, '$1, '),
  };
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/**
 * When an order was delivered, read from its `delivered_at` or else its `delivered_on` field.
 */
export function orderDeliveryDate(order: Readonly<Record<string, unknown>>): Date | null {
  return deliveryDate(order.delivered_at) ?? deliveryDate(order.delivered_on);
}

/**
 * The moment a delivery date names, when it names one with a year: `2025-03-06` (UTC midnight),
 * `2025-03-06T14:30:00Z`, `6 March 2025` or `Thursday, 6 March 2025`. A date without a year
 * (`Thursday, 6 March`, the demo bot's wording) cannot be placed in time: `null`.
 */
export function deliveryDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (iso) return validDate(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]));
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const moment = new Date(text);
    return Number.isNaN(moment.getTime()) ? null : moment;
  }
  const written = /^(?:[A-Za-z]+,?\s+)?(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})$/.exec(text);
  if (written) {
    const month = MONTHS.findIndex((name) => name.startsWith(written[2]!.toLowerCase()) && written[2]!.length >= 3);
    return month < 0 ? null : validDate(Number(written[3]), month, Number(written[1]));
  }
  return null;
}

function validDate(year: number, month: number, day: number): Date | null {
  const date = new Date(Date.UTC(year, month, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month && date.getUTCDate() === day ? date : null;
}

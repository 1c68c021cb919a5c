import type { ExtractedEntity } from '../../core/index.js';
import { ParleyError } from '../../core/index.js';
import { normaliseWithOffsets, toOriginalSpan } from '../normalise.js';
import type { NormalisedText } from '../normalise.js';
import { createDatetimeExtractor } from './datetime.js';
import { createDigitNumberScanner } from './digit-numbers.js';
import { extractEmails } from './email.js';
import { resolveLanguage } from './languages.js';
import { createMessageScan } from './message-scan.js';
import type { MessageScan, NumberReaders } from './message-scan.js';
import { createMoneyExtractor } from './money.js';
import { extractNumbers } from './number.js';
import { createNumberWordParser } from './number-words.js';
import { createOrdinalExtractor } from './ordinal.js';
import { resolveOverlaps } from './overlaps.js';
import { extractPhones } from './phone.js';
import { createTimeZone } from './time-zone.js';
import type { TimeZone } from './time-zone.js';
import type { BuiltinEntityName, Candidate } from './types.js';
import { builtinEntityNames } from './types.js';
import { extractUrls } from './url.js';

/**
 * Built-in entities: numbers, ordinals, e-mail addresses, phone numbers, URLs, money and dates,
 * found in a message without any training, the way a bot's `entities.yaml` asks for them by name.
 *
 * Every built-in reads the same normalised text (so full-width digits and curly quotes need no
 * special case) and reports spans in the ORIGINAL text. Where two readings overlap, the longer
 * one wins ("$25" is money, not also a number); see `overlaps.ts`. Everything that can be built
 * once (expressions, word tables, the time zone) is built here, not per message.
 */

export type { BuiltinEntityName } from './types.js';
export { builtinEntityNames } from './types.js';
export { supportedLanguages } from './languages.js';
export type { DatetimeGrain, DatetimeValue } from './datetime-resolve.js';

export interface MoneyValue {
  readonly amount: number;
  /** ISO 4217 code. */
  readonly currency: string;
}

export interface BuiltinEntityOptions {
  /** "en", or a tag with a region ("en-GB"), which may change the default date order. */
  readonly language: string;
  /** Which built-ins to look for; all of them by default. */
  readonly enabled?: readonly BuiltinEntityName[];
  /** IANA zone that dates and times are meant in; UTC by default. */
  readonly timeZone?: string;
  /** The reference time for relative dates ("tomorrow"); the system clock by default. */
  readonly now?: () => Date;
  /** Whether 05/03/2026 is the 5th of March; by default the language's (and region's) habit. */
  readonly dayFirst?: boolean;
}

export interface BuiltinEntityExtractor {
  extract(text: string): ExtractedEntity[];
  /** The same, for a message the pipeline has already normalised. */
  extractNormalised(normalised: NormalisedText): ExtractedEntity[];
}

type Extractor = (scan: MessageScan, out: Candidate[]) => void;

const extractorName = 'builtin';

export function createBuiltinEntityExtractor(options: BuiltinEntityOptions): BuiltinEntityExtractor {
  const { table, region } = resolveLanguage(options.language);
  const enabled = new Set(options.enabled ?? builtinEntityNames);
  for (const name of enabled) {
    if (!builtinEntityNames.includes(name)) {
      throw new ParleyError('PARLEY_BOT_INVALID', `Unknown built-in entity "${name}"; built-ins are: ${builtinEntityNames.join(', ')}`, {
        details: { entity: name, builtins: builtinEntityNames },
      });
    }
  }
  const timeZoneName = options.timeZone ?? 'UTC';
  let zone: TimeZone;
  try {
    zone = createTimeZone(timeZoneName);
  } catch (error) {
    throw new ParleyError('PARLEY_BOT_INVALID', `Unknown time zone "${timeZoneName}"; use an IANA name such as "Europe/Berlin"`, {
      cause: error,
      details: { timeZone: timeZoneName },
    });
  }
  const dayFirst = options.dayFirst ?? (table.dates.dayFirst || (region !== undefined && table.dates.dayFirstRegions.includes(region)));
  const now = options.now ?? (() => new Date());

  const readers: NumberReaders = { digits: createDigitNumberScanner(table), words: createNumberWordParser(table) };
  const all: Record<BuiltinEntityName, () => Extractor> = {
    number: () => extractNumbers,
    ordinal: () => createOrdinalExtractor(table),
    email: () => extractEmails,
    phone: () => extractPhones,
    url: () => extractUrls,
    money: () => createMoneyExtractor(table),
    datetime: () => createDatetimeExtractor(table, readers.words, { dayFirst, zone, now }),
  };
  const extractors = builtinEntityNames.filter((name) => enabled.has(name)).map((name) => all[name]());

  const extractNormalised = (normalised: NormalisedText): ExtractedEntity[] => {
    if (normalised.text.length === 0 || extractors.length === 0) return [];
    const scan = createMessageScan(normalised, readers);
    const candidates: Candidate[] = [];
    for (const extract of extractors) extract(scan, candidates);
    if (candidates.length === 0) return [];
    const { original } = normalised;
    return resolveOverlaps(
      candidates.map((candidate) => {
        const span = toOriginalSpan(normalised, candidate.start, candidate.end);
        return {
          entity: candidate.entity,
          value: candidate.value,
          text: original.slice(span.start, span.end),
          start: span.start,
          end: span.end,
          confidence: candidate.confidence,
          extractor: extractorName,
        };
      }),
    );
  };

  return {
    extract: (text) => (text.length === 0 ? [] : extractNormalised(normaliseWithOffsets(text))),
    extractNormalised,
  };
}

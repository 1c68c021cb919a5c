import type { z } from 'zod';
import type { ChannelInbound, ChannelRequest, InboundChannelMessage } from '../../core/index.js';
import { answerHandshake, verifyMetaSignature } from './verification.js';

/** A verified payload that does not have the shape Meta documents; the message names where, never a value. */
export class MalformedPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPayloadError';
  }
}

export interface MetaWebhookSettings {
  readonly appSecret: string;
  readonly verifyToken: string;
  /** The payload's `object`: `whatsapp_business_account` or `page`. */
  readonly object: string;
  /** The batch's `entry` array into messages; throws {@link MalformedPayloadError}. */
  readonly parseEntries: (entries: readonly unknown[]) => InboundChannelMessage[];
}

/**
 * One Meta webhook request: GET is the subscription handshake; POST is verified against the raw
 * bytes first (`X-Hub-Signature-256`), and only then parsed.
 */
export function handleMetaWebhook(request: ChannelRequest, settings: MetaWebhookSettings): ChannelInbound {
  if (request.method === 'GET') return answerHandshake(request, settings.verifyToken);
  if (!verifyMetaSignature(settings.appSecret, request.headers['x-hub-signature-256'], request.rawBody)) {
    return { kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_SIGNATURE_INVALID', message: 'X-Hub-Signature-256 is missing or is not the app secret\'s signature of the body' };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return invalid('the body is not JSON');
  }
  if (!isRecord(payload)) return invalid('the body is not a JSON object');
  if (payload.object !== settings.object) return invalid(`the payload's object is not "${settings.object}"`);
  if (!Array.isArray(payload.entry)) return invalid('the payload has no entry array');
  try {
    return { kind: 'messages', messages: settings.parseEntries(payload.entry) };
  } catch (error) {
    if (error instanceof MalformedPayloadError) return invalid(error.message);
    throw error;
  }
}

function invalid(message: string): ChannelInbound {
  return { kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID', message };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` read with `schema`, or a {@link MalformedPayloadError} naming the first problem's path under `where`. */
export function expectShape<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined ? '' : issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
  throw new MalformedPayloadError(`${where}${path}: ${issue?.message ?? 'unexpected shape'}`);
}

import { Buffer } from 'node:buffer';
import { ChannelSendError, plainTextOf, type ChannelDelivery } from '../../core/index.js';
import { parseTwilioAddress } from './twilio-address.js';
import { splitBody } from './sms-body.js';

/**
 * Sending a reply through Twilio's REST API: `POST {api}/2010-04-01/Accounts/{AccountSid}/Messages.json`,
 * form-encoded `To`, `From`, `Body`, HTTP Basic auth with the account SID and auth token. The
 * message is rendered as plain text (elements as their fallbacks, buttons as "1. Title" lines);
 * a body over 1,600 characters goes out as several messages.
 *
 * Failures throw a ChannelSendError for the delivery worker: a 429 (Twilio error 20429), a 5xx, a
 * 408, a timeout or a network error is retried (after Retry-After when Twilio sends one); any
 * other 4xx (21211 invalid To, 21610 unsubscribed recipient, 21408 region not enabled, 21614 not a
 * mobile number, 401 wrong credentials, …) is given up at once. Messages name Twilio's error code,
 * never a phone number or the message text.
 *
 * Twilio documents no idempotency key for creating a message, so none is sent: delivery is at
 * least once. When a reply of several messages fails part-way, a retry of the same delivery in
 * the same process starts at the first part not yet accepted.
 */

export const TWILIO_SEND_TIMEOUT_MS = 10_000;
export const TWILIO_USER_AGENT = 'Parley-Twilio/1';

export interface TwilioSenderSettings {
  readonly accountSid: string;
  readonly authToken: string;
  /** Without a trailing slash, e.g. `https://api.twilio.com`. */
  readonly apiUrl: string;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs?: number;
}

/** Twilio's error body. */
interface TwilioError {
  readonly code?: number;
  readonly message?: string;
  readonly more_info?: string;
  readonly status?: number;
}

/** Deliveries that failed part-way, and how many of their parts Twilio took (bounded). */
const RESUME_LIMIT = 1000;

export function createTwilioSender(settings: TwilioSenderSettings): (delivery: ChannelDelivery) => Promise<void> {
  const endpoint = `${settings.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`, 'utf8').toString('base64')}`;
  const timeoutMs = settings.timeoutMs ?? TWILIO_SEND_TIMEOUT_MS;
  const partsSent = new Map<string, number>();

  async function post(to: string, from: string, body: string): Promise<void> {
    let response: Response;
    try {
      response = await settings.fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'user-agent': TWILIO_USER_AGENT,
        },
        body: new URLSearchParams({ To: to, From: from, Body: body }).toString(),
        // A redirect is reported, not followed: the POST would arrive elsewhere, or as a GET.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ChannelSendError(`twilio: ${describeFetchFailure(error, timeoutMs)}`);
    }
    if (response.status >= 200 && response.status <= 299) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    throw await sendError(response);
  }

  return async function send(delivery: ChannelDelivery): Promise<void> {
    const address = parseTwilioAddress(delivery.address);
    if (address === undefined) throw new ChannelSendError('twilio: the conversation address is not "<our number>><their number>"; the reply is given up', true);
    const parts = splitBody(plainTextOf(delivery.message));
    const done = partsSent.get(delivery.id) ?? 0;
    for (let index = done; index < parts.length; index += 1) {
      try {
        await post(address.theirs, address.ours, parts[index] ?? '');
      } catch (error) {
        if (index > 0) remember(partsSent, delivery.id, index);
        throw error;
      }
    }
    partsSent.delete(delivery.id);
  };
}

function remember(partsSent: Map<string, number>, id: string, count: number): void {
  partsSent.delete(id);
  partsSent.set(id, count);
  if (partsSent.size > RESUME_LIMIT) {
    const oldest = partsSent.keys().next().value;
    if (oldest !== undefined) partsSent.delete(oldest);
  }
}

async function sendError(response: Response): Promise<ChannelSendError> {
  const status = response.status;
  const error = await readTwilioError(response);
  const code = typeof error?.code === 'number' ? error.code : undefined;
  const described = `twilio answered HTTP ${status}${code === undefined ? '' : ` with error ${code}${describeCode(code)}`}`;
  const retryable = status === 429 || code === 20429 || status === 408 || status >= 500 || status < 400;
  if (retryable) {
    const retryAfterMs = status === 429 || status === 503 || code === 20429 ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
    return new ChannelSendError(`${described}; it is retried`, false, retryAfterMs);
  }
  const help = code === undefined ? '' : ` (https://www.twilio.com/docs/errors/${code})`;
  return new ChannelSendError(`${described}; the reply is given up${help}`, true);
}

const KNOWN_CODES: Readonly<Record<number, string>> = {
  20003: 'authentication failed: check PARLEY_TWILIO_ACCOUNT_SID and PARLEY_TWILIO_AUTH_TOKEN',
  20404: 'resource not found',
  20429: 'too many requests',
  21211: 'invalid To number',
  21408: 'sending to this region is not enabled',
  21610: 'the recipient has unsubscribed (replied STOP)',
  21614: 'the To number is not a mobile number',
  21617: 'the body is longer than 1,600 characters',
};

function describeCode(code: number): string {
  const known = KNOWN_CODES[code];
  return known === undefined ? '' : ` (${known})`;
}

async function readTwilioError(response: Response): Promise<TwilioError | undefined> {
  try {
    const text = await response.text();
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as TwilioError) : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** Why no answer came, without the URL or the credentials. */
function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms; it is retried`;
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  return `the request failed${code === undefined ? '' : ` (${code})`}; it is retried`;
}

import { ChannelSendError } from '../../core/index.js';
import { isRecord } from './webhook.js';

/**
 * One POST to Meta's Graph API, and what its refusals mean for the delivery worker:
 *
 * - HTTP 429, or a Graph rate-limit code (4, 17, 32, 613, 80000–80014 business-use-case limits,
 *   130429 Cloud API throughput, 131048 spam limit, 131056 pair limit) → retry, no sooner than
 *   `Retry-After` when the answer has one (else the worker backs off);
 * - 5xx, 408, a timeout or a network error, or an error Graph marks transient (`is_transient`,
 *   codes 1, 2, 131000, 131016, 133004) → retry;
 * - any other refusal (400 with 100 invalid parameter, 131047 re-engagement window, 131026
 *   undeliverable, 190 token, 10 permission, …) → permanent: the same request would fail again.
 *
 * Error messages name the status, codes and `fbtrace_id`, never the token or the message text.
 */

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 130429, 131048, 131056]);
const TRANSIENT_CODES = new Set([1, 2, 131000, 131016, 133004]);

export interface GraphPost {
  readonly fetch: typeof fetch;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly timeoutMs: number;
  /** Names the call in errors, e.g. `whatsapp`. */
  readonly what: string;
}

export interface GraphError {
  readonly message?: string;
  readonly type?: string;
  readonly code?: number;
  readonly subcode?: number;
  readonly fbtraceId?: string;
  readonly transient?: boolean;
}

export async function postToGraph(call: GraphPost): Promise<void> {
  let response: Response;
  try {
    response = await call.fetch(call.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...call.headers },
      body: JSON.stringify(call.body),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new ChannelSendError(`${call.what}: ${timedOut ? `the Graph API did not answer within ${call.timeoutMs} ms` : 'the Graph API could not be reached'}`);
  }
  // Read the body either way, so the connection is released; a body cut short after a 2xx changes nothing.
  const text = await response.text().catch(() => '');
  if (response.ok) return;
  throw graphFailure(call.what, response.status, response.headers.get('retry-after'), text);
}

/** The refusal as a {@link ChannelSendError} carrying whether to retry and when. */
export function graphFailure(what: string, status: number, retryAfterHeader: string | null, body: string): ChannelSendError {
  const error = readGraphError(body);
  const code = error?.code;
  const rateLimited = status === 429 || (code !== undefined && (RATE_LIMIT_CODES.has(code) || (code >= 80000 && code <= 80014)));
  const transient = status >= 500 || status === 408 || error?.transient === true || (code !== undefined && TRANSIENT_CODES.has(code));
  const permanent = !rateLimited && !transient;
  const details = [
    `HTTP ${status}`,
    ...(code === undefined ? [] : [`code ${code}${error?.subcode === undefined ? '' : `/${error.subcode}`}`]),
    ...(error?.fbtraceId === undefined ? [] : [`fbtrace_id ${error.fbtraceId}`]),
  ].join(', ');
  const reason = error?.message === undefined ? '' : `: ${error.message.slice(0, 200)}`;
  const verdict = rateLimited ? 'rate-limited the message' : permanent ? 'refused the message' : 'failed';
  return new ChannelSendError(`${what}: the Graph API ${verdict} (${details})${reason}`, permanent, rateLimited ? retryAfterMs(retryAfterHeader) : undefined);
}

/** Graph's `{ error: { message, type, code, error_subcode, fbtrace_id, is_transient } }`, if the body is one. */
export function readGraphError(body: string): GraphError | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !isRecord(parsed.error)) return undefined;
  const error = parsed.error;
  return {
    message: typeof error.message === 'string' ? error.message : undefined,
    type: typeof error.type === 'string' ? error.type : undefined,
    code: toNumber(error.code),
    subcode: toNumber(error.error_subcode),
    fbtraceId: typeof error.fbtrace_id === 'string' ? error.fbtrace_id : undefined,
    transient: typeof error.is_transient === 'boolean' ? error.is_transient : undefined,
  };
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

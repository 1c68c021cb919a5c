import { setTimeout as delay } from 'node:timers/promises';
import { ParleyError } from '../core/index.js';

/**
 * A JSON-over-HTTP POST with the retry discipline every model provider needs: 429 and 5xx are
 * retried with exponential backoff (honouring `Retry-After`, capped), network errors are
 * retried, other 4xx are not. `timeoutMs` is the budget of one logical request INCLUDING its
 * retries: the call fails with PARLEY_CONNECTOR_FAILED once it is spent, and a retry that could
 * not start before it runs out is not attempted. Callers sit in a turn's latency path, so a bound
 * on the whole call is what they need, not a bound per attempt.
 *
 * Every failure is a retryable PARLEY_CONNECTOR_FAILED whose message names the endpoint (origin
 * and path only: no credentials or query) and never contains the API key, even when the provider
 * echoes it back. An external signal that aborts rejects with the signal's own reason, unwrapped,
 * so a caller can tell its own cancellation from a provider failure.
 */

export type Sleep = (milliseconds: number, signal: AbortSignal) => Promise<void>;

export interface JsonHttpClientOptions {
  /** Base URL; paths are appended to it (`https://api.openai.com/v1` + `/embeddings`). */
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  /** Label for error messages, such as `OpenAI-compatible provider (chat, gpt-4o-mini)`. */
  readonly label: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly retryBaseDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly fetch: typeof fetch;
  readonly sleep: Sleep;
}

export interface JsonHttpClient {
  /** POSTs `body` as JSON and returns the parsed JSON answer (unvalidated: the caller checks it). */
  post(path: string, body: unknown, signal?: AbortSignal): Promise<unknown>;
  /** A failure for an answer that arrived but does not make sense; the message is cleaned. */
  invalidAnswer(path: string, problem: string): ParleyError;
}

/** Longest excerpt of a provider's error message quoted in ours. */
const maxQuotedLength = 200;

export const defaultSleep: Sleep = (milliseconds, signal) => delay(milliseconds, undefined, { signal });

export function createJsonHttpClient(options: JsonHttpClientOptions): JsonHttpClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  const clean = (text: string): string => redactSecrets(text, options.apiKey);
  const where = (path: string): string => describeEndpoint(base + path);
  const failure = (path: string, problem: string, details: Record<string, unknown>, cause?: unknown): ParleyError =>
    new ParleyError('PARLEY_CONNECTOR_FAILED', clean(`${options.label} at ${where(path)}: ${problem}`), {
      details,
      // Only network errors are passed as a cause: they never carry the request's headers.
      ...(cause === undefined ? {} : { cause }),
    });

  async function post(path: string, body: unknown, external?: AbortSignal): Promise<unknown> {
    external?.throwIfAborted();
    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(), options.timeoutMs);
    const signal = external ? AbortSignal.any([budget.signal, external]) : budget.signal;
    const deadline = Date.now() + options.timeoutMs;
    const payload = JSON.stringify(body);

    const stopped = (attempts: number): unknown => {
      if (external?.aborted) return external.reason;
      return failure(path, `no answer within ${options.timeoutMs} ms (${attempts} attempt${attempts === 1 ? '' : 's'})`, {
        timeoutMs: options.timeoutMs,
        attempts,
      });
    };

    try {
      for (let attempt = 1; ; attempt += 1) {
        let problem: string;
        let wait: number;
        let status: number | null = null;
        try {
          const response = await options.fetch(base + path, { method: 'POST', headers, body: payload, signal });
          const text = await response.text();
          if (response.ok) {
            try {
              return JSON.parse(text) as unknown;
            } catch {
              throw failure(path, `answered HTTP ${response.status} with a body that is not JSON`, { status: response.status, attempts: attempt });
            }
          }
          status = response.status;
          problem = `HTTP ${response.status}${describeErrorBody(text)}`;
          if (!isRetryableStatus(response.status) || attempt > options.maxRetries) {
            throw failure(path, attempt > 1 ? `${problem} (after ${attempt} attempts)` : problem, { status: response.status, attempts: attempt });
          }
          wait = retryAfterMilliseconds(response.headers) ?? backoff(attempt);
        } catch (error) {
          if (error instanceof ParleyError) throw error;
          if (signal.aborted) throw stopped(attempt);
          problem = `network error (${describeNetworkError(error)})`;
          if (attempt > options.maxRetries) {
            throw failure(path, `${problem} after ${attempt} attempt${attempt === 1 ? '' : 's'}`, { attempts: attempt }, error);
          }
          wait = backoff(attempt);
        }
        wait = Math.min(Math.max(0, wait), options.maxRetryDelayMs);
        if (Date.now() + wait >= deadline) {
          throw failure(path, `${problem}; a retry in ${wait} ms would not fit the ${options.timeoutMs} ms budget`, {
            ...(status === null ? {} : { status }),
            attempts: attempt,
          });
        }
        try {
          await options.sleep(wait, signal);
        } catch (error) {
          if (signal.aborted) throw stopped(attempt);
          throw error;
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  function backoff(attempt: number): number {
    return options.retryBaseDelayMs * 2 ** (attempt - 1);
  }

  return {
    post,
    invalidAnswer: (path, problem) => failure(path, `answered something unexpected: ${problem}`, {}),
  };
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * `retry-after-ms` (sent by OpenAI) or `Retry-After` in seconds or as an HTTP date;
 * undefined when absent or unreadable, so the exponential backoff applies.
 */
export function retryAfterMilliseconds(headers: Headers, now: number = Date.now()): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && /^\s*\d+(\.\d+)?\s*$/.test(milliseconds)) return Math.ceil(Number(milliseconds));
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** ` (type/code): message` from an OpenAI-style `{ error: { message, type, code } }` body. */
function describeErrorBody(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return '';
  }
  if (typeof parsed !== 'object' || parsed === null || !('error' in parsed)) return '';
  const error: unknown = parsed.error;
  if (typeof error === 'string') return `: ${quote(error)}`;
  if (typeof error !== 'object' || error === null) return '';
  const fields = error as Record<string, unknown>;
  const kind = [fields.type, fields.code].filter((part) => typeof part === 'string' && part !== '').join('/');
  const message = typeof fields.message === 'string' ? `: ${quote(fields.message)}` : '';
  return `${kind ? ` (${kind})` : ''}${message}`;
}

function quote(text: string): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length > maxQuotedLength ? `${single.slice(0, maxQuotedLength)}…` : single;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  const cause = error.cause;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return quote(error.message);
}

/** Origin and path only: user info and query strings can hold credentials. */
export function describeEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Removes the API key, and anything shaped like an OpenAI-style secret, from a message. */
export function redactSecrets(text: string, apiKey: string | undefined): string {
  let cleaned = text;
  if (apiKey) cleaned = cleaned.split(apiKey).join('[redacted]');
  return cleaned.replace(/\bsk-[A-Za-z0-9_*.-]{6,}/g, '[redacted]');
}

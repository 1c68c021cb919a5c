import type { HttpOperation } from '../core/index.js';

/**
 * When to try a connector call again, and how long to wait first. Pure: the random source and the
 * current time are passed in, so delays are reproducible in tests.
 */

/** Why one attempt failed, as far as retrying is concerned. */
export type AttemptFailure =
  | { readonly kind: 'unreachable' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string | null }
  /** The remote answered, but not in a usable way (not JSON, wrong shape, too large): asking again will not help. */
  | { readonly kind: 'invalid-response' };

export interface RetryTuning {
  /** Ceiling of the first backoff; doubles on each further attempt (default 100 ms). */
  readonly baseDelayMs: number;
  /** Ceiling of any computed backoff (default 2 s): a user is waiting for the answer. */
  readonly maxDelayMs: number;
  /** Longest wait a `Retry-After` header may ask for (default 5 s); longer requests are cut to this. */
  readonly maxRetryAfterMs: number;
}

export const defaultRetryTuning: RetryTuning = { baseDelayMs: 100, maxDelayMs: 2000, maxRetryAfterMs: 5000 };

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly reason: string };

export interface RetryPolicy {
  /**
   * After failed attempt number `attempt` (0 for the first), whether to try again.
   * `now` is only read to turn a `Retry-After` HTTP date into a delay.
   */
  decide(attempt: number, failure: AttemptFailure, now: Date): RetryDecision;
}

/** GET, PUT and DELETE may be repeated safely; POST and PATCH only when the operation says so. */
export function isIdempotent(operation: Pick<HttpOperation, 'method' | 'idempotent'>): boolean {
  if (operation.idempotent !== undefined) return operation.idempotent;
  return operation.method === 'GET' || operation.method === 'PUT' || operation.method === 'DELETE';
}

/** Network errors, timeouts, 429 and 5xx may pass; any other 4xx is the request's fault and will fail again. */
export function isRetryableFailure(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'unreachable':
    case 'timeout':
      return true;
    case 'status':
      return failure.status === 429 || (failure.status >= 500 && failure.status <= 599);
    case 'invalid-response':
      return false;
  }
}

/** "Full jitter": a uniformly random wait between 0 and the exponential ceiling. */
export function backoffDelay(attempt: number, random: () => number, tuning: RetryTuning = defaultRetryTuning): number {
  const ceiling = Math.min(tuning.maxDelayMs, tuning.baseDelayMs * 2 ** Math.max(0, attempt));
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.floor(draw * ceiling);
}

/**
 * Milliseconds a `Retry-After` header asks to wait: delay-seconds or an HTTP date. Undefined when
 * there is no usable header; a date in the past means "now" (0).
 */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only the forms RFC 9110 allows for a date; Date.parse would also take "1" or "tomorrow"-like junk.
  if (!/^[A-Za-z]{3},? /.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

export function createRetryPolicy(options: {
  /** Retries after the first attempt (the connector's `retries`). */
  readonly retries: number;
  readonly idempotent: boolean;
  readonly random: () => number;
  readonly tuning?: Partial<RetryTuning>;
}): RetryPolicy {
  const tuning: RetryTuning = { ...defaultRetryTuning, ...options.tuning };
  return {
    decide(attempt, failure, now) {
      if (!isRetryableFailure(failure)) return { retry: false, reason: 'not a transient failure' };
      if (!options.idempotent) return { retry: false, reason: 'the operation is not idempotent' };
      if (attempt >= options.retries) return { retry: false, reason: 'no retries left' };
      const retryAfter = failure.kind === 'status' ? parseRetryAfter(failure.retryAfter, now) : undefined;
      if (retryAfter !== undefined) return { retry: true, delayMs: Math.min(retryAfter, tuning.maxRetryAfterMs) };
      return { retry: true, delayMs: backoffDelay(attempt, options.random, tuning) };
    },
  };
}

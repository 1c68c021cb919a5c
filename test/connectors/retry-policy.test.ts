import { describe, expect, it } from 'vitest';
import { backoffDelay, createRetryPolicy, isIdempotent, isRetryableFailure, parseRetryAfter } from '../../src/connectors/index.js';
import { seededRandom } from './misbehaving-server.js';

const now = new Date('2030-01-01T00:00:00.000Z');
const serverError = { kind: 'status', status: 500 } as const;

describe('retry policy', () => {
  it('waits a random share of an exponential ceiling (full jitter), reproducibly for a seed', () => {
    const draws = Array.from({ length: 6 }, seededRandom(7));
    const random = seededRandom(7);
    const delays = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, random));
    // Ceilings 100, 200, 400, 800, 1600, then capped at 2000 ms.
    expect(delays).toEqual([100, 200, 400, 800, 1600, 2000].map((ceiling, index) => Math.floor(draws[index]! * ceiling)));
    expect(delays.every((delay, index) => delay >= 0 && delay < [100, 200, 400, 800, 1600, 2000][index]!)).toBe(true);
    const again = seededRandom(7);
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, again))).toEqual(delays);
  });

  it('takes its base and ceiling from the tuning', () => {
    expect(backoffDelay(0, () => 0.5, { baseDelayMs: 1000, maxDelayMs: 1500, maxRetryAfterMs: 0 })).toBe(500);
    expect(backoffDelay(3, () => 0.5, { baseDelayMs: 1000, maxDelayMs: 1500, maxRetryAfterMs: 0 })).toBe(750);
    expect(backoffDelay(0, () => 0)).toBe(0);
  });

  it('retries transient failures of idempotent operations while retries remain', () => {
    const policy = createRetryPolicy({ retries: 2, idempotent: true, random: () => 0.5 });
    expect(policy.decide(0, serverError, now)).toEqual({ retry: true, delayMs: 50 });
    expect(policy.decide(1, { kind: 'timeout' }, now)).toEqual({ retry: true, delayMs: 100 });
    expect(policy.decide(1, { kind: 'unreachable' }, now)).toEqual({ retry: true, delayMs: 100 });
    expect(policy.decide(2, serverError, now)).toMatchObject({ retry: false, reason: 'no retries left' });
  });

  it('never retries a 400, a 404 or an invalid answer, which would fail again', () => {
    const policy = createRetryPolicy({ retries: 5, idempotent: true, random: () => 0.5 });
    for (const status of [400, 401, 403, 404, 409, 422]) expect(policy.decide(0, { kind: 'status', status }, now).retry).toBe(false);
    expect(policy.decide(0, { kind: 'invalid-response' }, now).retry).toBe(false);
    expect(isRetryableFailure({ kind: 'status', status: 429 })).toBe(true);
    expect(isRetryableFailure({ kind: 'status', status: 503 })).toBe(true);
    expect(isRetryableFailure({ kind: 'status', status: 301 })).toBe(false);
  });

  it('does not retry a non-idempotent operation, whatever the failure', () => {
    const policy = createRetryPolicy({ retries: 5, idempotent: false, random: () => 0.5 });
    expect(policy.decide(0, serverError, now)).toMatchObject({ retry: false, reason: 'the operation is not idempotent' });
    expect(policy.decide(0, { kind: 'timeout' }, now).retry).toBe(false);
  });

  it('treats GET, PUT and DELETE as idempotent; POST and PATCH only when the operation says so', () => {
    expect(['GET', 'PUT', 'DELETE', 'POST', 'PATCH'].map((method) => isIdempotent({ method: method as 'GET' }))).toEqual([true, true, true, false, false]);
    expect(isIdempotent({ method: 'POST', idempotent: true })).toBe(true);
    expect(isIdempotent({ method: 'PATCH', idempotent: true })).toBe(true);
    expect(isIdempotent({ method: 'GET', idempotent: false })).toBe(false);
  });

  it('honours Retry-After in seconds and as an HTTP date, capped', () => {
    const policy = createRetryPolicy({ retries: 3, idempotent: true, random: () => 0.5 });
    expect(policy.decide(0, { kind: 'status', status: 503, retryAfter: '2' }, now)).toEqual({ retry: true, delayMs: 2000 });
    expect(policy.decide(0, { kind: 'status', status: 429, retryAfter: '3600' }, now)).toEqual({ retry: true, delayMs: 5000 });
    const inThreeSeconds = new Date(now.getTime() + 3000).toUTCString();
    expect(policy.decide(0, { kind: 'status', status: 503, retryAfter: inThreeSeconds }, now)).toEqual({ retry: true, delayMs: 3000 });
    // An unusable header falls back to the computed backoff.
    expect(policy.decide(0, { kind: 'status', status: 503, retryAfter: 'soon' }, now)).toEqual({ retry: true, delayMs: 50 });
    const tight = createRetryPolicy({ retries: 3, idempotent: true, random: () => 0.5, tuning: { maxRetryAfterMs: 250 } });
    expect(tight.decide(0, { kind: 'status', status: 503, retryAfter: '2' }, now)).toEqual({ retry: true, delayMs: 250 });
  });

  it('parses Retry-After strictly', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 7 ', now)).toBe(7000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:59:00 GMT', now)).toBe(0);
    for (const junk of [null, undefined, '', '-1', '1.5', 'tomorrow', '2030-01-01']) expect(parseRetryAfter(junk, now)).toBeUndefined();
  });
});

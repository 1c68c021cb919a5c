import { createHash, timingSafeEqual } from 'node:crypto';

/** Telegram's rule for `secret_token`: 1–256 characters of A–Z, a–z, 0–9, `_` and `-`. */
export const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/** The header Telegram puts the `secret_token` given to `setWebhook` in. */
export const SECRET_TOKEN_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * Whether the header's value is the configured secret, compared in constant time. Both sides are
 * hashed first, so `timingSafeEqual` always compares two equal-length buffers: the time taken
 * depends on neither where the values differ nor whether their lengths do, and values of
 * different lengths (a different digest) never match. A missing header never matches.
 */
export function sameSecret(given: string | undefined, expectedDigest: Buffer): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(secretDigest(given), expectedDigest);
}

export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

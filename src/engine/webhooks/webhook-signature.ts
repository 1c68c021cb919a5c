import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How a webhook delivery is signed: `X-Parley-Signature: v1=<hex>`, where <hex> is the
 * HMAC-SHA256, keyed with the webhook's secret, of `<X-Parley-Timestamp>.<raw request body>`.
 * Signing the timestamp with the body lets a receiver refuse old deliveries replayed by someone
 * who captured one. A header may carry several `v1=` signatures separated by commas (for example
 * while a secret is being rotated); one match is enough.
 */

export const WEBHOOK_SIGNATURE_VERSION = 'v1';
/** Five minutes, as most webhook providers allow for clock skew and queueing. */
export const WEBHOOK_SIGNATURE_TOLERANCE_SECONDS = 300;

/** The `X-Parley-Signature` value for a body sent at `timestamp` (unix seconds). */
export function signWebhookPayload(secret: string, timestamp: number | string, rawBody: string | Uint8Array): string {
  return `${WEBHOOK_SIGNATURE_VERSION}=${hmacHex(secret, String(timestamp), rawBody)}`;
}

export interface VerifyWebhookSignatureOptions {
  /** How far the timestamp may be from now, either way (default 300 s). */
  readonly toleranceSeconds?: number;
  /** The receiver's current time (default: the system clock). */
  readonly now?: Date;
}

/**
 * For receivers (and tests): whether `header` is a valid signature of `rawBody` sent at
 * `timestamp` (the `X-Parley-Timestamp` header, unix seconds) under `secret`, and the timestamp
 * is within the tolerance. Pass the body exactly as received, before any JSON parsing. The
 * comparison takes the same time whatever the signature, so it does not leak how close a guess was.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: number | string | undefined,
  rawBody: string | Uint8Array,
  header: string | undefined,
  options: VerifyWebhookSignatureOptions = {},
): boolean {
  if (secret === '' || timestamp === undefined || header === undefined) return false;
  const timestampText = String(timestamp).trim();
  if (!/^\d{1,12}$/.test(timestampText)) return false;
  const tolerance = options.toleranceSeconds ?? WEBHOOK_SIGNATURE_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestampText)) > tolerance) return false;

  const expected = Buffer.from(hmacHex(secret, timestampText, rawBody), 'utf8');
  let matched = false;
  for (const part of header.split(',')) {
    const [version, value] = part.trim().split('=', 2);
    if (version !== WEBHOOK_SIGNATURE_VERSION || value === undefined) continue;
    const given = Buffer.from(value.toLowerCase(), 'utf8');
    // timingSafeEqual needs equal lengths; a length mismatch says nothing about the secret.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}

function hmacHex(secret: string, timestamp: string, rawBody: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signing (the "v0" scheme): every Events API and interactivity request carries
 * `X-Slack-Request-Timestamp` (unix seconds) and `X-Slack-Signature: v0=<hex>`, where <hex> is the
 * HMAC-SHA256, keyed with the app's signing secret, of `v0:<timestamp>:<raw request body>`.
 * Verification runs over the bytes exactly as received, before anything parses them.
 */

export const SLACK_SIGNATURE_VERSION = 'v0';
/** Slack's documented replay window: five minutes either way. */
export const SLACK_TIMESTAMP_TOLERANCE_SECONDS = 300;

export type SlackVerification =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: 'PARLEY_CHANNEL_SIGNATURE_INVALID' | 'PARLEY_CHANNEL_TIMESTAMP_STALE';
      readonly message: string;
    };

/** The `X-Slack-Signature` value for `rawBody` sent at `timestamp`. */
export function slackSignature(secret: string, timestamp: string | number, rawBody: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret).update(`${SLACK_SIGNATURE_VERSION}:${String(timestamp)}:`).update(rawBody);
  return `${SLACK_SIGNATURE_VERSION}=${hmac.digest('hex')}`;
}

/**
 * Whether a request is Slack's: the timestamp is a number of seconds within the tolerance of
 * `nowMs` (in the past or the future), and the signature matches, compared in constant time.
 * Messages say what is wrong, never the expected value.
 */
export function verifySlackSignature(
  secret: string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  rawBody: Uint8Array,
  nowMs: number,
  toleranceSeconds = SLACK_TIMESTAMP_TOLERANCE_SECONDS,
): SlackVerification {
  if (timestampHeader === undefined || signatureHeader === undefined) {
    return { ok: false, code: 'PARLEY_CHANNEL_SIGNATURE_INVALID', message: 'the request has no X-Slack-Signature or X-Slack-Request-Timestamp header' };
  }
  const timestamp = timestampHeader.trim();
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, code: 'PARLEY_CHANNEL_SIGNATURE_INVALID', message: 'X-Slack-Request-Timestamp is not a unix time in seconds' };
  }
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > toleranceSeconds) {
    return {
      ok: false,
      code: 'PARLEY_CHANNEL_TIMESTAMP_STALE',
      message: `X-Slack-Request-Timestamp is more than ${toleranceSeconds} s away from now (a replay, or a clock out of sync)`,
    };
  }
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signatureHeader.trim().toLowerCase(), 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch tells nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: 'PARLEY_CHANNEL_SIGNATURE_INVALID', message: 'X-Slack-Signature does not match the request body' };
  }
  return { ok: true };
}

import { Buffer } from 'node:buffer';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelInbound, ChannelRequest } from '../../core/index.js';

/**
 * Meta's two checks on a webhook: the subscription handshake (GET) and the body signature (POST).
 * Both compare in constant time.
 */

const SIGNATURE_PREFIX = 'sha256=';
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** The `X-Hub-Signature-256` value Meta sends with `rawBody`: `sha256=` and the hex HMAC-SHA256 keyed with the app secret. */
export function metaSignature(appSecret: string, rawBody: Uint8Array | string): string {
  return SIGNATURE_PREFIX + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

/** Whether `header` is the app's signature of exactly these bytes. */
export function verifyMetaSignature(appSecret: string, header: string | undefined, rawBody: Uint8Array): boolean {
  if (appSecret === '' || header === undefined) return false;
  const value = header.trim();
  if (!value.startsWith(SIGNATURE_PREFIX)) return false;
  const hex = value.slice(SIGNATURE_PREFIX.length);
  if (!HEX_SHA256.test(hex)) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}

/** Equal strings, compared in a time that does not depend on where they differ (nor on their lengths). */
export function constantTimeEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given === expected;
}

/** The longest `hub.challenge` echoed back (Meta sends a short number). */
const MAX_CHALLENGE_LENGTH = 1024;

/**
 * The subscription handshake: `hub.mode=subscribe` with the verify token set in the Meta app
 * dashboard is answered 200 with `hub.challenge` as a plain-text body; anything else is refused.
 */
export function answerHandshake(request: ChannelRequest, verifyToken: string): ChannelInbound {
  const mode = request.query['hub.mode'];
  const token = request.query['hub.verify_token'];
  if (mode !== 'subscribe' || token === undefined || !constantTimeEquals(token, verifyToken)) {
    return { kind: 'rejected', status: 403, code: 'PARLEY_CHANNEL_VERIFY_TOKEN_INVALID', message: 'the subscription request does not carry the verify token set for this channel' };
  }
  const challenge = request.query['hub.challenge'];
  if (challenge === undefined || challenge === '' || challenge.length > MAX_CHALLENGE_LENGTH) {
    return { kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID', message: 'the subscription request carries no usable hub.challenge' };
  }
  return { kind: 'answer', answer: { status: 200, contentType: 'text/plain; charset=utf-8', body: challenge } };
}

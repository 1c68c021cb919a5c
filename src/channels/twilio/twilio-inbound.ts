import type { ChannelAnswer, ChannelInbound, ChannelRequest, InboundChannelMessage } from '../../core/index.js';
import { formatTwilioAddress } from './twilio-address.js';
import { bodyHashOf, verifyTwilioBodySignature, verifyTwilioSignature, type FormParameter } from './twilio-signature.js';

/**
 * Turning one of Twilio's incoming-message webhooks into a Parley message. The signature is checked
 * first, over `request.url` and the raw form body; nothing of the payload is read before that.
 */

/** The answer to every verified webhook: empty TwiML, so Twilio sends nothing itself (replies go through the REST API). */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export const TWIML_ANSWER: ChannelAnswer = { status: 200, contentType: 'text/xml', body: EMPTY_TWIML };

/** The text of a message that carries media (a photo, a voice note) and no words: the bot answers it like any text it does not understand. */
export const MEDIA_ONLY_TEXT = '(media)';

/** Statuses of status callbacks about messages we sent: verified, acknowledged, nothing recorded. */
const OUTBOUND_STATUSES = new Set(['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'canceled', 'partially_delivered']);

export function handleTwilioWebhook(request: ChannelRequest, authToken: string): ChannelInbound {
  const signature = request.headers['x-twilio-signature'];
  if (signature === undefined || signature.trim() === '') {
    return { kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_SIGNATURE_INVALID', message: 'the request has no X-Twilio-Signature header' };
  }

  let fields: ReadonlyMap<string, string> | undefined;
  if (bodyHashOf(request.url) !== undefined) {
    // A JSON-bodied webhook: the URL (with bodySHA256) is signed, the body is bound by its hash.
    if (!verifyTwilioBodySignature(authToken, signature, request.url, request.rawBody)) return signatureMismatch();
    fields = jsonFields(request.rawBody);
    if (fields === undefined) return invalidPayload('the verified JSON body is not an object');
  } else {
    const parameters: FormParameter[] = [...new URLSearchParams(request.rawBody.toString('utf8'))];
    if (!verifyTwilioSignature(authToken, signature, request.url, parameters)) return signatureMismatch();
    fields = firstValues(parameters);
  }
  return parseIncomingMessage(fields);
}

/** The message in a verified webhook's fields. */
export function parseIncomingMessage(fields: ReadonlyMap<string, string>): ChannelInbound {
  const messageSid = nonEmpty(fields.get('MessageSid'));
  const from = nonEmpty(fields.get('From'));
  const to = nonEmpty(fields.get('To'));
  if (messageSid === undefined || from === undefined || to === undefined) {
    const missing = [messageSid === undefined ? 'MessageSid' : '', from === undefined ? 'From' : '', to === undefined ? 'To' : ''].filter((name) => name !== '');
    return invalidPayload(`the verified request is not an incoming message: ${missing.join(', ')} missing`);
  }

  // A status callback about a message we sent (if the number's status callback points here too).
  const status = fields.get('MessageStatus') ?? fields.get('SmsStatus');
  if (status !== undefined && OUTBOUND_STATUSES.has(status)) return { kind: 'messages', messages: [], answer: TWIML_ANSWER };

  const text = textOf(fields);
  if (text === undefined) return { kind: 'messages', messages: [], answer: TWIML_ANSWER };
  const message: InboundChannelMessage = { messageId: messageSid, address: formatTwilioAddress({ ours: to, theirs: from }), userId: from, text };
  return { kind: 'messages', messages: [message], answer: TWIML_ANSWER };
}

/**
 * A tapped WhatsApp quick-reply button's payload; else the trimmed Body; else, for media with no
 * words, {@link MEDIA_ONLY_TEXT}; else nothing (an empty message gets no answer).
 */
function textOf(fields: ReadonlyMap<string, string>): string | undefined {
  const payload = nonEmpty(fields.get('ButtonPayload'));
  if (payload !== undefined) return payload;
  const body = nonEmpty(fields.get('Body'));
  if (body !== undefined) return body;
  const media = Number.parseInt(fields.get('NumMedia') ?? '0', 10);
  return Number.isFinite(media) && media > 0 ? MEDIA_ONLY_TEXT : undefined;
}

function firstValues(parameters: readonly FormParameter[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, value] of parameters) if (!fields.has(name)) fields.set(name, value);
  return fields;
}

function jsonFields(rawBody: Buffer): Map<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const fields = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') fields.set(name, value);
    else if (typeof value === 'number' && Number.isFinite(value)) fields.set(name, String(value));
  }
  return fields;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function signatureMismatch(): ChannelInbound {
  return {
    kind: 'rejected',
    status: 401,
    code: 'PARLEY_CHANNEL_SIGNATURE_INVALID',
    message: 'the X-Twilio-Signature header does not match this request (behind a proxy, set PARLEY_TRUST_PROXY so the public URL Twilio called is checked)',
  };
}

function invalidPayload(message: string): ChannelInbound {
  return { kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID', message };
}

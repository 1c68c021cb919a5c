/**
 * The Twilio channel: SMS, MMS and WhatsApp through Twilio's Programmable Messaging.
 *
 * Settings (environment variables):
 * - `PARLEY_TWILIO_ACCOUNT_SID`: the account SID (`AC…`), from the Twilio Console.
 * - `PARLEY_TWILIO_AUTH_TOKEN`: the account's primary auth token. It verifies Twilio's webhook
 *   signatures and authenticates the replies Parley sends.
 * - `PARLEY_TWILIO_API_URL` (optional): the REST API's base URL, `https://api.twilio.com` unless set.
 * Without the first two the channel is off and the server says which are missing.
 *
 * Where Twilio sends incoming messages: `https://<your public host>/v1/channels/twilio/webhook`,
 * method HTTP POST. Set it as "A message comes in" in the Messaging configuration of each phone
 * number (Console → Phone Numbers → Active numbers), or as the incoming-message webhook of a
 * Messaging Service, of a WhatsApp sender, or of the WhatsApp Sandbox ("When a message comes in").
 *
 * Twilio signs the exact URL it calls (scheme, host, port, path and query), and Parley checks the
 * signature against the URL of the request it received. Behind a reverse proxy or a TLS terminator
 * set `PARLEY_TRUST_PROXY`, so the server rebuilds the public URL from `X-Forwarded-Proto` and
 * `X-Forwarded-Host`; otherwise every webhook is refused with 401 `PARLEY_CHANNEL_SIGNATURE_INVALID`.
 *
 * What happens:
 * - One conversation per (our number, their number): the address is `<To>><From>` of the incoming
 *   message (e.g. `+15017122661>+15558675310`, `whatsapp:+14155238886>whatsapp:+15558675310`), so a
 *   reply goes out from the number the user wrote to. The user id is the sender's `From`.
 * - A webhook is deduplicated on its `MessageSid` (Twilio retries carry the same one) and answered
 *   at once with empty TwiML; the reply is sent afterwards through the REST API, not in the TwiML.
 * - The text is the trimmed `Body` (or a tapped WhatsApp quick-reply's `ButtonPayload`). A message
 *   with media and no text becomes `(media)`, so the bot still answers; an empty one is ignored.
 *   Status callbacks posted to the same URL are acknowledged and ignored.
 * - Replies are plain text: elements become their fallbacks and buttons a numbered list
 *   ("1. Track my order"). The adapter declares `numberedChoices`, so the engine maps a reply "2"
 *   to the second button's payload. A reply over 1,600 characters is sent as several messages.
 * - A reply Twilio refuses for good (invalid number 21211, unsubscribed recipient 21610 after the
 *   user texted STOP, region not enabled 21408, not a mobile number 21614, wrong credentials) is
 *   given up; rate limiting (429, 20429), 5xx, timeouts (10 s) and network errors are retried.
 *   Twilio offers no idempotency key for sending, so a retry after a lost answer can send twice.
 * - Webhooks with a JSON body (signed over the URL, with `bodySHA256` in the query) are accepted
 *   too; form-encoded ones are the usual case. Only POST webhooks are served.
 */
import type { ChannelAdapter, ChannelSetup, Environment } from '../../core/index.js';
import { ParleyError } from '../../core/index.js';
import { handleTwilioWebhook } from './twilio-inbound.js';
import { createTwilioSender } from './twilio-sender.js';

export { formatTwilioAddress, parseTwilioAddress, type TwilioAddress } from './twilio-address.js';
export { EMPTY_TWIML, MEDIA_ONLY_TEXT } from './twilio-inbound.js';
export { MAX_BODY_CHARS, splitBody } from './sms-body.js';
export { TWILIO_SEND_TIMEOUT_MS } from './twilio-sender.js';
export { twilioBodyHash, twilioSignature, twilioSignedString, verifyTwilioBodySignature, verifyTwilioSignature, type FormParameter } from './twilio-signature.js';

export const TWILIO_CHANNEL = 'twilio';
export const TWILIO_WEBHOOK_PATH = '/v1/channels/twilio/webhook';
export const TWILIO_DEFAULT_API_URL = 'https://api.twilio.com';
/** Twilio's incoming-message webhooks are small form posts; 1 MiB is far above any of them. */
export const TWILIO_MAX_BODY_BYTES = 1024 * 1024;

export interface TwilioChannelOptions {
  /** The fetch used for the REST API (tests point it elsewhere or count calls). */
  readonly fetch?: typeof globalThis.fetch;
}

export function twilioChannel(env: Environment, options: TwilioChannelOptions = {}): ChannelSetup {
  const accountSid = setting(env, 'PARLEY_TWILIO_ACCOUNT_SID');
  const authToken = setting(env, 'PARLEY_TWILIO_AUTH_TOKEN');
  if (accountSid === undefined || authToken === undefined) {
    const missing = [accountSid === undefined ? 'PARLEY_TWILIO_ACCOUNT_SID' : '', authToken === undefined ? 'PARLEY_TWILIO_AUTH_TOKEN' : ''].filter((name) => name !== '');
    return { off: true, name: TWILIO_CHANNEL, missing };
  }
  const apiUrl = apiUrlOf(env);
  const send = createTwilioSender({ accountSid, authToken, apiUrl, fetch: options.fetch ?? globalThis.fetch });

  const adapter: ChannelAdapter = {
    name: TWILIO_CHANNEL,
    path: TWILIO_WEBHOOK_PATH,
    methods: ['POST'],
    maxBodyBytes: TWILIO_MAX_BODY_BYTES,
    numberedChoices: true,
    handle: (request) => handleTwilioWebhook(request, authToken),
    send,
  };
  return adapter;
}

function setting(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function apiUrlOf(env: Environment): string {
  const value = setting(env, 'PARLEY_TWILIO_API_URL') ?? TWILIO_DEFAULT_API_URL;
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) {
    throw new ParleyError('PARLEY_CONFIG_INVALID', 'PARLEY_TWILIO_API_URL must be a web address starting with https:// or http://, e.g. https://api.twilio.com');
  }
  return value.replace(/\/+$/, '');
}

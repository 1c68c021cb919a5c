/**
 * # The Slack channel (Events API)
 *
 * People talk to the bot in Slack channels, threads and direct messages; Parley answers with
 * `chat.postMessage`, buttons included. One Slack channel (or one thread) is one conversation.
 *
 * ## Settings (environment variables)
 *
 * | variable | what |
 * |---|---|
 * | `PARLEY_SLACK_SIGNING_SECRET` | the app's Signing Secret (Basic Information → App Credentials); every request is checked against it |
 * | `PARLEY_SLACK_BOT_TOKEN` | the Bot User OAuth Token, `xoxb-…` (OAuth & Permissions) |
 * | `PARLEY_SLACK_API_URL` | optional; the Web API base, default `https://slack.com/api` |
 *
 * Without the first two the channel is off, and the server says which variable is missing.
 *
 * ## Slack app settings (api.slack.com/apps)
 *
 * - **Event Subscriptions**: on; Request URL `https://<your host>/v1/channels/slack/events`
 *   (Slack checks it with a signed `url_verification` request, which Parley answers).
 *   Subscribe to bot events `message.channels` (public channels), `message.im` (direct
 *   messages) and/or `app_mention` (only messages that mention the bot); add `message.groups`
 *   for private channels. With `message.channels` the bot answers every message in the channels
 *   it was invited to; with `app_mention` only, it answers when mentioned. Subscribing to both
 *   is safe: the two events of one message are recorded once.
 * - **Interactivity & Shortcuts**: on; Request URL = the same path. Buttons send their payload
 *   back as the user's next message.
 * - **OAuth & Permissions**, bot token scopes: `chat:write`, plus the scopes of the events chosen
 *   (`channels:history`, `im:history`, `app_mentions:read`, `groups:history`).
 * - **App Home**: allow users to send messages from the Messages tab, for direct messages.
 * - Invite the bot to a channel (`/invite @yourbot`) before talking to it there.
 *
 * ## Behaviour
 *
 * Each request is verified (signature `v0`, timestamp within 5 minutes) before its body is read;
 * anything else is answered 401 and nothing is recorded. Slack wants an answer within 3 s and
 * otherwise retries the same event up to 3 times (`X-Slack-Retry-Num`); the server answers as
 * soon as the message is in the inbox, and the inbox drops the retries. Replies are posted in
 * the channel, or in the thread the message was written in. Messages from bots (this one
 * included), edits and deletions are ignored.
 */
import { ParleyError, type ChannelAdapter, type ChannelInbound, type ChannelRequest, type ChannelSetup, type Environment } from '../../core/index.js';
import { parseSlackBody } from './slack-inbound.js';
import { createSlackSender, SLACK_SEND_TIMEOUT_MS } from './slack-send.js';
import { verifySlackSignature } from './slack-signature.js';

export { slackSignature, verifySlackSignature, SLACK_TIMESTAMP_TOLERANCE_SECONDS } from './slack-signature.js';
export { slackPostMessageBody, escapeSlackText, SLACK_LIMITS, type SlackBlock, type SlackPostMessageBody } from './slack-blocks.js';
export { parseSlackAddress, slackAddress } from './slack-inbound.js';

export const SLACK_CHANNEL_NAME = 'slack';
export const SLACK_EVENTS_PATH = '/v1/channels/slack/events';
export const SLACK_DEFAULT_API_URL = 'https://slack.com/api';
/** Slack's event and interactivity payloads are small; 1 MiB leaves a wide margin. */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;

export interface SlackChannelOptions {
  readonly fetch?: typeof fetch;
  /** The current time in milliseconds since the epoch (default Date.now). */
  readonly now?: () => number;
}

export function slackChannel(env: Environment, options: SlackChannelOptions = {}): ChannelSetup {
  const signingSecret = env['PARLEY_SLACK_SIGNING_SECRET'];
  const botToken = env['PARLEY_SLACK_BOT_TOKEN'];
  const missing = [
    ...(signingSecret === undefined || signingSecret === '' ? ['PARLEY_SLACK_SIGNING_SECRET'] : []),
    ...(botToken === undefined || botToken === '' ? ['PARLEY_SLACK_BOT_TOKEN'] : []),
  ];
  if (missing.length > 0 || signingSecret === undefined || botToken === undefined) return { off: true, name: SLACK_CHANNEL_NAME, missing };
  for (const [variable, value] of [['PARLEY_SLACK_SIGNING_SECRET', signingSecret], ['PARLEY_SLACK_BOT_TOKEN', botToken]] as const) {
    if (/[\s\0]/.test(value)) throw new ParleyError('PARLEY_CONFIG_INVALID', `the environment variable ${variable} contains a space, line break or NUL character`);
  }
  const apiUrl = readApiUrl(env['PARLEY_SLACK_API_URL']);
  const now = options.now ?? Date.now;
  const send = createSlackSender({ apiUrl, botToken, fetch: options.fetch ?? globalThis.fetch, now, timeoutMs: SLACK_SEND_TIMEOUT_MS });

  const adapter: ChannelAdapter = {
    name: SLACK_CHANNEL_NAME,
    path: SLACK_EVENTS_PATH,
    methods: ['POST'],
    maxBodyBytes: SLACK_MAX_BODY_BYTES,
    numberedChoices: false,
    handle(request: ChannelRequest): ChannelInbound {
      // Verification first, over the bytes as received: nothing of an unverified body is parsed.
      const verification = verifySlackSignature(
        signingSecret,
        request.headers['x-slack-request-timestamp'],
        request.headers['x-slack-signature'],
        request.rawBody,
        now(),
      );
      if (!verification.ok) return { kind: 'rejected', status: 401, code: verification.code, message: verification.message };
      if (request.method !== 'POST') return { kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID', message: 'Slack sends events with POST' };
      // Retries (X-Slack-Retry-Num) need nothing here: they carry the same event, hence the same message id, which the inbox drops.
      return parseSlackBody(request.rawBody, request.headers['content-type']);
    },
    send,
  };
  return adapter;
}

function readApiUrl(value: string | undefined): string {
  if (value === undefined || value === '') return SLACK_DEFAULT_API_URL;
  const trimmed = value.trim().replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(trimmed) || !URL.canParse(trimmed)) {
    throw new ParleyError('PARLEY_CONFIG_INVALID', 'the environment variable PARLEY_SLACK_API_URL is not an http(s) address, e.g. https://slack.com/api');
  }
  return trimmed;
}

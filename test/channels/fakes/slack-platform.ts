import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Slack for tests, on a real local HTTP port:
 *
 * - `startFakeSlack()` serves the Web API's `chat.postMessage` under `<url>/api`: it checks the
 *   bearer token and the JSON body as Slack does (channel, text or blocks, Block Kit limits),
 *   records each posted message, and answers `{ ok: true, channel, ts, message }`. It can be
 *   scripted to answer the next calls with HTTP 429 + Retry-After, a 5xx, `{ ok: false, error }`,
 *   or not at all.
 * - `signedSlackRequest()` and `signedSlackInteraction()` build inbound requests exactly as Slack
 *   signs them (`X-Slack-Signature: v0=HMAC-SHA256(secret, "v0:<ts>:<raw body>")`), for the
 *   Events API (JSON) and for interactivity (`payload=<json>`, form-encoded).
 */

export const FAKE_SLACK_TOKEN = 'xoxb-test-0000-fake-slack-token';
export const FAKE_SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
/** The bot user the fake app installs, as `authorizations` names it. */
export const FAKE_SLACK_BOT_USER = 'U0BOTPARLEY';

// ---------------------------------------------------------------------------------------------
// Inbound: signed requests as Slack sends them
// ---------------------------------------------------------------------------------------------

export interface SignedSlackRequest {
  /** Lower-case header names, as ChannelRequest wants them. */
  readonly headers: Record<string, string>;
  readonly rawBody: Buffer;
}

export interface SignOptions {
  readonly secret: string;
  /** Unix seconds. */
  readonly timestamp: number;
  /** Adds X-Slack-Retry-Num / X-Slack-Retry-Reason, as on a redelivery. */
  readonly retryNum?: number;
  readonly retryReason?: string;
}

export function slackSignatureOf(secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${String(timestamp)}:`).update(rawBody).digest('hex')}`;
}

/** An Events API request: `body` is JSON-encoded unless it is already a string (sent as is). */
export function signedSlackRequest(body: unknown, options: SignOptions): SignedSlackRequest {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return sign(raw, 'application/json', options);
}

/** An interactivity request: `payload=<url-encoded JSON>`, form-encoded, signed over the encoded body. */
export function signedSlackInteraction(payload: unknown, options: SignOptions): SignedSlackRequest {
  const raw = new URLSearchParams({ payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }).toString();
  return sign(raw, 'application/x-www-form-urlencoded', options);
}

function sign(raw: string, contentType: string, options: SignOptions): SignedSlackRequest {
  const rawBody = Buffer.from(raw, 'utf8');
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(options.timestamp),
    'x-slack-signature': slackSignatureOf(options.secret, options.timestamp, rawBody),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
  }
  return { headers, rawBody };
}

/** An `event_callback` envelope around `event`, as the app's bot installation receives it. */
export function slackEventEnvelope(event: Record<string, unknown>, eventId = 'Ev0PARLEY0001'): Record<string, unknown> {
  return {
    token: 'deprecated-verification-token',
    team_id: 'T0TEAM',
    api_app_id: 'A0PARLEY',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: 1_700_000_000,
    authorizations: [{ enterprise_id: null, team_id: 'T0TEAM', user_id: FAKE_SLACK_BOT_USER, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: '4-eyJldCI6Im1lc3NhZ2UifQ',
  };
}

/** A person's message event (message.channels), with Slack's escaping of `&`, `<` and `>` applied to `text`. */
export function slackMessageEvent(fields: { text: string; channel?: string; user?: string; ts?: string; thread_ts?: string; type?: string } & Record<string, unknown>): Record<string, unknown> {
  const { text, ...rest } = fields;
  return {
    type: 'message',
    channel: 'C0GENERAL',
    user: 'U0ALICE',
    ts: '1700000000.000100',
    event_ts: '1700000000.000100',
    channel_type: 'channel',
    client_msg_id: '5b3b0b6e-0000-4000-8000-000000000001',
    team: 'T0TEAM',
    blocks: [],
    ...rest,
    text,
  };
}

/** A `block_actions` payload for a press of the button with `value`. */
export function slackBlockActions(fields: { value: string; channel?: string; user?: string; actionTs?: string; threadTs?: string; messageTs?: string }): Record<string, unknown> {
  const channel = fields.channel ?? 'C0GENERAL';
  const messageTs = fields.messageTs ?? '1700000001.000200';
  return {
    type: 'block_actions',
    user: { id: fields.user ?? 'U0ALICE', username: 'alice', name: 'alice', team_id: 'T0TEAM' },
    api_app_id: 'A0PARLEY',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false, ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}) },
    trigger_id: '1234.5678.abcdef',
    team: { id: 'T0TEAM', domain: 'parley' },
    channel: { id: channel, name: 'general' },
    message: { type: 'message', user: FAKE_SLACK_BOT_USER, bot_id: 'B0PARLEY', ts: messageTs, text: 'Pick one', ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}) },
    response_url: 'https://hooks.slack.com/actions/T0TEAM/1/abc',
    actions: [
      {
        action_id: 'parley:button:0',
        block_id: 'b1',
        text: { type: 'plain_text', text: 'Track my order', emoji: true },
        value: fields.value,
        type: 'button',
        action_ts: fields.actionTs ?? '1700000002.123456',
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Outbound: a Web API that takes chat.postMessage
// ---------------------------------------------------------------------------------------------

/** A message the fake accepted. */
export interface PostedSlackMessage {
  readonly channel: string;
  readonly thread_ts?: string;
  readonly text?: string;
  readonly blocks?: readonly Record<string, unknown>[];
  /** The ts the fake gave it. */
  readonly ts: string;
  readonly body: Record<string, unknown>;
}

/** Every request the fake received, accepted or not. */
export interface SlackApiCall {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type SlackScript =
  | { readonly status: 429; readonly retryAfter?: string }
  | { readonly status: number; readonly body?: string }
  | { readonly error: string }
  /** Never answers (until the fake closes). */
  | { readonly hang: true };

export interface FakeSlack {
  /** The Web API base to give the adapter (`PARLEY_SLACK_API_URL`). */
  readonly apiUrl: string;
  readonly posted: PostedSlackMessage[];
  readonly calls: SlackApiCall[];
  /** Answers for the next calls, in order; after them, calls are served normally. */
  script(...answers: SlackScript[]): void;
  /** Resolves when `count` messages have been posted. */
  waitForPosts(count: number, timeoutMs?: number): Promise<PostedSlackMessage[]>;
  close(): Promise<void>;
}

export interface FakeSlackOptions {
  readonly token?: string;
  /** Channels the bot is in; any other answers `channel_not_found`. Default: any channel. */
  readonly channels?: readonly string[];
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const token = options.token ?? FAKE_SLACK_TOKEN;
  const posted: PostedSlackMessage[] = [];
  const calls: SlackApiCall[] = [];
  const queue: SlackScript[] = [];
  const waiters: (() => void)[] = [];
  let sequence = 0;

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = new URL(request.url ?? '/', 'http://fake').pathname;
      calls.push({ method: request.method ?? '', path, headers: request.headers, body });
      const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        response.end(JSON.stringify(json));
      };
      if (path !== '/api/chat.postMessage') return answer(404, { ok: false, error: 'unknown_method' });
      if (request.method !== 'POST') return answer(405, { ok: false, error: 'method_not_allowed' });

      const scripted = queue.shift();
      if (scripted !== undefined) {
        if ('hang' in scripted) return;
        if ('error' in scripted) return answer(200, { ok: false, error: scripted.error });
        if (scripted.status === 429) return answer(429, { ok: false, error: 'ratelimited' }, 'retryAfter' in scripted && scripted.retryAfter !== undefined ? { 'retry-after': scripted.retryAfter } : {});
        response.writeHead(scripted.status, { 'content-type': 'text/html' });
        response.end('body' in scripted && scripted.body !== undefined ? scripted.body : '<html>upstream error</html>');
        return;
      }

      const authorization = request.headers.authorization;
      if (authorization === undefined) return answer(200, { ok: false, error: 'not_authed' });
      if (authorization !== `Bearer ${token}`) return answer(200, { ok: false, error: 'invalid_auth' });
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return answer(200, { ok: false, error: 'invalid_arguments', detail: 'expected JSON' });
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return answer(200, { ok: false, error: 'invalid_json' });
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return answer(200, { ok: false, error: 'invalid_arguments' });
      const message = json as Record<string, unknown>;
      if (typeof message['channel'] !== 'string' || message['channel'] === '') return answer(200, { ok: false, error: 'channel_not_found' });
      if (options.channels && !options.channels.includes(message['channel'])) return answer(200, { ok: false, error: 'channel_not_found' });
      const hasText = typeof message['text'] === 'string' && message['text'] !== '';
      const blocks = message['blocks'];
      if (!hasText && blocks === undefined) return answer(200, { ok: false, error: 'no_text' });
      if (typeof message['text'] === 'string' && message['text'].length > 40_000) return answer(200, { ok: false, error: 'msg_too_long' });
      if (message['thread_ts'] !== undefined && (typeof message['thread_ts'] !== 'string' || !/^\d+\.\d+$/.test(message['thread_ts']))) {
        return answer(200, { ok: false, error: 'invalid_thread_ts' });
      }
      if (blocks !== undefined) {
        const problem = blockProblem(blocks);
        if (problem !== undefined) return answer(200, { ok: false, error: 'invalid_blocks', errors: [problem] });
      }
      sequence += 1;
      const ts = `1800000000.${String(sequence).padStart(6, '0')}`;
      posted.push({
        channel: message['channel'],
        ...(typeof message['thread_ts'] === 'string' ? { thread_ts: message['thread_ts'] } : {}),
        ...(typeof message['text'] === 'string' ? { text: message['text'] } : {}),
        ...(Array.isArray(blocks) ? { blocks: blocks as Record<string, unknown>[] } : {}),
        ts,
        body: message,
      });
      for (const wake of waiters.splice(0)) wake();
      answer(200, { ok: true, channel: message['channel'], ts, message: { type: 'message', bot_id: 'B0PARLEY', user: FAKE_SLACK_BOT_USER, text: message['text'], ts } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    posted,
    calls,
    script(...answers) {
      queue.push(...answers);
    },
    async waitForPosts(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (posted.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`fake Slack: ${posted.length} message(s) posted, ${count} expected within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return posted.slice(0, count);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The first way `blocks` breaks Block Kit's rules, as Slack's `invalid_blocks` would report it. */
function blockProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return 'no more than 50 items allowed [json-pointer:/blocks]';
  const actionIds = new Set<string>();
  for (const [index, block] of blocks.entries()) {
    const at = `[json-pointer:/blocks/${index}]`;
    if (typeof block !== 'object' || block === null) return `must be an object ${at}`;
    const b = block as Record<string, unknown>;
    switch (b['type']) {
      case 'section': {
        const problem = textObjectProblem(b['text'], 3000, ['mrkdwn', 'plain_text']);
        if (problem) return `${problem} ${at}/text`;
        if (b['accessory'] !== undefined) {
          const accessory = b['accessory'] as Record<string, unknown>;
          if (accessory['type'] !== 'image' || !isHttpUrl(accessory['image_url']) || typeof accessory['alt_text'] !== 'string') return `invalid accessory ${at}/accessory`;
        }
        break;
      }
      case 'context': {
        const elements = b['elements'];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) return `context needs 1 to 10 elements ${at}`;
        break;
      }
      case 'divider':
        break;
      case 'image':
        if (!isHttpUrl(b['image_url'])) return `image_url must be a URL ${at}`;
        if (typeof b['alt_text'] !== 'string' || b['alt_text'] === '' || b['alt_text'].length > 2000) return `alt_text must be 1 to 2000 characters ${at}`;
        break;
      case 'actions': {
        const elements = b['elements'];
        if (!Array.isArray(elements) || elements.length === 0) return `actions needs elements ${at}`;
        if (elements.length > 25) return `no more than 25 items allowed ${at}/elements`;
        for (const [position, element] of elements.entries()) {
          const e = element as Record<string, unknown>;
          const where = `${at}/elements/${position}`;
          if (e['type'] !== 'button') return `unsupported element type ${where}`;
          const problem = textObjectProblem(e['text'], 75, ['plain_text']);
          if (problem) return `${problem} ${where}/text`;
          if (typeof e['value'] !== 'string' || e['value'].length > 2000) return `value must be at most 2000 characters ${where}`;
          if (typeof e['action_id'] !== 'string' || e['action_id'] === '' || e['action_id'].length > 255) return `action_id must be 1 to 255 characters ${where}`;
          if (actionIds.has(e['action_id'])) return `action_id already exists ${where}`;
          actionIds.add(e['action_id']);
        }
        break;
      }
      default:
        return `unsupported block type ${at}`;
    }
  }
  return undefined;
}

function textObjectProblem(text: unknown, max: number, types: readonly string[]): string | undefined {
  if (typeof text !== 'object' || text === null) return 'a text object is required';
  const t = text as Record<string, unknown>;
  if (!types.includes(String(t['type']))) return `text type must be one of ${types.join(', ')}`;
  if (typeof t['text'] !== 'string' || t['text'] === '') return 'text must not be empty';
  if (t['text'].length > max) return `must be less than ${max + 1} characters`;
  return undefined;
}

function isHttpUrl(value: unknown): boolean {
  return typeof value === 'string' && /^https?:\/\//.test(value) && value.length <= 3000;
}

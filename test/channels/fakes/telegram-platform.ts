import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelRequest } from '../../../src/core/index.js';

/**
 * A local stand-in for the Telegram Bot API, speaking its documented contract over real HTTP:
 *
 * - `POST /bot<token>/<method>` with a JSON (or form-encoded) body, answered
 *   `{ ok: true, result }` or `{ ok: false, error_code, description, parameters? }` with the
 *   error code as the HTTP status; a wrong token → 401 `Unauthorized`, an unknown method → 404
 *   `Not Found`.
 * - `sendMessage` checks what Telegram checks: `chat_id` present, `text` 1–4096 characters
 *   (`message text is empty`, `message is too long`), an `inline_keyboard` of rows of buttons
 *   with a non-empty `text` and `callback_data` of 1–64 bytes (`BUTTON_DATA_INVALID`), and
 *   answers with the sent Message.
 * - `answerCallbackQuery` needs `callback_query_id` and answers `true`.
 *
 * Tests script failures: `failNext` (the next calls of a method get the given answer: 429 with
 * `retry_after`, 500, 403 blocked, …) and `blockChat` (every send to that chat gets 403 `bot was
 * blocked by the user`). Every request is recorded with its answer's status; `calls(method)`
 * gives the parameters of the calls that succeeded, in order.
 *
 * `deliver` plays Telegram's side of the webhook: it POSTs an update to a URL with the secret
 * header and, when the answer is a 200 JSON body naming a `method` (the Bot API's "making
 * requests when getting updates"), runs that method as if it had been called.
 */

export interface RecordedCall {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The HTTP status answered. */
  readonly status: number;
  /** True when the call came from a webhook answer (see `deliver`), not over HTTP. */
  readonly viaWebhookAnswer: boolean;
}

export interface ScriptedFailure {
  readonly status: number;
  readonly description?: string;
  /** Seconds, sent as `parameters.retry_after` (Telegram does so with 429). */
  readonly retryAfter?: number;
  /** Close the connection without answering (a network error). */
  readonly destroy?: boolean;
}

export interface WebhookDelivery {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

export interface TelegramPlatform {
  /** `http://127.0.0.1:<port>`: the value for PARLEY_TELEGRAM_API_URL. */
  readonly apiUrl: string;
  readonly token: string;
  readonly requests: RecordedCall[];
  /** Parameters of the successful calls of `method`, in order. */
  calls(method: string): Readonly<Record<string, unknown>>[];
  /**
   * The next `times` calls of `method` (after letting `after` calls through) get `failure`
   * instead of being carried out.
   */
  failNext(method: string, failure: ScriptedFailure, times?: number, options?: { readonly after?: number }): void;
  /** Every `sendMessage` to this chat is refused with 403 `Forbidden: bot was blocked by the user`. */
  blockChat(chatId: string | number): void;
  /** Sends an update to a webhook as Telegram does, and carries out a method in its answer. */
  deliver(webhookUrl: string, update: unknown, options: { readonly secretToken?: string }): Promise<WebhookDelivery>;
  /**
   * What Telegram does with a 200 answer to a webhook request: a JSON body naming a `method` is
   * carried out as a call of that method (recorded with `viaWebhookAnswer`).
   */
  runWebhookAnswer(answer: { readonly contentType?: string | undefined; readonly body?: string | undefined }): void;
  /** Resolves once `count` successful calls of `method` were recorded (fails after `timeoutMs`). */
  waitForCalls(method: string, count: number, timeoutMs?: number): Promise<Readonly<Record<string, unknown>>[]>;
  reset(): void;
  close(): Promise<void>;
}

export const TELEGRAM_TEXT_MAX = 4096;
export const CALLBACK_DATA_MAX_BYTES = 64;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

export async function startTelegramPlatform(options: { readonly token?: string } = {}): Promise<TelegramPlatform> {
  const token = options.token ?? '123456789:AAFakeTokenForTests_abcdefghijklmnop';
  const requests: RecordedCall[] = [];
  /** Per method, what the next calls get: a failure, or `pass` (carried out). */
  const scripted = new Map<string, (ScriptedFailure | 'pass')[]>();
  const blocked = new Set<string>();
  let nextMessageId = 1;

  function carryOut(method: string, params: Record<string, unknown>): unknown {
    switch (method) {
      case 'sendMessage':
        return sendMessage(params);
      case 'answerCallbackQuery':
        if (typeof params.callback_query_id !== 'string' || params.callback_query_id === '') throw new ApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        return true;
      default:
        throw new ApiError(404, 'Not Found');
    }
  }

  function sendMessage(params: Record<string, unknown>): unknown {
    const chatId = params.chat_id;
    if ((typeof chatId !== 'string' && typeof chatId !== 'number') || String(chatId) === '') throw new ApiError(400, 'Bad Request: chat_id is empty');
    if (blocked.has(String(chatId))) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    const text = params.text;
    if (typeof text !== 'string' || text.trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
    if (text.length > TELEGRAM_TEXT_MAX) throw new ApiError(400, 'Bad Request: message is too long');
    if (params.reply_markup !== undefined) checkReplyMarkup(params.reply_markup);
    const id = nextMessageId;
    nextMessageId += 1;
    return { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: 'private' }, text, ...(params.reply_markup === undefined ? {} : { reply_markup: params.reply_markup }) };
  }

  function handleCall(method: string, params: Record<string, unknown>, viaWebhookAnswer: boolean): { status: number; body: unknown; destroy?: boolean } {
    const queue = scripted.get(method);
    const next = queue?.shift();
    const failure = next === 'pass' ? undefined : next;
    if (failure !== undefined) {
      requests.push({ method, params, status: failure.status, viaWebhookAnswer });
      if (failure.destroy === true) return { status: 0, body: undefined, destroy: true };
      return { status: failure.status, body: errorBody(failure.status, failure.description ?? defaultDescription(failure.status, failure.retryAfter), failure.retryAfter) };
    }
    try {
      const result = carryOut(method, params);
      requests.push({ method, params, status: 200, viaWebhookAnswer });
      return { status: 200, body: { ok: true, result } };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      requests.push({ method, params, status: error.status, viaWebhookAnswer });
      return { status: error.status, body: errorBody(error.status, error.description, error.retryAfter) };
    }
  }

  async function onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const raw = await readBody(request);
    if (match === null) return json(response, 404, errorBody(404, 'Not Found'));
    const [, givenToken, method] = match;
    if (givenToken !== token) {
      requests.push({ method: method ?? '', params: {}, status: 401, viaWebhookAnswer: false });
      return json(response, 401, errorBody(401, 'Unauthorized'));
    }
    let params: Record<string, unknown>;
    try {
      params = parseParams(request.headers['content-type'], raw, url.searchParams);
    } catch {
      return json(response, 400, errorBody(400, "Bad Request: can't parse request body"));
    }
    const answer = handleCall(method ?? '', params, false);
    if (answer.destroy === true) {
      request.socket.destroy();
      return;
    }
    json(response, answer.status, answer.body);
  }

  const server = createServer((request, response) => {
    onRequest(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const platform: TelegramPlatform = {
    apiUrl: `http://127.0.0.1:${port}`,
    token,
    requests,
    calls: (method) => requests.filter((call) => call.method === method && call.status === 200).map((call) => call.params),
    failNext(method, failure, times = 1, failOptions = {}) {
      const queue = scripted.get(method) ?? [];
      for (let index = 0; index < (failOptions.after ?? 0); index += 1) queue.push('pass');
      for (let index = 0; index < times; index += 1) queue.push(failure);
      scripted.set(method, queue);
    },
    blockChat(chatId) {
      blocked.add(String(chatId));
    },
    async deliver(webhookUrl, update, deliverOptions) {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(deliverOptions.secretToken === undefined ? {} : { 'x-telegram-bot-api-secret-token': deliverOptions.secretToken }),
        },
        body: typeof update === 'string' ? update : JSON.stringify(update),
      });
      const body = await response.text();
      const contentType = response.headers.get('content-type') ?? undefined;
      if (response.status === 200) platform.runWebhookAnswer({ contentType, body });
      return { status: response.status, contentType, body };
    },
    runWebhookAnswer(answer) {
      if (answer.contentType?.startsWith('application/json') !== true || answer.body === undefined || answer.body === '') return;
      const reply = JSON.parse(answer.body) as Record<string, unknown>;
      if (typeof reply.method !== 'string') return;
      const { method, ...params } = reply;
      handleCall(method as string, params, true);
    },
    async waitForCalls(method, count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (platform.calls(method).length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} successful ${method} call(s) within ${timeoutMs} ms, saw ${platform.calls(method).length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return platform.calls(method);
    },
    reset() {
      requests.length = 0;
      scripted.clear();
      blocked.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return platform;
}

function checkReplyMarkup(markup: unknown): void {
  const keyboard = typeof markup === 'object' && markup !== null ? (markup as { inline_keyboard?: unknown }).inline_keyboard : undefined;
  if (!Array.isArray(keyboard) || !keyboard.every((row) => Array.isArray(row))) throw new ApiError(400, 'Bad Request: inline keyboard expected');
  for (const row of keyboard as unknown[][]) {
    for (const button of row) {
      const { text, callback_data: data } = (typeof button === 'object' && button !== null ? button : {}) as { text?: unknown; callback_data?: unknown };
      if (typeof text !== 'string' || text === '') throw new ApiError(400, 'Bad Request: text buttons are unallowed in the inline keyboard');
      if (typeof data !== 'string' || Buffer.byteLength(data, 'utf8') < 1 || Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_MAX_BYTES) {
        throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
      }
    }
  }
}

function parseParams(contentType: string | undefined, raw: string, query: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(query);
  if (raw === '') return params;
  if (contentType?.startsWith('application/json') === true) {
    const body: unknown = JSON.parse(raw);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
    return { ...params, ...(body as Record<string, unknown>) };
  }
  // Form-encoded: objects such as reply_markup are JSON-serialised strings.
  for (const [name, value] of new URLSearchParams(raw)) {
    params[name] = name === 'reply_markup' ? JSON.parse(value) : value;
  }
  return params;
}

function defaultDescription(status: number, retryAfter: number | undefined): string {
  if (status === 429) return `Too Many Requests: retry after ${retryAfter ?? 1}`;
  if (status === 403) return 'Forbidden: bot was blocked by the user';
  if (status === 400) return 'Bad Request: chat not found';
  if (status === 401) return 'Unauthorized';
  if (status >= 500) return 'Internal Server Error';
  return 'Error';
}

function errorBody(status: number, description: string, retryAfter?: number): unknown {
  return { ok: false, error_code: status, description, ...(retryAfter === undefined ? {} : { parameters: { retry_after: retryAfter } }) };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

// ---- Updates, as Telegram sends them ----

let nextUpdateId = 500_000_000;

export function textUpdate(options: { readonly text: string; readonly chatId?: number; readonly userId?: number; readonly updateId?: number }): Record<string, unknown> {
  const updateId = options.updateId ?? nextUpdateId++;
  const userId = options.userId ?? 424_242_424;
  const chatId = options.chatId ?? userId;
  return {
    update_id: updateId,
    message: {
      message_id: updateId % 100_000,
      from: { id: userId, is_bot: false, first_name: 'Ada', username: 'ada', language_code: 'en' },
      chat: { id: chatId, first_name: 'Ada', username: 'ada', type: chatId < 0 ? 'group' : 'private' },
      date: Math.floor(Date.now() / 1000),
      text: options.text,
    },
  };
}

export function callbackQueryUpdate(options: {
  readonly data: string;
  readonly chatId?: number;
  readonly userId?: number;
  readonly updateId?: number;
  readonly queryId?: string;
  /** The keyboard of the message the button was on, as Telegram echoes it back. */
  readonly keyboard?: readonly (readonly { readonly text: string; readonly callback_data: string }[])[];
}): Record<string, unknown> {
  const updateId = options.updateId ?? nextUpdateId++;
  const userId = options.userId ?? 424_242_424;
  const chatId = options.chatId ?? userId;
  return {
    update_id: updateId,
    callback_query: {
      id: options.queryId ?? `${updateId}0001`,
      from: { id: userId, is_bot: false, first_name: 'Ada' },
      message: {
        message_id: 77,
        from: { id: 123456789, is_bot: true, first_name: 'Parley', username: 'parley_bot' },
        chat: { id: chatId, type: chatId < 0 ? 'group' : 'private' },
        date: Math.floor(Date.now() / 1000),
        text: 'Pick one',
        ...(options.keyboard === undefined ? {} : { reply_markup: { inline_keyboard: options.keyboard } }),
      },
      chat_instance: '-8765432101234567890',
      data: options.data,
    },
  };
}

/**
 * A webhook request as Telegram sends it: a JSON POST with the secret header (when given). A
 * string or Buffer `update` is sent as is (for bodies that are not JSON).
 */
export function telegramUpdateRequest(update: unknown, options: { readonly secretToken?: string } = {}): ChannelRequest & { readonly headers: Readonly<Record<string, string>> } {
  const rawBody = Buffer.isBuffer(update) ? update : Buffer.from(typeof update === 'string' ? update : JSON.stringify(update), 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(rawBody.length),
    host: 'parley.example.com',
    ...(options.secretToken === undefined ? {} : { 'x-telegram-bot-api-secret-token': options.secretToken }),
  };
  return { method: 'POST', url: 'https://parley.example.com/v1/channels/telegram/webhook', query: {}, headers, rawBody };
}

import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelRequest } from '../../../src/core/index.js';

/**
 * A stand-in for Meta: a real HTTP server on 127.0.0.1 speaking the Graph API endpoints the
 * WhatsApp and Messenger channels call, and builders for the webhooks Meta sends (signed the way
 * Meta signs them, batches included).
 *
 * The server checks the access token, checks each request against the limits Meta documents
 * (refusing a violation with Graph's error 100, as Meta does), records every accepted send, and
 * answers scripted failures with Graph error bodies.
 */

export const FAKE_GRAPH_VERSION = 'v21.0';

export interface MetaPlatformOptions {
  readonly whatsappToken?: string;
  readonly phoneNumberId?: string;
  readonly pageToken?: string;
}

export interface MetaSend {
  readonly api: 'whatsapp' | 'messenger';
  /** The parsed JSON body. */
  readonly body: Record<string, unknown>;
}

/** A scripted answer for the next request: a Graph error, or a connection that never answers. */
export type MetaFailure =
  | {
      readonly status: number;
      readonly code?: number;
      readonly subcode?: number;
      readonly message?: string;
      readonly type?: string;
      readonly transient?: boolean;
      /** Sent as the Retry-After header. */
      readonly retryAfter?: string;
    }
  | { readonly hang: true };

export interface MetaPlatform {
  /** The Graph base with its version, for `PARLEY_META_GRAPH_URL`. */
  readonly graphUrl: string;
  readonly whatsappToken: string;
  readonly phoneNumberId: string;
  readonly pageToken: string;
  /** Every send the platform accepted, in order. */
  readonly sent: MetaSend[];
  /** Requests refused because they broke a documented limit or carried a wrong token: why. */
  readonly refused: string[];
  /** Every request received, accepted or not. */
  readonly requestCount: () => number;
  whatsappSent(): Record<string, unknown>[];
  messengerSent(): Record<string, unknown>[];
  /** Answers the next requests with these failures, in order. */
  failNext(...failures: MetaFailure[]): void;
  /** Resolves once `count` sends were accepted (or rejects after `timeoutMs`). */
  waitForSends(count: number, timeoutMs?: number): Promise<MetaSend[]>;
  close(): Promise<void>;
}

export async function startMetaPlatform(options: MetaPlatformOptions = {}): Promise<MetaPlatform> {
  const whatsappToken = options.whatsappToken ?? `EAAW${randomBytes(12).toString('hex')}`;
  const phoneNumberId = options.phoneNumberId ?? '106540352242922';
  const pageToken = options.pageToken ?? `EAAP${randomBytes(12).toString('hex')}`;
  const sent: MetaSend[] = [];
  const refused: string[] = [];
  const failures: MetaFailure[] = [];
  const waiters = new Set<() => void>();
  let requests = 0;
  let wamids = 0;

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(json));
      };
      const graphError = (status: number, code: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
        answer(status, { error: { message, type: 'OAuthException', code, fbtrace_id: `A${randomBytes(8).toString('hex')}`, ...extra } }, headers);

      const failure = failures.shift();
      if (failure !== undefined) {
        if ('hang' in failure) return;
        graphError(
          failure.status,
          failure.code ?? 1,
          failure.message ?? 'scripted failure',
          { ...(failure.subcode === undefined ? {} : { error_subcode: failure.subcode }), ...(failure.type === undefined ? {} : { type: failure.type }), ...(failure.transient === undefined ? {} : { is_transient: failure.transient }) },
          failure.retryAfter === undefined ? {} : { 'retry-after': failure.retryAfter },
        );
        return;
      }
      const url = new URL(request.url ?? '/', 'http://fake');
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        refused.push('body is not JSON');
        graphError(400, 100, '(#100) The parameter body is not valid JSON');
        return;
      }
      if (request.method !== 'POST' || !isRecord(body)) {
        refused.push(`${request.method ?? ''} ${url.pathname}`);
        graphError(400, 100, 'Unsupported request');
        return;
      }
      if (url.pathname === `/${FAKE_GRAPH_VERSION}/${phoneNumberId}/messages`) {
        if (request.headers.authorization !== `Bearer ${whatsappToken}`) {
          refused.push('whatsapp: wrong or missing bearer token');
          graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
          return;
        }
        const problem = whatsappProblem(body);
        if (problem !== undefined) {
          refused.push(`whatsapp: ${problem}`);
          graphError(400, 100, `(#100) Invalid parameter: ${problem}`);
          return;
        }
        sent.push({ api: 'whatsapp', body });
        notify();
        wamids += 1;
        answer(200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.FAKE${wamids}` }] });
        return;
      }
      if (url.pathname === `/${FAKE_GRAPH_VERSION}/me/messages`) {
        if (url.searchParams.get('access_token') !== pageToken) {
          refused.push('messenger: wrong or missing access_token');
          graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
          return;
        }
        const problem = messengerProblem(body);
        if (problem !== undefined) {
          refused.push(`messenger: ${problem}`);
          graphError(400, 100, `(#100) Invalid parameter: ${problem}`);
          return;
        }
        sent.push({ api: 'messenger', body });
        notify();
        const recipient = body.recipient as { id: string };
        answer(200, { recipient_id: recipient.id, message_id: `m_FAKE${sent.length}` });
        return;
      }
      refused.push(`unknown path ${url.pathname}`);
      graphError(400, 100, `Unknown path components: ${url.pathname}`);
    });
  });

  function notify() {
    for (const waiter of [...waiters]) waiter();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    graphUrl: `http://127.0.0.1:${port}/${FAKE_GRAPH_VERSION}`,
    whatsappToken,
    phoneNumberId,
    pageToken,
    sent,
    refused,
    requestCount: () => requests,
    whatsappSent: () => sent.filter((send) => send.api === 'whatsapp').map((send) => send.body),
    messengerSent: () => sent.filter((send) => send.api === 'messenger').map((send) => send.body),
    failNext(...more) {
      failures.push(...more);
    },
    waitForSends(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (sent.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve([...sent]);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the fake Meta platform received ${sent.length} sends, not ${count}, within ${timeoutMs} ms (refused: ${refused.join('; ') || 'none'})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The limits Meta documents for what the channels send.

const length = (text: string) => [...text].length;

function whatsappProblem(body: Record<string, unknown>): string | undefined {
  if (body.messaging_product !== 'whatsapp') return 'messaging_product must be "whatsapp"';
  if (typeof body.to !== 'string' || body.to === '') return 'to is missing';
  if (body.type === 'text') {
    const text = body.text as { body?: unknown } | undefined;
    if (typeof text?.body !== 'string' || text.body.trim() === '') return 'text.body is missing';
    if (length(text.body) > 4096) return 'text.body is longer than 4096 characters';
    return undefined;
  }
  if (body.type !== 'interactive') return `unsupported type ${String(body.type)}`;
  const interactive = body.interactive as { type?: unknown; body?: { text?: unknown }; action?: Record<string, unknown> } | undefined;
  const bodyText = interactive?.body?.text;
  if (typeof bodyText !== 'string' || bodyText.trim() === '') return 'interactive.body.text is missing';
  if (length(bodyText) > 1024) return 'interactive.body.text is longer than 1024 characters';
  const action = interactive?.action ?? {};
  if (interactive?.type === 'button') {
    const buttons = action.buttons as { type?: unknown; reply?: { id?: unknown; title?: unknown } }[] | undefined;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return 'interactive buttons must number 1 to 3';
    const titles = new Set<string>();
    for (const button of buttons) {
      const { id, title } = button.reply ?? {};
      if (button.type !== 'reply' || typeof id !== 'string' || typeof title !== 'string') return 'a button needs type reply, reply.id and reply.title';
      if (id === '' || length(id) > 256) return 'a button id must be 1 to 256 characters';
      if (title === '' || length(title) > 20) return 'a button title must be 1 to 20 characters';
      if (titles.has(title)) return 'button titles must be unique';
      titles.add(title);
    }
    return undefined;
  }
  if (interactive?.type === 'list') {
    if (typeof action.button !== 'string' || action.button === '' || length(action.button) > 20) return 'the list button must be 1 to 20 characters';
    const sections = action.sections as { title?: unknown; rows?: { id?: unknown; title?: unknown; description?: unknown }[] }[] | undefined;
    if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10) return 'a list needs 1 to 10 sections';
    if (sections.length > 1 && sections.some((section) => typeof section.title !== 'string')) return 'sections need titles when there are several';
    const rows = sections.flatMap((section) => section.rows ?? []);
    if (rows.length < 1 || rows.length > 10) return 'a list needs 1 to 10 rows in all';
    for (const row of rows) {
      if (typeof row.id !== 'string' || row.id === '' || length(row.id) > 200) return 'a row id must be 1 to 200 characters';
      if (typeof row.title !== 'string' || row.title === '' || length(row.title) > 24) return 'a row title must be 1 to 24 characters';
      if (row.description !== undefined && (typeof row.description !== 'string' || length(row.description) > 72)) return 'a row description must be at most 72 characters';
    }
    return undefined;
  }
  return `unsupported interactive type ${String(interactive?.type)}`;
}

function messengerProblem(body: Record<string, unknown>): string | undefined {
  const recipient = body.recipient as { id?: unknown } | undefined;
  if (typeof recipient?.id !== 'string' || recipient.id === '') return 'recipient.id is missing';
  if (body.messaging_type !== 'RESPONSE' && body.messaging_type !== 'UPDATE' && body.messaging_type !== 'MESSAGE_TAG') return 'messaging_type is missing or unknown';
  const message = body.message as { text?: unknown; quick_replies?: unknown } | undefined;
  if (typeof message?.text !== 'string' || message.text.trim() === '') return 'message.text is missing';
  if (length(message.text) > 2000) return 'message.text is longer than 2000 characters';
  if (message.quick_replies !== undefined) {
    const replies = message.quick_replies as { content_type?: unknown; title?: unknown; payload?: unknown }[];
    if (!Array.isArray(replies) || replies.length < 1 || replies.length > 13) return 'quick_replies must number 1 to 13';
    for (const reply of replies) {
      if (reply.content_type !== 'text') return 'a quick reply needs content_type text';
      if (typeof reply.title !== 'string' || reply.title === '' || length(reply.title) > 20) return 'a quick reply title must be 1 to 20 characters';
      if (typeof reply.payload !== 'string' || reply.payload === '' || length(reply.payload) > 1000) return 'a quick reply payload must be 1 to 1000 characters';
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Webhooks as Meta sends them.

/** A webhook body and the headers Meta sends with it, signed with `appSecret` over the exact bytes. */
export function signedMetaRequest(payload: unknown, appSecret: string): { headers: Record<string, string>; rawBody: Buffer } {
  const rawBody = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'facebookexternalua',
      'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`,
    },
    rawBody,
  };
}

/** The same, as the `ChannelRequest` the server hands an adapter. */
export function metaWebhookRequest(path: string, signed: { headers: Record<string, string>; rawBody: Buffer }): ChannelRequest {
  return { method: 'POST', url: `https://parley.example${path}`, query: {}, headers: signed.headers, rawBody: signed.rawBody };
}

/** The query of Meta's subscription handshake. */
export function handshakeQuery(verifyToken: string, challenge = String(1_000_000 + Math.floor(Math.random() * 1_000_000))): Record<string, string> {
  return { 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': challenge };
}

export function handshakeRequest(path: string, query: Record<string, string>): ChannelRequest {
  return { method: 'GET', url: `https://parley.example${path}?${new URLSearchParams(query).toString()}`, query, headers: {}, rawBody: Buffer.alloc(0) };
}

let sequence = 0;
const nextId = () => `${Date.now().toString(36)}${(sequence += 1).toString(36)}${randomBytes(6).toString('hex')}`;
const seconds = () => String(Math.floor(Date.now() / 1000));

export const WABA_ID = '102290129340398';

/** `{ object: 'whatsapp_business_account', entry }`, one entry per argument. */
export function whatsappPayload(...entries: readonly Record<string, unknown>[]): Record<string, unknown> {
  return { object: 'whatsapp_business_account', entry: entries };
}

/** One entry with one `messages` change carrying these messages and statuses. */
export function whatsappEntry(
  items: { readonly messages?: readonly Record<string, unknown>[]; readonly statuses?: readonly Record<string, unknown>[] },
  phoneNumberId: string,
): Record<string, unknown> {
  const from = items.messages?.map((message) => message.from as string) ?? [];
  return {
    id: WABA_ID,
    changes: [
      {
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
          ...(items.messages === undefined ? {} : { contacts: [...new Set(from)].map((waId) => ({ profile: { name: 'Kerry Fisher' }, wa_id: waId })), messages: items.messages }),
          ...(items.statuses === undefined ? {} : { statuses: items.statuses }),
        },
      },
    ],
  };
}

const waId = () => `wamid.HBgL${nextId()}`;
const msMid = () => `m_${nextId()}`;

export const wa = {
  id: waId,
  text: (from: string, body: string, id = waId()) => ({ from, id, timestamp: seconds(), type: 'text', text: { body } }),
  buttonReply: (from: string, buttonId: string, title: string, id = waId()) => ({
    context: { from: '15550783881', id: waId() },
    from,
    id,
    timestamp: seconds(),
    type: 'interactive',
    interactive: { type: 'button_reply', button_reply: { id: buttonId, title } },
  }),
  listReply: (from: string, rowId: string, title: string, id = waId()) => ({
    context: { from: '15550783881', id: waId() },
    from,
    id,
    timestamp: seconds(),
    type: 'interactive',
    interactive: { type: 'list_reply', list_reply: { id: rowId, title, description: title } },
  }),
  templateButton: (from: string, payload: string, text: string, id = waId()) => ({ context: { from: '15550783881', id: waId() }, from, id, timestamp: seconds(), type: 'button', button: { payload, text } }),
  image: (from: string, id = waId()) => ({ from, id, timestamp: seconds(), type: 'image', image: { mime_type: 'image/jpeg', sha256: 'abc', id: '1003383421387256' } }),
  status: (recipient: string, status: 'sent' | 'delivered' | 'read' | 'failed' = 'delivered') => ({
    id: waId(),
    status,
    timestamp: seconds(),
    recipient_id: recipient,
    pricing: { billable: true, pricing_model: 'PMP', category: 'service' },
  }),
};

export const PAGE_ID = '107540395432001';

/** `{ object: 'page', entry }`, one entry per argument. */
export function messengerPayload(...entries: readonly Record<string, unknown>[]): Record<string, unknown> {
  return { object: 'page', entry: entries };
}

export function messengerEntry(messaging: readonly Record<string, unknown>[], pageId = PAGE_ID): Record<string, unknown> {
  return { id: pageId, time: Date.now(), messaging };
}

export const ms = {
  mid: msMid,
  text: (psid: string, text: string, mid = msMid()) => ({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), message: { mid, text } }),
  quickReply: (psid: string, title: string, payload: string, mid = msMid()) => ({
    sender: { id: psid },
    recipient: { id: PAGE_ID },
    timestamp: Date.now(),
    message: { mid, text: title, quick_reply: { payload } },
  }),
  postback: (psid: string, payload: string, title: string, mid = msMid()) => ({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), postback: { mid, title, payload } }),
  echo: (psid: string, text: string) => ({
    sender: { id: PAGE_ID },
    recipient: { id: psid },
    timestamp: Date.now(),
    message: { is_echo: true, app_id: 1517776481860111, mid: msMid(), text },
  }),
  delivery: (psid: string) => ({ sender: { id: psid }, recipient: { id: PAGE_ID }, delivery: { mids: [msMid()], watermark: Date.now() } }),
  read: (psid: string) => ({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), read: { watermark: Date.now() } }),
  image: (psid: string) => ({
    sender: { id: psid },
    recipient: { id: PAGE_ID },
    timestamp: Date.now(),
    message: { mid: msMid(), attachments: [{ type: 'image', payload: { url: 'https://scontent.example/cat.jpg' } }] },
  }),
};

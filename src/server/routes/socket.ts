// For its route option `websocket: true` and handler types.
import type {} from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { isParleyError, type ConversationEvent } from '../../core/index.js';
import { hashSecret, type Runtime } from '../../engine/index.js';

/**
 * The web widget's live connection (`GET /v1/socket`, WebSocket, JSON text frames). The socket
 * never trusts the page: the first frame names a conversation and proves it with the
 * conversation's token, or asks for a new one. From then on the socket receives every event of
 * the conversation's log after the position it said it had rendered (`afterSeq`), in order, each
 * exactly once; a reconnect or a page reload says where it stopped and gets the rest, so nothing
 * is lost or shown twice. Messages carry the client's id, which the inbox dedupes, so one re-sent
 * after a reconnect is answered once.
 */

const helloSchema = z.object({
  type: z.literal('hello'),
  conversationId: z.string().min(1).max(200).optional(),
  token: z.string().min(1).max(200).optional(),
  afterSeq: z.number().int().min(0).optional(),
});
const frameSchema = z.discriminatedUnion('type', [
  helloSchema,
  z.object({ type: z.literal('message'), id: z.string().min(1).max(128), text: z.string().min(1) }),
  z.object({ type: z.literal('feedback'), messageId: z.string().min(1).max(200), rating: z.enum(['up', 'down']) }),
  z.object({ type: z.literal('ping') }),
]);
type Frame = z.infer<typeof frameSchema>;

/** Frames the server sends; `event` frames mirror the log. */
export type ServerFrame =
  | { readonly type: 'ready'; readonly conversationId: string; readonly token: string; readonly resumed: boolean }
  | ({ readonly type: 'event'; readonly seq: number; readonly at: string } & EventView)
  | { readonly type: 'typing'; readonly on: boolean }
  /** A reply being written; the `event` with the same id replaces it. */
  | { readonly type: 'stream'; readonly id: string; readonly delta: string; readonly done: boolean }
  /** `id`: the message frame it is about, when it is about one (too long, rate limited). */
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly id?: string }
  | { readonly type: 'pong' };

type EventView =
  | { readonly kind: 'user'; readonly id: string; readonly text: string }
  | { readonly kind: 'bot'; readonly id: string; readonly message: unknown }
  | { readonly kind: 'agent'; readonly id: string; readonly text: string }
  | { readonly kind: 'state'; readonly state: 'bot' | 'waiting' | 'human'; readonly position?: number };

/** What of an event the widget shows; null for events it does not (slots, intents, …). */
export function eventView(event: ConversationEvent): EventView | null {
  switch (event.type) {
    case 'user-message':
      return { kind: 'user', id: event.data.clientMessageId, text: event.data.text };
    case 'bot-message':
      return { kind: 'bot', id: event.data.messageId, message: event.data.message };
    case 'agent-message':
      return { kind: 'agent', id: event.data.messageId, text: event.data.text };
    case 'handoff-requested':
      return { kind: 'state', state: 'waiting' };
    case 'agent-assigned':
      return { kind: 'state', state: 'human' };
    case 'handoff-released':
    case 'handoff-transferred':
      return { kind: 'state', state: 'waiting' };
    case 'handoff-resolved':
      return { kind: 'state', state: 'bot' };
    default:
      return null;
  }
}

function lastStateEvent(events: readonly ConversationEvent[]): ConversationEvent | undefined {
  for (let index = events.length - 1; index >= 0; index -= 1) if (eventView(events[index]!)?.kind === 'state') return events[index];
  return undefined;
}

const MAX_FRAME_BYTES = 64 * 1024;
const WINDOW_MS = 60_000;

interface Client {
  readonly socket: WebSocket;
  conversationId: string | null;
  /** The last seq sent (or that the page said it had). */
  sentSeq: number;
  /** Sends are chained so two refreshes never interleave or repeat events. */
  flushing: Promise<void>;
  /** Message times in the current window, for the rate limit. */
  recent: number[];
}

export const socketRoutes: FastifyPluginAsync<{ runtime: Runtime; messagesPerMinute: number }> = async (app, { runtime, messagesPerMinute }) => {
  const watchers = new Map<string, Set<Client>>();
  const unsubscribe = runtime.onCommitted((conversationId) => {
    for (const client of watchers.get(conversationId) ?? []) refresh(client);
  });
  const unsubscribeStream = runtime.onStream((conversationId, messageId, delta) => {
    for (const client of watchers.get(conversationId) ?? []) send(client, { type: 'stream', id: messageId, delta, done: false });
  });
  app.addHook('onClose', async () => {
    unsubscribe();
    unsubscribeStream();
  });

  function send(client: Client, frame: ServerFrame): void {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(frame));
  }

  /** Sends the events the client has not had yet. */
  function refresh(client: Client): Promise<void> {
    client.flushing = client.flushing.then(async () => {
      const conversationId = client.conversationId;
      if (conversationId === null) return;
      const events = await runtime.store.conversations.listEvents(conversationId, { afterSeq: client.sentSeq });
      for (const event of events) {
        const view = eventView(event);
        if (view) {
          // Waiting for a person: say where in the line, when this is the conversation's latest state.
          const position = view.kind === 'state' && view.state === 'waiting' && event === lastStateEvent(events) ? (await runtime.handoffs.position(conversationId)).position : null;
          send(client, { type: 'event', seq: event.seq, at: event.at, ...view, ...(position !== null ? { position } : {}) });
        }
        client.sentSeq = event.seq;
      }
    });
    client.flushing = client.flushing.catch((error: unknown) => app.log.error({ err: error }, 'could not send conversation events to a socket'));
    return client.flushing;
  }

  function watch(client: Client, conversationId: string): void {
    client.conversationId = conversationId;
    let set = watchers.get(conversationId);
    if (!set) watchers.set(conversationId, (set = new Set()));
    set.add(client);
  }

  function forget(client: Client): void {
    if (client.conversationId === null) return;
    const set = watchers.get(client.conversationId);
    set?.delete(client);
    if (set?.size === 0) watchers.delete(client.conversationId);
  }

  async function hello(client: Client, frame: z.infer<typeof helloSchema>): Promise<void> {
    if (client.conversationId !== null) return send(client, { type: 'error', code: 'PARLEY_API_VALIDATION', message: 'hello was already said on this socket' });
    if (frame.conversationId && frame.token) {
      const conversation = await runtime.store.conversations.findByTokenHash(hashSecret(frame.token));
      if (!conversation || conversation.id !== frame.conversationId) {
        send(client, { type: 'error', code: 'PARLEY_AUTH_TOKEN_INVALID', message: 'The conversation token is not valid for this conversation; start a new one with a hello without it.' });
        client.socket.close(4401, 'invalid token');
        return;
      }
      client.sentSeq = Math.min(frame.afterSeq ?? 0, conversation.lastSeq);
      watch(client, conversation.id);
      send(client, { type: 'ready', conversationId: conversation.id, token: frame.token, resumed: true });
    } else {
      const { conversation, token } = await runtime.engine.startConversation({ channel: 'web' });
      watch(client, conversation.id);
      send(client, { type: 'ready', conversationId: conversation.id, token, resumed: false });
    }
    await refresh(client);
  }

  async function message(client: Client, frame: Extract<Frame, { type: 'message' }>): Promise<void> {
    const conversationId = client.conversationId;
    if (conversationId === null) return send(client, { type: 'error', code: 'PARLEY_API_VALIDATION', message: 'say hello first' });
    const now = Date.now();
    client.recent = client.recent.filter((time) => now - time < WINDOW_MS);
    if (messagesPerMinute > 0 && client.recent.length >= messagesPerMinute) {
      return send(client, { type: 'error', code: 'PARLEY_API_RATE_LIMITED', message: `Too many messages: at most ${messagesPerMinute} per minute.`, id: frame.id });
    }
    client.recent.push(now);
    send(client, { type: 'typing', on: true });
    try {
      await runtime.engine.receive({ conversationId, channel: 'web', clientMessageId: frame.id, text: frame.text });
    } finally {
      // The replies are on their way through refresh (the commit announced them).
      await refresh(client);
      send(client, { type: 'typing', on: false });
    }
  }

  app.get('/v1/socket', { websocket: true, schema: { hide: true } }, (socket) => {
    const client: Client = { socket, conversationId: null, sentSeq: 0, flushing: Promise.resolve(), recent: [] };
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      void (async () => {
        let frame: Frame;
        try {
          if (isBinary || data.byteLength > MAX_FRAME_BYTES) throw new Error('frames are JSON text of at most 64 KiB');
          const parsed = frameSchema.safeParse(JSON.parse(data.toString('utf8')));
          if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'not a frame');
          frame = parsed.data;
        } catch (error) {
          return send(client, { type: 'error', code: 'PARLEY_API_VALIDATION', message: `Unreadable frame: ${error instanceof Error ? error.message : String(error)}` });
        }
        try {
          if (frame.type === 'hello') await hello(client, frame);
          else if (frame.type === 'message') await message(client, frame);
          else if (frame.type === 'feedback') {
            if (client.conversationId === null) return send(client, { type: 'error', code: 'PARLEY_API_VALIDATION', message: 'say hello first' });
            await runtime.engine.recordFeedback({ conversationId: client.conversationId, messageId: frame.messageId, rating: frame.rating });
          } else send(client, { type: 'pong' });
        } catch (error) {
          if (!isParleyError(error)) app.log.error({ err: error }, 'socket frame failed');
          const about = frame.type === 'message' ? { id: frame.id } : {};
          send(client, isParleyError(error) ? { type: 'error', code: error.code, message: error.message, ...about } : { type: 'error', code: 'PARLEY_INTERNAL', message: 'Something went wrong; the message is kept.', ...about });
        }
      })();
    });
    socket.on('close', () => forget(client));
  });
};

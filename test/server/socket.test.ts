import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { say, startConversation, startTestServer, type TestServer } from '../support/harness.js';

/** The widget's socket: hello, live events in log order, resume without loss or repeats, feedback. */

let server: TestServer;
let base: string;

beforeEach(async () => {
  server = await startTestServer();
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  base = `ws://127.0.0.1:${(server.app.server.address() as AddressInfo).port}/v1/socket`;
});
afterEach(async () => {
  await server.close();
});

type Frame = Record<string, unknown> & { type: string };

/** A socket client that keeps every frame it got and can wait for one matching a test. */
class Client {
  readonly frames: Frame[] = [];
  private readonly socket: WebSocket;
  private readonly waiters: { test: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor() {
    this.socket = new WebSocket(base);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.socket.once('close', (code) => resolve(code)));
    this.socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      for (const waiter of [...this.waiters]) {
        if (waiter.test(frame)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(frame);
        }
      }
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  next(test: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`)), timeoutMs);
      this.waiters.push({ test, resolve: (frame) => (clearTimeout(timer), resolve(frame)) });
    });
  }

  events(): Frame[] {
    return this.frames.filter((frame) => frame.type === 'event');
  }

  close(): void {
    this.socket.close();
  }
}

async function connect(hello: Record<string, unknown> = {}): Promise<{ client: Client; ready: Frame }> {
  const client = new Client();
  await client.opened;
  client.send({ type: 'hello', ...hello });
  const ready = await client.next((frame) => frame.type === 'ready' || frame.type === 'error');
  return { client, ready };
}

const botEvent = (frame: Frame) => frame.type === 'event' && frame.kind === 'bot';

describe('GET /v1/socket', () => {
  it('starts a conversation, shows typing, and sends the user message and the replies as events in log order', async () => {
    const { client, ready } = await connect();
    expect(ready).toMatchObject({ type: 'ready', resumed: false, conversationId: expect.stringMatching(/^conv_/), token: expect.stringMatching(/^ct_/) });
    client.send({ type: 'message', id: 'c1', text: 'where is my order 20481?' });
    await client.next((frame) => frame.type === 'typing' && frame.on === false);
    const kinds = client.frames.map((frame) => (frame.type === 'event' ? `event:${String(frame.kind)}` : frame.type));
    expect(kinds).toEqual(['ready', 'typing', 'event:user', 'event:bot', 'typing']);
    const [user, bot] = client.events();
    expect(user).toMatchObject({ id: 'c1', text: 'where is my order 20481?' });
    expect((bot!.message as { text: string }).text).toMatch(/20481/);
    expect(Number(bot!.seq)).toBeGreaterThan(Number(user!.seq));
    client.close();
  });

  it('resumes after a reconnect from where the page stopped: nothing lost, nothing twice, a re-sent message answered once', async () => {
    const first = await connect();
    const { conversationId, token } = first.ready as unknown as { conversationId: string; token: string };
    first.client.send({ type: 'message', id: 'm1', text: 'hello' });
    await first.client.next(botEvent);
    const lastSeen = Math.max(...first.client.events().map((frame) => Number(frame.seq)));
    first.client.close();
    await first.client.closed;

    // Meanwhile the conversation goes on elsewhere (another tab, the REST API).
    await say(server.app, { id: conversationId, token }, 'thanks');

    const second = await connect({ conversationId, token, afterSeq: lastSeen });
    expect(second.ready).toMatchObject({ type: 'ready', resumed: true, conversationId });
    await second.client.next((frame) => botEvent(frame) && Number(frame.seq) > lastSeen);
    // The page re-sends m1, not knowing whether it arrived: recorded once, answered once.
    second.client.send({ type: 'message', id: 'm1', text: 'hello' });
    await second.client.next((frame) => frame.type === 'typing' && frame.on === false);
    const replayed = second.client.events();
    expect(replayed.every((frame) => Number(frame.seq) > lastSeen)).toBe(true);
    expect(replayed.map((frame) => frame.kind)).toEqual(['user', 'bot']);
    expect(replayed[0]).toMatchObject({ text: 'thanks' });
    const log = await server.runtime.store.conversations.listEvents(conversationId, { types: ['user-message'] });
    expect(log.map((event) => event.type === 'user-message' && event.data.text)).toEqual(['hello', 'thanks']);
    second.client.close();
  });

  it('sends the same events to every socket on the conversation', async () => {
    const a = await connect();
    const { conversationId, token } = a.ready as unknown as { conversationId: string; token: string };
    const b = await connect({ conversationId, token });
    a.client.send({ type: 'message', id: 'x1', text: 'hi' });
    await a.client.next(botEvent);
    await b.client.next(botEvent);
    expect(b.client.events().map((frame) => frame.seq)).toEqual(a.client.events().map((frame) => frame.seq));
    a.client.close();
    b.client.close();
  });

  it('records thumbs up on a bot message, and refuses feedback on a message that is not the bot\'s', async () => {
    const { client, ready } = await connect();
    client.send({ type: 'message', id: 'f1', text: 'hi' });
    const bot = await client.next(botEvent);
    client.send({ type: 'feedback', messageId: bot.id, rating: 'up' });
    client.send({ type: 'feedback', messageId: 'msg_nope', rating: 'down' });
    const refused = await client.next((frame) => frame.type === 'error');
    expect(refused).toMatchObject({ code: 'PARLEY_MESSAGE_NOT_FOUND' });
    const conversationId = String(ready.conversationId);
    const feedback = await server.runtime.store.conversations.listEvents(conversationId, { types: ['feedback-given'] });
    expect(feedback.map((event) => event.data)).toEqual([{ rating: 'up', messageId: bot.id }]);
    client.close();
  });

  it('refuses a wrong token and closes, and answers an unreadable frame without closing', async () => {
    const conversation = await startConversation(server.app);
    const wrong = await connect({ conversationId: conversation.id, token: 'ct_wrong' });
    expect(wrong.ready).toMatchObject({ type: 'error', code: 'PARLEY_AUTH_TOKEN_INVALID' });
    expect(await wrong.client.closed).toBe(4401);

    const { client } = await connect();
    client.send('{not json');
    client.send({ type: 'message', id: '', text: 'hi' });
    const errors = [await client.next((frame) => frame.type === 'error'), client.frames.filter((frame) => frame.type === 'error')];
    expect(errors[0]).toMatchObject({ code: 'PARLEY_API_VALIDATION' });
    client.send({ type: 'ping' });
    expect(await client.next((frame) => frame.type === 'pong')).toEqual({ type: 'pong' });
    client.close();
  });
});

describe('POST /v1/conversations/:id/feedback', () => {
  it('records feedback with the conversation token, and validates it', async () => {
    const conversation = await startConversation(server.app);
    const { body } = await say(server.app, conversation, 'hello');
    const messageId = body.replies[0]!.id;
    const post = (payload: unknown, token = conversation.token) =>
      server.app.inject({ method: 'POST', url: `/v1/conversations/${conversation.id}/feedback`, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
    expect((await post({ messageId, rating: 'down', comment: 'not helpful' })).statusCode).toBe(204);
    expect((await post({ messageId, rating: 'meh' })).statusCode).toBe(400);
    expect((await post({ messageId: 'msg_unknown', rating: 'up' })).json()).toMatchObject({ error: { code: 'PARLEY_MESSAGE_NOT_FOUND' } });
    expect((await post({ messageId, rating: 'up' }, 'ct_wrong')).statusCode).toBe(401);
    const events = await server.runtime.store.conversations.listEvents(conversation.id, { types: ['feedback-given'] });
    expect(events.map((event) => event.data)).toEqual([{ rating: 'down', messageId, comment: 'not helpful' }]);
  });
});

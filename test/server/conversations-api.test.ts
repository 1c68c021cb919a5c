import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKey, say, startConversation, startTestServer, type TestServer } from '../support/harness.js';
import { readSeedOrders } from '../../src/demo/index.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ PARLEY_MAX_MESSAGE_CHARS: '500' });
});
afterAll(async () => {
  await server.close();
});

function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return server.app.inject({ method: 'POST', url, payload: payload as string, headers: { 'content-type': 'application/json', ...headers } });
}

function expectError(response: { statusCode: number; json: () => unknown }, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  const body = response.json() as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

describe('POST /v1/conversations', () => {
  it('creates a conversation with a token', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/v1/conversations', payload: {} });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.conversation.id).toMatch(/^conv_/);
    expect(body.conversation.bot).toBe('shop');
    expect(body.token).toMatch(/^ct_/);
  });

  it('accepts no body at all, and an empty JSON body', async () => {
    expect((await server.app.inject({ method: 'POST', url: '/v1/conversations' })).statusCode).toBe(201);
    expect((await post('/v1/conversations', '')).statusCode).toBe(201);
  });

  it('records the user id and the bot name', async () => {
    const response = await post('/v1/conversations', JSON.stringify({ bot: 'shop', user: { id: 'customer-7' } }));
    expect(response.statusCode).toBe(201);
    const key = await adminKey(server.runtime);
    const events = await server.app.inject({
      method: 'GET',
      url: `/v1/admin/conversations/${response.json().conversation.id}/events`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(events.json().events[0]).toMatchObject({ seq: 1, type: 'session-started', data: { channel: 'rest', userId: 'customer-7' } });
  });

  it('rejects an unknown bot', async () => {
    expectError(await post('/v1/conversations', JSON.stringify({ bot: 'bank' })), 404, 'PARLEY_BOT_NOT_FOUND');
  });

  it('rejects unknown fields, bad JSON and other media types', async () => {
    expectError(await post('/v1/conversations', JSON.stringify({ colour: 'blue' })), 400, 'PARLEY_API_VALIDATION');
    expectError(await post('/v1/conversations', JSON.stringify({ user: { id: '' } })), 400, 'PARLEY_API_VALIDATION');
    expectError(await post('/v1/conversations', '{"bot": '), 400, 'PARLEY_API_INVALID_JSON');
    expectError(
      await server.app.inject({ method: 'POST', url: '/v1/conversations', payload: 'hello', headers: { 'content-type': 'text/plain' } }),
      415,
      'PARLEY_API_UNSUPPORTED_MEDIA_TYPE',
    );
  });
});

describe('POST /v1/conversations/:id/messages', () => {
  it('answers a greeting', async () => {
    const conversation = await startConversation(server.app);
    const { status, body } = await say(server.app, conversation, 'hello');
    expect(status).toBe(200);
    expect(body.duplicate).toBe(false);
    expect(body.message.id).toMatch(/^in_/);
    expect(body.replies.length).toBeGreaterThan(0);
    expect(body.replies[0]).toMatchObject({ type: 'text' });
    expect(body.replies[0]!.text.length).toBeGreaterThan(0);
  });

  it('runs the order status flow: asks for the number, then looks it up', async () => {
    const order = (await seedOrders())[0]!;
    const conversation = await startConversation(server.app);
    const ask = await say(server.app, conversation, 'where is my order?');
    expect(ask.body.replies.map((reply) => reply.text).join(' ')).toMatch(/order number/i);
    const answer = await say(server.app, conversation, String(order.id));
    const text = answer.body.replies.map((reply) => reply.text).join(' ');
    expect(text).toContain(String(order.id));
    expect(text).toContain(String(order.items));
  });

  it('takes the order number from the first message when it is there', async () => {
    const order = (await seedOrders())[1]!;
    const conversation = await startConversation(server.app);
    const { body } = await say(server.app, conversation, `track my order ${String(order.id)} please`);
    expect(body.replies.map((reply) => reply.text).join(' ')).toContain(String(order.id));
  });

  it('says so when the order does not exist', async () => {
    const conversation = await startConversation(server.app);
    const { body } = await say(server.app, conversation, 'where is order 99999');
    expect(body.replies.map((reply) => reply.text).join(' ')).toContain('99999');
  });

  it('falls back politely on something out of scope', async () => {
    const conversation = await startConversation(server.app);
    const { status, body } = await say(server.app, conversation, 'what is the boiling point of tungsten in kelvin');
    expect(status).toBe(200);
    expect(body.replies.length).toBeGreaterThan(0);
    expect(body.replies.some((reply) => (reply.buttons ?? []).length > 0)).toBe(true);
  });

  it('demands a token, and the right one', async () => {
    const mine = await startConversation(server.app);
    const theirs = await startConversation(server.app);
    const url = `/v1/conversations/${mine.id}/messages`;
    expectError(await post(url, JSON.stringify({ text: 'hi' })), 401, 'PARLEY_AUTH_TOKEN_MISSING');
    expectError(await post(url, JSON.stringify({ text: 'hi' }), { authorization: 'Bearer ct_forged' }), 401, 'PARLEY_AUTH_TOKEN_INVALID');
    expectError(await post(url, JSON.stringify({ text: 'hi' }), { authorization: 'Basic abc' }), 401, 'PARLEY_AUTH_TOKEN_INVALID');
    expectError(await post(url, JSON.stringify({ text: 'hi' }), { authorization: `Bearer ${theirs.token}` }), 403, 'PARLEY_AUTH_FORBIDDEN');
    expectError(await post('/v1/conversations/conv_unknown/messages', JSON.stringify({ text: 'hi' }), { authorization: `Bearer ${mine.token}` }), 404, 'PARLEY_CONVERSATION_NOT_FOUND');
  });

  it('lets a server with a conversations-scope API key talk in any conversation', async () => {
    const conversation = await startConversation(server.app);
    const key = await adminKey(server.runtime, ['conversations']);
    const response = await post(`/v1/conversations/${conversation.id}/messages`, JSON.stringify({ text: 'hi' }), { authorization: `Bearer ${key}` });
    expect(response.statusCode).toBe(200);
    expectError(await post('/v1/conversations/conv_nope/messages', JSON.stringify({ text: 'hi' }), { authorization: `Bearer ${key}` }), 404, 'PARLEY_CONVERSATION_NOT_FOUND');
  });

  it('rejects bad bodies with 400 and loses nothing', async () => {
    const conversation = await startConversation(server.app);
    const url = `/v1/conversations/${conversation.id}/messages`;
    const auth = { authorization: `Bearer ${conversation.token}` };
    expectError(await post(url, JSON.stringify({}), auth), 400, 'PARLEY_API_VALIDATION');
    expectError(await post(url, JSON.stringify({ text: 42 }), auth), 400, 'PARLEY_API_VALIDATION');
    expectError(await post(url, JSON.stringify({ text: '   ' }), auth), 400, 'PARLEY_API_VALIDATION');
    expectError(await post(url, JSON.stringify({ text: 'hi', extra: true }), auth), 400, 'PARLEY_API_VALIDATION');
    expectError(await post(url, JSON.stringify({ text: 'hi', id: '' }), auth), 400, 'PARLEY_API_VALIDATION');
    expectError(await post(url, '{"text": "hi"', auth), 400, 'PARLEY_API_INVALID_JSON');
    expectError(await post(url, '[1,2]', auth), 400, 'PARLEY_API_VALIDATION');
    expectError(await server.app.inject({ method: 'POST', url, payload: 'text=hi', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'PARLEY_API_UNSUPPORTED_MEDIA_TYPE');
    // An oversize message and an oversize body.
    expectError(await post(url, JSON.stringify({ text: 'a'.repeat(501) }), auth), 413, 'PARLEY_MESSAGE_TOO_LONG');
    expectError(await post(url, JSON.stringify({ text: 'a'.repeat(200_000) }), auth), 413, 'PARLEY_API_PAYLOAD_TOO_LARGE');
    // The accepted message before and after the rejected ones are all there, nothing else.
    await say(server.app, conversation, 'hello', 'm-1');
    await say(server.app, conversation, 'thanks', 'm-2');
    const history = await server.app.inject({ method: 'GET', url, headers: auth });
    const users = history.json().messages.filter((message: { role: string }) => message.role === 'user');
    expect(users.map((message: { text: string }) => message.text)).toEqual(['hello', 'thanks']);
  });

  it('refuses a reused message id with different text', async () => {
    const conversation = await startConversation(server.app);
    await say(server.app, conversation, 'hello', 'dup-1');
    const { status, body } = await say(server.app, conversation, 'goodbye', 'dup-1');
    expect(status).toBe(409);
    expect(body.error?.code).toBe('PARLEY_MESSAGE_ID_CONFLICT');
  });
});

describe('GET /v1/conversations/:id/messages', () => {
  it('returns the transcript oldest first, page by page', async () => {
    const conversation = await startConversation(server.app);
    const texts = ['hello', 'what is your returns policy', 'thanks', 'bye'];
    for (const text of texts) await say(server.app, conversation, text);
    const auth = { authorization: `Bearer ${conversation.token}` };
    const all = await server.app.inject({ method: 'GET', url: `/v1/conversations/${conversation.id}/messages?limit=200`, headers: auth });
    expect(all.statusCode).toBe(200);
    const messages = all.json().messages as { id: string; role: string; text: string }[];
    expect(messages.filter((message) => message.role === 'user').map((message) => message.text)).toEqual(texts);
    expect(messages[0]!.role).toBe('user');
    expect(all.json().nextCursor).toBeNull();

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/conversations/${conversation.id}/messages?limit=3${after ? `&after=${after}` : ''}`;
      const page = await server.app.inject({ method: 'GET', url, headers: auth });
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().messages.map((message: { id: string }) => message.id));
      after = page.json().nextCursor;
      pages += 1;
    } while (after);
    expect(seen).toEqual(messages.map((message) => message.id));
    expect(pages).toBe(Math.ceil(messages.length / 3));
  });

  it('validates its query and its token', async () => {
    const conversation = await startConversation(server.app);
    const auth = { authorization: `Bearer ${conversation.token}` };
    const base = `/v1/conversations/${conversation.id}/messages`;
    expectError(await server.app.inject({ method: 'GET', url: `${base}?limit=0`, headers: auth }), 400, 'PARLEY_API_VALIDATION');
    expectError(await server.app.inject({ method: 'GET', url: `${base}?limit=abc`, headers: auth }), 400, 'PARLEY_API_VALIDATION');
    expectError(await server.app.inject({ method: 'GET', url: `${base}?after=xyz`, headers: auth }), 400, 'PARLEY_API_VALIDATION');
    expectError(await server.app.inject({ method: 'GET', url: base }), 401, 'PARLEY_AUTH_TOKEN_MISSING');
  });
});

/** The orders the demo orders service starts with, in file order. */
async function seedOrders() {
  return [...(await readSeedOrders('bots/shop/data/orders.yaml')).values()];
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/engine/index.js';
import { adminKey, say, startConversation, startTestServer, type TestServer } from '../support/harness.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('system routes', () => {
  it('answers liveness and readiness', async () => {
    expect((await server.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await server.app.inject('/readyz')).json()).toEqual({ status: 'ready', bot: 'shop', store: 'sqlite', connectors: { orders: 'closed' } });
  });

  it('exposes Prometheus metrics that count turns', async () => {
    const conversation = await startConversation(server.app);
    await say(server.app, conversation, 'hello');
    const response = await server.app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(/parley_turns_total\{outcome="ok",stage="[a-z-]+"\} [1-9]/);
    expect(response.body).toContain('parley_http_request_duration_seconds_bucket');
    expect(response.body).toMatch(/parley_outbox_entries\{status="pending"\}/);
  });

  it('serves the OpenAPI document generated from the route schemas, and a docs page', async () => {
    const response = await server.app.inject('/openapi.json');
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/conversations', '/v1/conversations/{id}/messages', '/healthz', '/readyz', '/metrics', '/v1/admin/conversations']),
    );
    const post = document.paths['/v1/conversations/{id}/messages'].post;
    expect(post.requestBody.content['application/json'].schema.properties.text).toBeDefined();
    expect(post.responses['200']).toBeDefined();
    expect(post.responses['413']).toBeDefined();
    const docs = await server.app.inject('/docs/');
    expect([200, 302]).toContain(docs.statusCode);
    const page = docs.statusCode === 302 ? await server.app.inject(docs.headers.location as string) : docs;
    expect(page.body).toContain('<html');
  });

  it('answers unknown routes with the error shape', async () => {
    const response = await server.app.inject('/v2/nothing');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('PARLEY_API_ROUTE_NOT_FOUND');
  });

  it('echoes a request id, or makes one', async () => {
    expect((await server.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } })).headers['x-request-id']).toBe('abc-123');
    expect((await server.app.inject('/healthz')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('admin routes', () => {
  it('need an admin API key', async () => {
    const response = await server.app.inject('/v1/admin/conversations');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('PARLEY_AUTH_API_KEY_MISSING');
    const forged = await server.app.inject({ url: '/v1/admin/conversations', headers: { authorization: 'Bearer pk_forged' } });
    expect(forged.json().error.code).toBe('PARLEY_AUTH_API_KEY_INVALID');
    const conversation = await startConversation(server.app);
    const token = await server.app.inject({ url: '/v1/admin/conversations', headers: { authorization: `Bearer ${conversation.token}` } });
    expect(token.statusCode).toBe(401);
    const narrow = await adminKey(server.runtime, ['conversations']);
    const forbidden = await server.app.inject({ url: '/v1/admin/conversations', headers: { authorization: `Bearer ${narrow}` } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('PARLEY_AUTH_FORBIDDEN');
  });

  it('stop accepting a revoked key', async () => {
    const key = await adminKey(server.runtime);
    const headers = { authorization: `Bearer ${key}` };
    expect((await server.app.inject({ url: '/v1/admin/bot', headers })).statusCode).toBe(200);
    const listed = (await server.app.inject({ url: '/v1/admin/api-keys', headers })).json().keys as { id: string; name: string }[];
    expect(JSON.stringify(listed)).not.toContain(key);
    const record = await server.runtime.store.apiKeys.findBySecretHash(hashSecret(key));
    expect(listed.map((entry) => entry.id)).toContain(record!.id);
    expect(await server.runtime.store.apiKeys.revoke(record!.id, new Date().toISOString())).toBe(true);
    const after = await server.app.inject({ url: '/v1/admin/bot', headers });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('PARLEY_AUTH_API_KEY_INVALID');
  });

  it('list conversations and their event logs', async () => {
    const key = await adminKey(server.runtime);
    const headers = { authorization: `Bearer ${key}` };
    const conversation = await startConversation(server.app);
    await say(server.app, conversation, 'hello');
    const list = await server.app.inject({ url: '/v1/admin/conversations?limit=200', headers });
    expect(list.statusCode).toBe(200);
    expect(list.json().conversations.map((c: { id: string }) => c.id)).toContain(conversation.id);
    const events = await server.app.inject({ url: `/v1/admin/conversations/${conversation.id}/events`, headers });
    const types = events.json().events.map((event: { type: string }) => event.type);
    expect(types.slice(0, 3)).toEqual(['session-started', 'user-message', 'intent-recognized']);
    expect(types).toContain('bot-message');
    const bot = await server.app.inject({ url: '/v1/admin/bot', headers });
    expect(bot.json()).toMatchObject({ name: 'shop', language: 'en' });
    expect(bot.json().intents).toEqual(expect.arrayContaining(['greet', 'order_status', 'human']));
    const missing = await server.app.inject({ url: '/v1/admin/conversations/conv_nope/events', headers });
    expect(missing.statusCode).toBe(404);
  });
});

describe('rate limits', () => {
  it('answer 429 with the error shape once a conversation sends too fast', async () => {
    const limited = await startTestServer({ PARLEY_RATE_LIMIT_MESSAGES: '3' });
    try {
      const conversation = await startConversation(limited.app);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await say(limited.app, conversation, `hello ${i}`)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const blocked = await say(limited.app, conversation, 'hello again');
      expect(blocked.body.error?.code).toBe('PARLEY_API_RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

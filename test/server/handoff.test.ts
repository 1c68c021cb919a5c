import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AgentRecord, ConversationEvent } from '../../src/core/index.js';
import { adminKey, say, startConversation, startTestServer, type TestServer } from '../support/harness.js';

/** A person takes over and gives back: triggers, the queue, claims, replies, notes, presence, authorization. */

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
const tokens: Record<string, string> = {};
const agents: Record<string, AgentRecord> = {};

beforeAll(async () => {
  server = await startTestServer();
  const accounts = server.app.agentAccounts;
  const people: [string, 'agent' | 'admin', string[]][] = [
    ['ann', 'agent', ['support']],
    ['bob', 'agent', ['support']],
    ['olga', 'agent', ['orders']],
    ['boss', 'admin', []],
  ];
  for (const [name, role, teams] of people) {
    agents[name] = await accounts.createAgent({ email: `${name}@example.com`, name, password: PASSWORD, role, teams, capacity: 2 }, { via: 'test' });
    const response = await server.app.inject({ method: 'POST', url: '/v1/agent/sessions', remoteAddress: `10.9.0.${Object.keys(tokens).length + 1}`, payload: { email: `${name}@example.com`, password: PASSWORD } });
    tokens[name] = (response.json() as { token: string }).token;
  }
  // Someone of each team is on duty; a test that needs nobody says so.
  for (const name of ['ann', 'olga']) await as(name, 'PUT', '/v1/agent/presence', { status: 'online' });
});
afterAll(async () => {
  await server?.close();
});

function as(name: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  return server.app.inject({ method, url, ...(name ? { headers: { authorization: `Bearer ${tokens[name]}` } } : {}), ...(payload ? { payload } : {}) });
}

async function events(conversationId: string): Promise<ConversationEvent[]> {
  return server.runtime.store.conversations.listEvents(conversationId);
}

async function handedOff(text = 'I want to talk to a person') {
  const conversation = await startConversation(server.app);
  const { body } = await say(server.app, conversation, text);
  return { conversation, replies: body.replies };
}

describe('the handoff lifecycle', () => {
  it('bot → queued → assigned → resolved → bot, with the bot silent while a person owns the conversation', async () => {
    const { conversation, replies } = await handedOff();
    expect(replies[0]!.text).toMatch(/passed this conversation to our support team/);
    const waiting = await server.app.inject({ method: 'GET', url: `/v1/conversations/${conversation.id}/handoff`, headers: { authorization: `Bearer ${conversation.token}` } });
    expect(waiting.json()).toMatchObject({ state: 'queued', team: 'support', position: expect.any(Number) });

    // While queued, the customer's messages are kept but the bot does not answer.
    expect((await say(server.app, conversation, 'hello? anyone?')).body.replies).toEqual([]);

    const queue = (await as('ann', 'GET', '/v1/agent/queue')).json() as { conversations: { conversationId: string; position: number }[] };
    expect(queue.conversations.map((item) => item.conversationId)).toContain(conversation.id);

    expect((await as('ann', 'POST', `/v1/agent/conversations/${conversation.id}/claim`)).statusCode).toBe(200);
    const context = (await as('ann', 'GET', `/v1/agent/conversations/${conversation.id}`)).json() as { summary: string; trigger: string; transcript: { role: string; text: string }[]; intents: { intent: string | null }[] };
    expect(context.trigger).toBe('user asked for a human');
    expect(context.intents.map((item) => item.intent)).toContain('human');
    expect(context.summary).toMatch(/First asked: "I want to talk to a person"/);
    expect(context.transcript.map((line) => line.text)).toContain('hello? anyone?');

    expect((await as('ann', 'POST', `/v1/agent/conversations/${conversation.id}/notes`, { text: 'VIP customer, be nice' })).statusCode).toBe(201);
    expect((await as('ann', 'POST', `/v1/agent/conversations/${conversation.id}/messages`, { text: 'Hi, Ann here. How can I help?' })).statusCode).toBe(201);
    expect((await say(server.app, conversation, 'my parcel is late')).body.replies).toEqual([]);

    // The customer's transcript has the person's reply, never the internal note.
    const transcript = await server.app.inject({ method: 'GET', url: `/v1/conversations/${conversation.id}/messages`, headers: { authorization: `Bearer ${conversation.token}` } });
    const lines = (transcript.json() as { messages: { role: string; text: string }[] }).messages;
    expect(lines.filter((line) => line.role === 'agent').map((line) => line.text)).toEqual(['Hi, Ann here. How can I help?']);
    expect(lines.some((line) => line.text.includes('VIP'))).toBe(false);

    expect((await as('ann', 'POST', `/v1/agent/conversations/${conversation.id}/resolve`)).statusCode).toBe(200);
    expect((await say(server.app, conversation, 'thanks!')).body.replies.length).toBeGreaterThan(0);
    const types = (await events(conversation.id)).map((event) => event.type);
    expect(types.filter((type) => /handoff|agent|note/.test(type))).toEqual(['handoff-requested', 'agent-assigned', 'agent-note', 'agent-message', 'handoff-resolved']);
    const audit = await server.runtime.store.agents.listAudit({ limit: 20, conversationId: conversation.id });
    expect(audit.map((entry) => entry.action).sort()).toEqual(expect.arrayContaining(['claim', 'note', 'reply', 'resolve', 'view']));
  });

  it('lets exactly one of two agents claim the same conversation at once', async () => {
    const { conversation } = await handedOff();
    const [first, second] = await Promise.all([as('ann', 'POST', `/v1/agent/conversations/${conversation.id}/claim`), as('bob', 'POST', `/v1/agent/conversations/${conversation.id}/claim`)]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 409]);
    const loser = first.statusCode === 409 ? first : second;
    expect((loser.json() as { error: { code: string } }).error.code).toBe('PARLEY_HANDOFF_TAKEN');
    expect((await events(conversation.id)).filter((event) => event.type === 'agent-assigned')).toHaveLength(1);
    await as('boss', 'POST', `/v1/agent/conversations/${conversation.id}/resolve`);
  });

  it('puts an agent\'s conversations back in the queue when the agent goes offline', async () => {
    const { conversation } = await handedOff();
    await as('bob', 'PUT', '/v1/agent/presence', { status: 'online' });
    expect((await as('bob', 'POST', `/v1/agent/conversations/${conversation.id}/claim`)).statusCode).toBe(200);
    const offline = (await as('bob', 'PUT', '/v1/agent/presence', { status: 'offline' })).json() as { released: string[] };
    expect(offline.released).toContain(conversation.id);
    expect((await events(conversation.id)).map((event) => event.type)).toContain('handoff-released');
    // Bob can no longer reply; Ann takes it from the queue.
    expect((await as('bob', 'POST', `/v1/agent/conversations/${conversation.id}/messages`, { text: 'still here?' })).statusCode).toBe(409);
    expect((await as('ann', 'POST', `/v1/agent/conversations/${conversation.id}/claim`)).statusCode).toBe(200);
    await as('ann', 'POST', `/v1/agent/conversations/${conversation.id}/resolve`);
  });

  it('routes by intent or flow, transfers between teams, and hands off on frustration and through the API', async () => {
    const fedUp = await handedOff('this is ridiculous');
    expect((await events(fedUp.conversation.id)).find((event) => event.type === 'handoff-requested')?.data).toEqual({ reason: 'frustration: "ridiculous"', queue: 'support' });
    expect((await as('ann', 'POST', `/v1/agent/conversations/${fedUp.conversation.id}/transfer`, { team: 'orders' })).statusCode).toBe(200);
    expect((await as('ann', 'POST', `/v1/agent/conversations/${fedUp.conversation.id}/claim`)).statusCode).toBe(403);
    expect((await as('olga', 'POST', `/v1/agent/conversations/${fedUp.conversation.id}/claim`)).statusCode).toBe(200);
    await as('olga', 'POST', `/v1/agent/conversations/${fedUp.conversation.id}/resolve`);

    const conversation = await startConversation(server.app);
    await say(server.app, conversation, 'hello');
    const key = await adminKey(server.runtime);
    const viaApi = await server.app.inject({ method: 'POST', url: `/v1/admin/conversations/${conversation.id}/handoff`, headers: { authorization: `Bearer ${key}` }, payload: { reason: 'VIP from the CRM', team: 'orders' } });
    expect(viaApi.statusCode).toBe(201);
    const again = await server.app.inject({ method: 'POST', url: `/v1/admin/conversations/${conversation.id}/handoff`, headers: { authorization: `Bearer ${key}` }, payload: { reason: 'twice' } });
    expect(again.statusCode).toBe(409);
    await as('boss', 'POST', `/v1/agent/conversations/${conversation.id}/resolve`);
  });
});

describe('the agent socket', () => {
  it('tells a signed-in agent when the queue changed and when a watched conversation grew', async () => {
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const socket = new WebSocket(`ws://127.0.0.1:${(server.app.server.address() as AddressInfo).port}/v1/agent/socket`);
    const frames: { type: string; conversationId?: string }[] = [];
    const waitFor = (test: (frame: { type: string; conversationId?: string }) => boolean) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such frame; got ${JSON.stringify(frames)}`)), 5000);
        const check = () => {
          if (frames.some(test)) {
            clearTimeout(timer);
            resolve();
          } else setTimeout(check, 10);
        };
        check();
      });
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as { type: string }));
    await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    socket.send(JSON.stringify({ type: 'hello', token: tokens.ann }));
    await waitFor((frame) => frame.type === 'ready');
    const { conversation } = await handedOff();
    await waitFor((frame) => frame.type === 'queue');
    socket.send(JSON.stringify({ type: 'watch', conversationId: conversation.id }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await say(server.app, conversation, 'are you there?');
    await waitFor((frame) => frame.type === 'changed' && frame.conversationId === conversation.id);
    // A handoff asked for through the API is in the queue by the time the notice arrives.
    const other = await startConversation(server.app);
    const notices = frames.filter((frame) => frame.type === 'queue').length;
    const key = await adminKey(server.runtime);
    await server.app.inject({ method: 'POST', url: `/v1/admin/conversations/${other.id}/handoff`, headers: { authorization: `Bearer ${key}` }, payload: { reason: 'from the CRM' } });
    await waitFor(() => frames.filter((frame) => frame.type === 'queue').length > notices);
    const queued = ((await as('ann', 'GET', '/v1/agent/queue')).json() as { conversations: { conversationId: string }[] }).conversations.map((item) => item.conversationId);
    expect(queued).toContain(other.id);
    await as('boss', 'POST', `/v1/agent/conversations/${other.id}/resolve`);
    socket.close();
    await as('boss', 'POST', `/v1/agent/conversations/${conversation.id}/resolve`);
  });

  it('refuses a socket without a valid session', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${(server.app.server.address() as AddressInfo).port}/v1/agent/socket`);
    await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    socket.send(JSON.stringify({ type: 'hello', token: 'as_forged' }));
    expect(await new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))).toBe(4401);
  });
});

describe('nobody available', () => {
  it('says so honestly and takes a message, which becomes a ticket with the context', async () => {
    for (const name of ['ann', 'olga', 'bob', 'boss']) await as(name, 'PUT', '/v1/agent/presence', { status: 'offline' });
    try {
      const { conversation, replies } = await handedOff();
      expect(replies.map((reply) => reply.text)).toEqual([expect.stringMatching(/nobody from our support team is available right now/), 'What email address should we reply to?']);
      await say(server.app, conversation, 'sam@example.com');
      await say(server.app, conversation, 'my tent has no poles');
      const log = await events(conversation.id);
      expect(log.map((event) => event.type)).toContain('handoff-unavailable');
      expect(log.map((event) => event.type)).not.toContain('handoff-requested');
      const ticket = log.find((event) => event.type === 'ticket-created');
      expect(ticket?.data).toMatchObject({ team: 'support', slots: { contact_email: 'sam@example.com', question: 'my tent has no poles' } });
      expect((ticket?.data as { transcript: { user: string }[] }).transcript.map((turn) => turn.user)).toContain('I want to talk to a person');
      expect(await server.runtime.store.handoffs.get(conversation.id)).toBeNull();
    } finally {
      for (const name of ['ann', 'olga']) await as(name, 'PUT', '/v1/agent/presence', { status: 'online' });
    }
  });
});

describe('who may do what', () => {
  it('shows each agent only their teams\' conversations; an admin sees all; no session is 401', async () => {
    const { conversation } = await handedOff();
    const queueOf = async (name: string) => ((await as(name, 'GET', '/v1/agent/queue')).json() as { conversations: { conversationId: string }[] }).conversations.map((item) => item.conversationId);
    expect(await queueOf('ann')).toContain(conversation.id);
    expect(await queueOf('olga')).not.toContain(conversation.id);
    expect(await queueOf('boss')).toContain(conversation.id);

    const matrix: [string | null, string, 'GET' | 'POST', object | undefined, number][] = [
      [null, `/v1/agent/queue`, 'GET', undefined, 401],
      [null, `/v1/agent/conversations/${conversation.id}/claim`, 'POST', undefined, 401],
      ['olga', `/v1/agent/conversations/${conversation.id}`, 'GET', undefined, 403],
      ['olga', `/v1/agent/conversations/${conversation.id}/claim`, 'POST', undefined, 403],
      ['olga', `/v1/agent/conversations/${conversation.id}/notes`, 'POST', { text: 'x' }, 403],
      ['ann', `/v1/agent/conversations/${conversation.id}/messages`, 'POST', { text: 'not claimed yet' }, 409],
      ['ann', `/v1/agent/conversations/${conversation.id}/messages`, 'POST', { text: '' }, 400],
      ['boss', `/v1/agent/conversations/${conversation.id}`, 'GET', undefined, 200],
    ];
    for (const [name, url, method, payload, status] of matrix) expect([name, url, (await as(name, method, url, payload)).statusCode]).toEqual([name, url, status]);
    await as('boss', 'POST', `/v1/agent/conversations/${conversation.id}/resolve`);
  });

  it('answers each role on each console endpoint as it should', async () => {
    // For each row a fresh conversation, queued (or claimed by Ann when the route needs an owner).
    type Row = [route: string, method: 'GET' | 'POST' | 'PUT', path: (id: string) => string, body: object | undefined, claimed: boolean, expected: Record<'none' | 'olga' | 'ann' | 'boss', number>];
    const rows: Row[] = [
      ['queue', 'GET', () => '/v1/agent/queue', undefined, false, { none: 401, olga: 200, ann: 200, boss: 200 }],
      ['canned responses', 'GET', () => '/v1/agent/canned-responses', undefined, false, { none: 401, olga: 200, ann: 200, boss: 200 }],
      ['context', 'GET', (id) => `/v1/agent/conversations/${id}`, undefined, false, { none: 401, olga: 403, ann: 200, boss: 200 }],
      ['claim', 'POST', (id) => `/v1/agent/conversations/${id}/claim`, undefined, false, { none: 401, olga: 403, ann: 200, boss: 200 }],
      ['note', 'POST', (id) => `/v1/agent/conversations/${id}/notes`, { text: 'n' }, false, { none: 401, olga: 403, ann: 201, boss: 201 }],
      ['reply (assigned to Ann)', 'POST', (id) => `/v1/agent/conversations/${id}/messages`, { text: 'hi' }, true, { none: 401, olga: 403, ann: 201, boss: 201 }],
      ['transfer', 'POST', (id) => `/v1/agent/conversations/${id}/transfer`, { team: 'orders' }, false, { none: 401, olga: 403, ann: 200, boss: 200 }],
      ['resolve (assigned to Ann)', 'POST', (id) => `/v1/agent/conversations/${id}/resolve`, undefined, true, { none: 401, olga: 403, ann: 200, boss: 200 }],
      ['presence', 'PUT', () => '/v1/agent/presence', { status: 'online' }, false, { none: 401, olga: 200, ann: 200, boss: 200 }],
    ];
    const seen: string[] = [];
    for (const [route, method, path, body, claimed, expected] of rows) {
      for (const role of ['none', 'olga', 'ann', 'boss'] as const) {
        const { conversation } = await handedOff();
        if (claimed) await as('ann', 'POST', `/v1/agent/conversations/${conversation.id}/claim`);
        const status = (await as(role === 'none' ? null : role, method, path(conversation.id), body)).statusCode;
        seen.push(`${route} as ${role}: ${status}`);
        expect(seen.at(-1)).toBe(`${route} as ${role}: ${expected[role]}`);
        await as('boss', 'POST', `/v1/agent/conversations/${conversation.id}/resolve`);
      }
    }
    // The API trigger takes an admin API key, never an agent session.
    const { conversation } = await startConversation(server.app).then(async (started) => ({ conversation: started }));
    expect((await as('boss', 'POST', `/v1/admin/conversations/${conversation.id}/handoff`, { reason: 'x' })).statusCode).toBe(401);
  });

  it('respects an agent\'s capacity', async () => {
    const first = await handedOff();
    const second = await handedOff();
    const third = await handedOff();
    for (const { conversation } of [first, second]) expect((await as('bob', 'POST', `/v1/agent/conversations/${conversation.id}/claim`)).statusCode).toBe(200);
    const over = await as('bob', 'POST', `/v1/agent/conversations/${third.conversation.id}/claim`);
    expect((over.json() as { error: { code: string } }).error.code).toBe('PARLEY_AGENT_AT_CAPACITY');
    for (const { conversation } of [first, second, third]) await as('boss', 'POST', `/v1/agent/conversations/${conversation.id}/resolve`);
  });
});

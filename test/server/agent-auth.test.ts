import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../src/core/index.js';
import { startTestServer, type TestServer } from '../support/harness.js';

const PASSWORD = 'correct horse battery staple';

let server: TestServer;
let admin: AgentRecord;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.app.agentAccounts.createAgent({ email: 'boss@example.com', name: 'Boss', password: PASSWORD, role: 'admin' }, { via: 'test' });
});

afterAll(async () => {
  await server?.close();
});

/** Each test signs in from an address of its own, so the per-address sign-in limit never mixes them up. */
async function signIn(email: string, password: string, address: string) {
  const response = await server.app.inject({ method: 'POST', url: '/v1/agent/sessions', remoteAddress: address, payload: { email, password } });
  return { status: response.statusCode, body: response.json() as { token: string; agent: AgentRecord; expiresAt: string; error?: { code: string; message: string } } };
}

function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string | null, payload?: object) {
  return server.app.inject({ method, url, ...(token === null ? {} : { headers: { authorization: `Bearer ${token}` } }), ...(payload === undefined ? {} : { payload }) });
}

function errorCode(response: { json(): unknown }): string {
  return (response.json() as { error: { code: string } }).error.code;
}

describe('agent sessions', () => {
  it('signs in, tells who is signed in, and signs out: the token then gets 401', async () => {
    const signedIn = await signIn('BOSS@example.com', PASSWORD, '10.0.1.1');
    expect(signedIn.status).toBe(201);
    expect(signedIn.body.token).toMatch(/^as_/);
    expect(signedIn.body.agent).toEqual(admin);
    expect(Date.parse(signedIn.body.expiresAt)).toBeGreaterThan(Date.parse(admin.createdAt));

    const me = await call('GET', '/v1/agent/me', signedIn.body.token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual(admin);

    const signOut = await call('DELETE', '/v1/agent/sessions/current', signedIn.body.token);
    expect(signOut.statusCode).toBe(204);

    const after = await call('GET', '/v1/agent/me', signedIn.body.token);
    expect(after.statusCode).toBe(401);
    expect(errorCode(after)).toBe('PARLEY_AUTH_TOKEN_INVALID');
    expect(errorCode(await call('DELETE', '/v1/agent/sessions/current', signedIn.body.token))).toBe('PARLEY_AUTH_TOKEN_INVALID');

    const audit = await server.runtime.store.agents.listAudit({ limit: 10 });
    expect(audit.slice(0, 2).map((record) => [record.action, record.agentId, record.details.address])).toEqual([
      ['agent.sign-out', admin.id, '127.0.0.1'],
      ['agent.sign-in', admin.id, '10.0.1.1'],
    ]);
  });

  it('needs a bearer token on the agent routes', async () => {
    const response = await call('GET', '/v1/agent/me', null);
    expect(response.statusCode).toBe(401);
    expect(errorCode(response)).toBe('PARLEY_AUTH_TOKEN_MISSING');
    expect(errorCode(await call('GET', '/v1/agent/me', 'ct_a-conversation-token'))).toBe('PARLEY_AUTH_TOKEN_INVALID');
  });

  it('gives a wrong password and an unknown email the same 401, and audits both', async () => {
    const wrongPassword = await signIn('boss@example.com', 'not the password', '10.0.2.1');
    const unknownEmail = await signIn('nobody@example.com', PASSWORD, '10.0.2.1');
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(wrongPassword.body.error?.code).toBe('PARLEY_AUTH_CREDENTIALS_INVALID');

    const failures = (await server.runtime.store.agents.listAudit({ limit: 50 })).filter((record) => record.details.address === '10.0.2.1');
    expect(failures.map((record) => [record.action, record.agentId, record.details.reason])).toEqual([
      ['agent.sign-in-failed', null, 'unknown-email'],
      ['agent.sign-in-failed', admin.id, 'wrong-password'],
    ]);
    expect(JSON.stringify(failures)).not.toContain('not the password');
  });

  it('limits sign-in attempts per client address', async () => {
    for (let attempt = 0; attempt < 10; attempt += 1) expect((await signIn('nobody@example.com', 'guess', '10.0.3.1')).status).toBe(401);
    const limited = await signIn('boss@example.com', PASSWORD, '10.0.3.1');
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('PARLEY_API_RATE_LIMITED');
    // Another address is not held back.
    expect((await signIn('boss@example.com', PASSWORD, '10.0.3.2')).status).toBe(201);
  });

  it('answers 400 for a body that is not a sign-in', async () => {
    const cases: object[] = [{ email: 'boss@example.com' }, { password: PASSWORD }, { email: 'boss@example.com', password: PASSWORD, extra: 1 }, { email: 1, password: PASSWORD }];
    for (const payload of cases) {
      const response = await server.app.inject({ method: 'POST', url: '/v1/agent/sessions', remoteAddress: '10.0.4.1', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(errorCode(response)).toBe('PARLEY_API_VALIDATION');
    }
  });
});

describe('account management', () => {
  let adminToken: string;

  beforeAll(async () => {
    adminToken = (await signIn('boss@example.com', PASSWORD, '10.0.5.1')).body.token;
  });

  it('lets an admin create, list and change agents; an agent may not', async () => {
    const created = await call('POST', '/v1/agent/agents', adminToken, { email: 'Ana@Example.com', name: 'Ana', password: PASSWORD, teams: ['billing'], capacity: 2 });
    expect(created.statusCode).toBe(201);
    const ana = created.json() as AgentRecord;
    expect(ana).toMatchObject({ email: 'ana@example.com', name: 'Ana', role: 'agent', teams: ['billing'], capacity: 2, disabledAt: null });

    const listed = await call('GET', '/v1/agent/agents', adminToken);
    expect(listed.statusCode).toBe(200);
    expect((listed.json() as { agents: AgentRecord[] }).agents.map((agent) => agent.email)).toEqual(expect.arrayContaining(['boss@example.com', 'ana@example.com']));

    const anaToken = (await signIn('ana@example.com', PASSWORD, '10.0.5.2')).body.token;
    expect((await call('GET', '/v1/agent/me', anaToken)).json()).toEqual(ana);
    const forbidden = await call('POST', '/v1/agent/agents', anaToken, { email: 'eve@example.com', name: 'Eve', password: PASSWORD, role: 'admin' });
    expect(forbidden.statusCode).toBe(403);
    expect(errorCode(forbidden)).toBe('PARLEY_AUTH_FORBIDDEN');
    expect((await call('GET', '/v1/agent/agents', anaToken)).statusCode).toBe(403);
    expect((await call('PATCH', `/v1/agent/agents/${ana.id}`, anaToken, { role: 'admin' })).statusCode).toBe(403);

    const changed = await call('PATCH', `/v1/agent/agents/${ana.id}`, adminToken, { teams: ['billing', 'returns'], capacity: 4 });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ id: ana.id, teams: ['billing', 'returns'], capacity: 4, role: 'agent' });

    const disabled = await call('PATCH', `/v1/agent/agents/${ana.id}`, adminToken, { disabled: true });
    expect((disabled.json() as AgentRecord).disabledAt).not.toBeNull();
    const locked = await call('GET', '/v1/agent/me', anaToken);
    expect(locked.statusCode).toBe(403);
    expect(errorCode(locked)).toBe('PARLEY_AUTH_ACCOUNT_DISABLED');
    expect((await signIn('ana@example.com', PASSWORD, '10.0.5.2')).body.error?.code).toBe('PARLEY_AUTH_ACCOUNT_DISABLED');

    const audit = await server.runtime.store.agents.listAudit({ limit: 100 });
    const byAdmin = audit.filter((record) => record.agentId === admin.id && record.details.targetAgentId === ana.id);
    expect(byAdmin.map((record) => record.action).reverse()).toEqual(['agent.created', 'agent.updated', 'agent.updated']);
  });

  it('answers 400, 404 and 409 for what cannot be done', async () => {
    const expectError = async (response: Awaited<ReturnType<typeof call>>, status: number, code: string) => {
      expect(response.statusCode, response.body).toBe(status);
      expect(errorCode(response)).toBe(code);
    };
    await expectError(await call('POST', '/v1/agent/agents', adminToken, { email: 'bo@example.com', name: 'Bo', password: 'too short' }), 400, 'PARLEY_AGENT_PASSWORD_WEAK');
    await expectError(await call('POST', '/v1/agent/agents', adminToken, { email: 'bo@example.com', name: 'Bo', password: PASSWORD, role: 'owner' }), 400, 'PARLEY_API_VALIDATION');
    await expectError(await call('POST', '/v1/agent/agents', adminToken, { email: 'bo@example.com', password: PASSWORD }), 400, 'PARLEY_API_VALIDATION');
    await expectError(await call('POST', '/v1/agent/agents', adminToken, { email: 'bo@example.com', name: 'Bo', password: PASSWORD, capacity: 1.5 }), 400, 'PARLEY_API_VALIDATION');
    await expectError(await call('POST', '/v1/agent/agents', adminToken, { email: 'BOSS@example.com', name: 'Boss 2', password: PASSWORD }), 409, 'PARLEY_AGENT_EMAIL_TAKEN');
    await expectError(await call('PATCH', `/v1/agent/agents/${admin.id}`, adminToken, {}), 400, 'PARLEY_API_VALIDATION');
    await expectError(await call('PATCH', `/v1/agent/agents/${admin.id}`, adminToken, { password: PASSWORD }), 400, 'PARLEY_API_VALIDATION');
    await expectError(await call('PATCH', '/v1/agent/agents/agent_missing', adminToken, { capacity: 1 }), 404, 'PARLEY_AGENT_NOT_FOUND');
  });

  it('documents the routes in OpenAPI under the agents tag', async () => {
    const document = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
      tags: { name: string }[];
    };
    expect(document.tags.map((tag) => tag.name)).toContain('agents');
    for (const [path, method] of [
      ['/v1/agent/sessions', 'post'],
      ['/v1/agent/sessions/current', 'delete'],
      ['/v1/agent/me', 'get'],
      ['/v1/agent/agents', 'post'],
      ['/v1/agent/agents', 'get'],
      ['/v1/agent/agents/{id}', 'patch'],
    ] as const) {
      expect(document.paths[path]?.[method]?.tags, `${method} ${path}`).toEqual(['agents']);
    }
  });
});

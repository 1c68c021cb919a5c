import { beforeEach, describe, expect, it } from 'vitest';
import { ParleyError, createSequentialIds } from '../../src/core/index.js';
import type { AgentRecord, Clock, ErrorCode, ParleyStore } from '../../src/core/index.js';
import { DUMMY_PASSWORD_HASH, canSee, createAgentAccounts, hashPassword, hashSessionToken, verifyPassword } from '../../src/handoff/accounts/index.js';
import type { AgentAccounts } from '../../src/handoff/accounts/index.js';
import { createMemoryStore } from '../../src/storage/index.js';

const HOUR = 60 * 60 * 1000;
const START = Date.parse('2024-05-01T08:00:00.000Z');
const PASSWORD = 'correct horse battery staple';

/** A clock the test moves by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = START;
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<ParleyError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(ParleyError);
  expect((error as ParleyError).code).toBe(code);
  return error as ParleyError;
}

describe('passwords', () => {
  it('hashes with scrypt N=2^15 r=8 p=1, a 16-byte salt and a 32-byte key, in base64url', async () => {
    const hash = await hashPassword(PASSWORD);
    const parts = hash.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(parts).toHaveLength(6);
    expect(parts[4]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(parts[5]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(parts[4]!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64url')).toHaveLength(32);
    // A fresh salt every time.
    expect(await hashPassword(PASSWORD)).not.toBe(hash);
  });

  it('verifies the right password and refuses a wrong one or a hash it cannot read', async () => {
    const hash = await hashPassword(PASSWORD);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
    expect(await verifyPassword(PASSWORD, DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'plain-text')).toBe(false);
    expect(await verifyPassword(PASSWORD, hash.replace('$32768$', '$1073741824$'))).toBe(false);
    expect(await verifyPassword(PASSWORD, hash.replace('$32768$', '$1000$'))).toBe(false);
  });
});

describe('agent accounts', () => {
  let store: ParleyStore;
  let clock: ReturnType<typeof manualClock>;
  let accounts: AgentAccounts;
  let agent: AgentRecord;

  beforeEach(async () => {
    store = createMemoryStore();
    clock = manualClock();
    accounts = createAgentAccounts({ store: store.agents, clock, ids: createSequentialIds() });
    agent = await accounts.createAgent({ email: ' Ana@Example.com ', name: 'Ana', password: PASSWORD, teams: ['billing'] });
  });

  async function auditActions(): Promise<string[]> {
    return (await store.agents.listAudit({ limit: 100 })).reverse().map((record) => `${record.action}:${record.agentId ?? '-'}`);
  }

  it('creates an agent with defaults, a lower-cased email and only a hash of the password', async () => {
    expect(agent).toEqual({
      id: agent.id,
      name: 'Ana',
      email: 'ana@example.com',
      role: 'agent',
      teams: ['billing'],
      capacity: 3,
      createdAt: new Date(START).toISOString(),
      disabledAt: null,
    });
    const stored = await store.agents.findByEmail('ana@example.com');
    expect(stored?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored?.passwordHash).not.toContain(PASSWORD);
    expect(await auditActions()).toEqual(['agent.created:-']);
  });

  it('refuses a short password, a bad email and an email in use', async () => {
    await expectCode(accounts.createAgent({ email: 'bo@example.com', name: 'Bo', password: 'elevenchars' }), 'PARLEY_AGENT_PASSWORD_WEAK');
    await expectCode(accounts.createAgent({ email: 'not-an-email', name: 'Bo', password: PASSWORD }), 'PARLEY_API_VALIDATION');
    await expectCode(accounts.createAgent({ email: 'ANA@example.com', name: 'Ana 2', password: PASSWORD }), 'PARLEY_AGENT_EMAIL_TAKEN');
    expect(await store.agents.list()).toHaveLength(1);
  });

  it('signs in with the right password, any case of the email, and stores only the token hash', async () => {
    const session = await accounts.signIn('ANA@example.com', PASSWORD, { address: '10.0.0.1' });
    expect(session.token).toMatch(/^as_[A-Za-z0-9_-]{43}$/);
    expect(session.agent).toEqual(agent);
    expect(session.expiresAt).toBe(new Date(START + 8 * HOUR).toISOString());
    expect(await store.agents.findSession(session.token)).toBeNull();
    expect(await store.agents.findSession(hashSessionToken(session.token))).toMatchObject({ agentId: agent.id });
    expect(await accounts.authenticate(session.token)).toEqual(agent);
    const [signIn] = await store.agents.listAudit({ limit: 1 });
    expect(signIn).toMatchObject({ action: 'agent.sign-in', agentId: agent.id, details: { address: '10.0.0.1' } });
    expect(JSON.stringify(await store.agents.listAudit({ limit: 100 }))).not.toContain(PASSWORD);
  });

  it('gives a wrong password and an unknown email the same error, and audits both', async () => {
    const wrongPassword = await expectCode(accounts.signIn('ana@example.com', 'wrong password!!'), 'PARLEY_AUTH_CREDENTIALS_INVALID');
    const unknownEmail = await expectCode(accounts.signIn('nobody@example.com', PASSWORD), 'PARLEY_AUTH_CREDENTIALS_INVALID');
    expect(unknownEmail.message).toBe(wrongPassword.message);
    expect(unknownEmail.status).toBe(401);
    const failures = (await store.agents.listAudit({ limit: 10 })).filter((record) => record.action === 'agent.sign-in-failed');
    expect(failures.map((record) => [record.agentId, record.details.reason, record.details.email])).toEqual([
      [null, 'unknown-email', 'nobody@example.com'],
      [agent.id, 'wrong-password', 'ana@example.com'],
    ]);
  });

  it('verifies an unknown email against a dummy hash, so it costs the same scrypt work', async () => {
    // The dummy hash has the real parameters: verifying against it is a full scrypt.
    expect(DUMMY_PASSWORD_HASH.split('$').slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(await verifyPassword(PASSWORD, DUMMY_PASSWORD_HASH)).toBe(false);
  });

  it('keeps a disabled account out, and its open sessions stop working', async () => {
    const session = await accounts.signIn('ana@example.com', PASSWORD);
    const admin = await accounts.createAgent({ email: 'boss@example.com', name: 'Boss', password: PASSWORD, role: 'admin' });
    const disabled = await accounts.updateAgent(agent.id, { disabled: true }, { actor: admin });
    expect(disabled.disabledAt).toBe(new Date(START).toISOString());

    await expectCode(accounts.authenticate(session.token), 'PARLEY_AUTH_ACCOUNT_DISABLED');
    await expectCode(accounts.signIn('ana@example.com', PASSWORD), 'PARLEY_AUTH_ACCOUNT_DISABLED');
    // A wrong password for a disabled account says nothing about the account.
    await expectCode(accounts.signIn('ana@example.com', 'wrong password!!'), 'PARLEY_AUTH_CREDENTIALS_INVALID');

    await accounts.updateAgent(agent.id, { disabled: false }, { actor: admin });
    expect((await accounts.signIn('ana@example.com', PASSWORD)).agent.disabledAt).toBeNull();
    const updates = (await store.agents.listAudit({ limit: 100 })).filter((record) => record.action === 'agent.updated');
    expect(updates.map((record) => [record.agentId, record.details.targetAgentId, record.details.changes])).toEqual([
      [admin.id, agent.id, { disabled: false }],
      [admin.id, agent.id, { disabled: true }],
    ]);
  });

  it('expires a session left idle for 8 hours', async () => {
    const { token } = await accounts.signIn('ana@example.com', PASSWORD);
    clock.advance(8 * HOUR - 1);
    expect((await accounts.authenticate(token)).id).toBe(agent.id);
    clock.advance(8 * HOUR);
    await expectCode(accounts.authenticate(token), 'PARLEY_AUTH_SESSION_EXPIRED');
  });

  it('slides the idle expiry with each use, but never past 24 hours from the sign-in', async () => {
    const { token } = await accounts.signIn('ana@example.com', PASSWORD);
    const hash = hashSessionToken(token);
    for (let hour = 6; hour <= 12; hour += 6) {
      clock.advance(6 * HOUR);
      await accounts.authenticate(token);
      expect((await store.agents.findSession(hash))?.expiresAt).toBe(new Date(START + (hour + 8) * HOUR).toISOString());
    }
    clock.advance(6 * HOUR); // 18 h in: the idle limit would reach 26 h, the maximum stops it at 24 h.
    await accounts.authenticate(token);
    expect((await store.agents.findSession(hash))?.expiresAt).toBe(new Date(START + 24 * HOUR).toISOString());
    clock.advance(6 * HOUR - 1);
    await accounts.authenticate(token);
    clock.advance(1);
    await expectCode(accounts.authenticate(token), 'PARLEY_AUTH_SESSION_EXPIRED');
  });

  it('honours other session lifetimes', async () => {
    const short = createAgentAccounts({ store: store.agents, clock, ids: createSequentialIds(), sessionIdleMs: HOUR, sessionMaxMs: 90 * 60 * 1000 });
    const { token, expiresAt } = await short.signIn('ana@example.com', PASSWORD);
    expect(expiresAt).toBe(new Date(START + HOUR).toISOString());
    clock.advance(50 * 60 * 1000);
    await short.authenticate(token);
    clock.advance(41 * 60 * 1000);
    await expectCode(short.authenticate(token), 'PARLEY_AUTH_SESSION_EXPIRED');
  });

  it('signs out: the token stops working, and the sign-out is audited', async () => {
    const { token } = await accounts.signIn('ana@example.com', PASSWORD);
    expect(await accounts.signOut(token)).toBe(true);
    await expectCode(accounts.authenticate(token), 'PARLEY_AUTH_TOKEN_INVALID');
    expect(await accounts.signOut(token)).toBe(false);
    await expectCode(accounts.authenticate('pk_not-a-session'), 'PARLEY_AUTH_TOKEN_INVALID');
    expect(await auditActions()).toEqual(['agent.created:-', `agent.sign-in:${agent.id}`, `agent.sign-out:${agent.id}`]);
  });

  it('updates role, teams and capacity and refuses an unknown agent', async () => {
    const updated = await accounts.updateAgent(agent.id, { role: 'admin', teams: ['sales', 'sales', 'billing'], capacity: 5 });
    expect(updated).toMatchObject({ role: 'admin', teams: ['sales', 'billing'], capacity: 5, disabledAt: null });
    await expectCode(accounts.updateAgent('agent_missing', { capacity: 1 }), 'PARLEY_AGENT_NOT_FOUND');
    await expectCode(accounts.updateAgent(agent.id, { capacity: -1 }), 'PARLEY_API_VALIDATION');
  });

  it('canSee: admins every team, agents their own teams, disabled accounts nothing', () => {
    const base: AgentRecord = { id: 'a', name: 'A', email: 'a@example.com', role: 'agent', teams: ['billing', 'returns'], capacity: 3, createdAt: new Date(START).toISOString(), disabledAt: null };
    const admin: AgentRecord = { ...base, role: 'admin', teams: [] };
    const matrix = [
      [base, 'billing', true],
      [base, 'returns', true],
      [base, 'sales', false],
      [{ ...base, teams: [] }, 'billing', false],
      [admin, 'billing', true],
      [admin, 'sales', true],
      [{ ...base, disabledAt: base.createdAt }, 'billing', false],
      [{ ...admin, disabledAt: base.createdAt }, 'sales', false],
    ] as const;
    for (const [who, team, expected] of matrix) {
      expect(canSee(who, team), `${who.role} ${who.teams.join('+')} ${who.disabledAt ? 'disabled' : ''} → ${team}`).toBe(expected);
      expect(accounts.canSee(who, team)).toBe(expected);
    }
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { ParleyError, isParleyError } from '../../core/errors.js';
import type { AgentChanges, AgentRecord, AgentRole, AgentStore } from '../../core/agents.js';
import type { Clock, IdGenerator } from '../../core/ports.js';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords.js';

/**
 * Accounts of the agent console: sign-in with email and password, bearer sessions (`as_…`) that
 * expire when idle and at a maximum age, account management, who-sees-what, and an audit record
 * for every one of these actions.
 */

export const AGENT_SESSION_PREFIX = 'as_';
export const MIN_PASSWORD_LENGTH = 12;
/** scrypt's cost does not depend on the length, but nobody needs more. */
export const MAX_PASSWORD_LENGTH = 1024;
export const DEFAULT_SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
export const DEFAULT_SESSION_MAX_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_AGENT_CAPACITY = 3;

/** The audit log's actions for accounts. */
export const AUDIT_ACTIONS = {
  signIn: 'agent.sign-in',
  signInFailed: 'agent.sign-in-failed',
  signOut: 'agent.sign-out',
  created: 'agent.created',
  updated: 'agent.updated',
} as const;

export interface AgentAccountsOptions {
  readonly store: AgentStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** A session not used for this long has expired (default 8 h); each use pushes the expiry on. */
  readonly sessionIdleMs?: number;
  /** No session lives longer than this from its sign-in (default 24 h), however busy. */
  readonly sessionMaxMs?: number;
}

export interface SignInResult {
  /** The bearer token (`as_…`); shown once, only its SHA-256 is kept. */
  readonly token: string;
  readonly agent: AgentRecord;
  readonly expiresAt: string;
}

export interface NewAgentInput {
  readonly email: string;
  readonly name: string;
  readonly password: string;
  readonly role?: AgentRole;
  readonly teams?: readonly string[];
  readonly capacity?: number;
}

export interface AgentUpdate {
  readonly name?: string;
  readonly role?: AgentRole;
  readonly teams?: readonly string[];
  readonly capacity?: number;
  /** true disables the account (its sessions stop working at once); false enables it again. */
  readonly disabled?: boolean;
}

/** Who acted and from where, for the audit log. */
export interface AuditContext {
  /** The signed-in agent who acted; null or absent for the CLI. */
  readonly actor?: AgentRecord | null;
  /** The client's address. */
  readonly address?: string;
  /** How the action came in, e.g. `api` or `cli`. */
  readonly via?: string;
}

export interface AgentAccounts {
  /**
   * A wrong email and a wrong password fail alike (PARLEY_AUTH_CREDENTIALS_INVALID) after the
   * same work; a disabled account with the right password gets PARLEY_AUTH_ACCOUNT_DISABLED.
   */
  signIn(email: string, password: string, context?: AuditContext): Promise<SignInResult>;
  /** The agent of a live session; pushes the idle expiry on (never past the maximum). */
  authenticate(token: string): Promise<AgentRecord>;
  /** Ends the session; false when there was none. */
  signOut(token: string, context?: AuditContext): Promise<boolean>;
  createAgent(input: NewAgentInput, context?: AuditContext): Promise<AgentRecord>;
  /** PARLEY_AGENT_NOT_FOUND for an unknown id. */
  updateAgent(id: string, update: AgentUpdate, context?: AuditContext): Promise<AgentRecord>;
  canSee(agent: AgentRecord, team: string): boolean;
}

/** Admins see every team; an agent only their own teams; a disabled account nothing. */
export function canSee(agent: AgentRecord, team: string): boolean {
  if (agent.disabledAt !== null) return false;
  return agent.role === 'admin' || agent.teams.includes(team);
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function invalid(message: string, field: string): ParleyError {
  return new ParleyError('PARLEY_API_VALIDATION', message, { details: { field } });
}

function checkPassword(password: string): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) throw new ParleyError('PARLEY_AGENT_PASSWORD_WEAK', `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (length > MAX_PASSWORD_LENGTH) throw new ParleyError('PARLEY_AGENT_PASSWORD_WEAK', `A password may have at most ${MAX_PASSWORD_LENGTH} characters.`);
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 200) throw invalid('An agent\'s name must have 1 to 200 characters.', 'name');
  return trimmed;
}

function checkRole(role: string): AgentRole {
  if (role !== 'agent' && role !== 'admin') throw invalid(`Unknown role "${role}"; use agent or admin.`, 'role');
  return role;
}

function checkTeams(teams: readonly string[]): string[] {
  const cleaned = teams.map((team) => team.trim());
  if (cleaned.some((team) => team === '' || team.length > 100)) throw invalid('A team name must have 1 to 100 characters.', 'teams');
  return [...new Set(cleaned)];
}

function checkCapacity(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 0 || capacity > 1000) throw invalid('The capacity must be a whole number from 0 to 1000.', 'capacity');
  return capacity;
}

export function createAgentAccounts(options: AgentAccountsOptions): AgentAccounts {
  const { store, clock, ids } = options;
  const idleMs = options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  const maxMs = options.sessionMaxMs ?? DEFAULT_SESSION_MAX_MS;
  if (!(idleMs > 0) || !(maxMs > 0)) throw new ParleyError('PARLEY_CONFIG_INVALID', 'Agent session lifetimes must be positive.');
  // The expiry is written again only when it moves on by this much: a busy agent does not cost a write per request.
  const slideStepMs = Math.min(60_000, Math.floor(idleMs / 10));

  async function audit(action: string, context: AuditContext, agentId: string | null, details: Record<string, unknown>): Promise<void> {
    await store.appendAudit({
      id: ids.next('aud'),
      at: clock.now().toISOString(),
      agentId,
      action,
      conversationId: null,
      details: { ...details, ...(context.address !== undefined ? { address: context.address } : {}), ...(context.via !== undefined ? { via: context.via } : {}) },
    });
  }

  async function signIn(email: string, password: string, context: AuditContext = {}): Promise<SignInResult> {
    const normalised = normaliseEmail(email);
    const found = await store.findByEmail(normalised);
    // The same scrypt work whether or not the email is known, so the time tells nothing.
    const matches = await verifyPassword(password, found?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!found || !matches) {
      await audit(AUDIT_ACTIONS.signInFailed, context, found?.agent.id ?? null, { email: normalised, reason: found ? 'wrong-password' : 'unknown-email' });
      throw new ParleyError('PARLEY_AUTH_CREDENTIALS_INVALID', 'The email or the password is wrong.');
    }
    const { agent } = found;
    if (agent.disabledAt !== null) {
      await audit(AUDIT_ACTIONS.signInFailed, context, agent.id, { email: normalised, reason: 'disabled' });
      throw new ParleyError('PARLEY_AUTH_ACCOUNT_DISABLED', 'This account is disabled; ask an admin to enable it.');
    }
    const now = clock.now().getTime();
    const token = AGENT_SESSION_PREFIX + randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + Math.min(idleMs, maxMs)).toISOString();
    await store.createSession({ tokenHash: hashSessionToken(token), agentId: agent.id, createdAt: new Date(now).toISOString(), expiresAt });
    await audit(AUDIT_ACTIONS.signIn, context, agent.id, {});
    return { token, agent, expiresAt };
  }

  async function authenticate(token: string): Promise<AgentRecord> {
    if (!token.startsWith(AGENT_SESSION_PREFIX)) throw new ParleyError('PARLEY_AUTH_TOKEN_INVALID', 'The bearer token is not an agent session token (as_…).');
    const tokenHash = hashSessionToken(token);
    const session = await store.findSession(tokenHash);
    if (!session) throw new ParleyError('PARLEY_AUTH_TOKEN_INVALID', 'The session is not valid (signed out, or never issued); sign in again.');
    const now = clock.now().getTime();
    const expiresAt = Date.parse(session.expiresAt);
    if (now >= expiresAt) throw new ParleyError('PARLEY_AUTH_SESSION_EXPIRED', 'The session has expired; sign in again.');
    const agent = await store.get(session.agentId);
    if (!agent) throw new ParleyError('PARLEY_AUTH_TOKEN_INVALID', 'The session\'s account no longer exists.');
    if (agent.disabledAt !== null) throw new ParleyError('PARLEY_AUTH_ACCOUNT_DISABLED', 'This account is disabled; ask an admin to enable it.');
    const slid = Math.min(now + idleMs, Date.parse(session.createdAt) + maxMs);
    if (slid - expiresAt >= slideStepMs) await store.touchSession(tokenHash, new Date(slid).toISOString());
    return agent;
  }

  async function signOut(token: string, context: AuditContext = {}): Promise<boolean> {
    if (!token.startsWith(AGENT_SESSION_PREFIX)) return false;
    const tokenHash = hashSessionToken(token);
    const session = await store.findSession(tokenHash);
    if (!session) return false;
    const deleted = await store.deleteSession(tokenHash);
    if (deleted) await audit(AUDIT_ACTIONS.signOut, context, session.agentId, {});
    return deleted;
  }

  async function createAgent(input: NewAgentInput, context: AuditContext = {}): Promise<AgentRecord> {
    const email = normaliseEmail(input.email);
    if (!EMAIL.test(email) || email.length > 254) throw invalid(`"${input.email}" is not an email address.`, 'email');
    const name = checkName(input.name);
    checkPassword(input.password);
    const agent: AgentRecord = {
      id: ids.next('agent'),
      name,
      email,
      role: checkRole(input.role ?? 'agent'),
      teams: checkTeams(input.teams ?? []),
      capacity: checkCapacity(input.capacity ?? DEFAULT_AGENT_CAPACITY),
      createdAt: clock.now().toISOString(),
      disabledAt: null,
    };
    const taken = () => new ParleyError('PARLEY_AGENT_EMAIL_TAKEN', `An agent with the email ${email} exists already.`);
    if (await store.findByEmail(email)) throw taken();
    const passwordHash = await hashPassword(input.password);
    try {
      await store.create({ ...agent, passwordHash });
    } catch (error) {
      if (isParleyError(error, 'PARLEY_STORE_CONFLICT')) throw taken();
      throw error;
    }
    await audit(AUDIT_ACTIONS.created, context, context.actor?.id ?? null, {
      targetAgentId: agent.id,
      email,
      role: agent.role,
      teams: agent.teams,
      capacity: agent.capacity,
    });
    return agent;
  }

  async function updateAgent(id: string, update: AgentUpdate, context: AuditContext = {}): Promise<AgentRecord> {
    const current = await store.get(id);
    if (!current) throw new ParleyError('PARLEY_AGENT_NOT_FOUND', `No agent with id "${id}".`, { details: { agentId: id } });
    const changes: { -readonly [K in keyof AgentChanges]: AgentChanges[K] } = {};
    if (update.name !== undefined) changes.name = checkName(update.name);
    if (update.role !== undefined) changes.role = checkRole(update.role);
    if (update.teams !== undefined) changes.teams = checkTeams(update.teams);
    if (update.capacity !== undefined) changes.capacity = checkCapacity(update.capacity);
    // Disabling an account that is disabled already keeps the first time.
    if (update.disabled === true && current.disabledAt === null) changes.disabledAt = clock.now().toISOString();
    if (update.disabled === false) changes.disabledAt = null;
    const updated = await store.update(id, changes);
    if (!updated) throw new ParleyError('PARLEY_AGENT_NOT_FOUND', `No agent with id "${id}".`, { details: { agentId: id } });
    await audit(AUDIT_ACTIONS.updated, context, context.actor?.id ?? null, { targetAgentId: id, changes: { ...update } });
    return updated;
  }

  return { signIn, authenticate, signOut, createAgent, updateAgent, canSee };
}

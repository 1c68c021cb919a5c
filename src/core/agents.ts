/**
 * People who answer handed-off conversations in the agent console: agents and admins, their
 * sign-in sessions, and the audit log of what they did. The port keeps only hashes: a password's
 * scrypt hash and a session token's SHA-256; the secrets themselves are never stored.
 */

export type AgentRole = 'agent' | 'admin';

export interface AgentRecord {
  readonly id: string;
  readonly name: string;
  /** Lower-cased; unique across all agents. */
  readonly email: string;
  /** An admin sees every team's conversations and manages accounts. */
  readonly role: AgentRole;
  /** The teams whose conversations the agent sees. */
  readonly teams: readonly string[];
  /** How many conversations the agent takes at once. */
  readonly capacity: number;
  readonly createdAt: string;
  /** When the account was disabled; a disabled account cannot sign in. */
  readonly disabledAt: string | null;
}

export type AgentChanges = Partial<Pick<AgentRecord, 'name' | 'role' | 'teams' | 'capacity' | 'disabledAt'>>;

export interface NewAgentSession {
  /** SHA-256 of the session token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly agentId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface AgentSession {
  readonly agentId: string;
  /** When the session was opened: its maximum lifetime counts from here. */
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface AuditRecord {
  readonly id: string;
  readonly at: string;
  /** Who did it; null when nobody is signed in (a failed sign-in for an unknown email, the CLI). */
  readonly agentId: string | null;
  /** What was done, e.g. `agent.sign-in`, `agent.created`. */
  readonly action: string;
  /** The conversation it concerned, if any. */
  readonly conversationId: string | null;
  /** Structured context (JSON); never a password or a token. */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface ListAuditOptions {
  readonly limit: number;
  /** Only the records about this conversation. */
  readonly conversationId?: string;
}

export interface AgentStore {
  /** A second agent with the same id or (case-insensitively) the same email is PARLEY_STORE_CONFLICT. */
  create(agent: AgentRecord & { readonly passwordHash: string }): Promise<void>;
  /** Case-insensitive; disabled agents are found too (the caller decides). */
  findByEmail(email: string): Promise<{ agent: AgentRecord; passwordHash: string } | null>;
  get(id: string): Promise<AgentRecord | null>;
  /** Oldest first. */
  list(): Promise<AgentRecord[]>;
  /** The agent as changed, or null when there is no agent with this id. */
  update(id: string, changes: AgentChanges): Promise<AgentRecord | null>;
  /** PARLEY_AGENT_NOT_FOUND when the agent does not exist; PARLEY_STORE_CONFLICT for a token hash already taken. */
  createSession(session: NewAgentSession): Promise<void>;
  /** The session with this token hash, expired or not (the caller compares the times). */
  findSession(tokenHash: string): Promise<AgentSession | null>;
  touchSession(tokenHash: string, expiresAt: string): Promise<void>;
  /** Whether there was such a session. */
  deleteSession(tokenHash: string): Promise<boolean>;
  appendAudit(record: AuditRecord): Promise<void>;
  /** Newest first (by `at`, then the later append first), at most `limit` records. */
  listAudit(options: ListAuditOptions): Promise<AuditRecord[]>;
}

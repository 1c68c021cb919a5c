/**
 * The handoff queue: conversations waiting for (or held by) a human agent. The store keeps one
 * record per conversation; a resolved record is opened again when the conversation is handed off
 * once more.
 */

export type HandoffState = 'queued' | 'assigned' | 'resolved';

export interface HandoffRecord {
  readonly conversationId: string;
  readonly bot: string;
  readonly team: string;
  readonly state: HandoffState;
  readonly reason: string;
  readonly queuedAt: string;
  readonly agentId: string | null;
  readonly assignedAt: string | null;
  readonly firstResponseAt: string | null;
  readonly slaBreachedAt: string | null;
  readonly resolvedAt: string | null;
}

export interface HandoffStore {
  /** Queues the conversation (a new record, or a resolved one opened again with a fresh queuedAt); an open one (queued/assigned) is returned unchanged. */
  open(request: { conversationId: string; bot: string; team: string; reason: string; at: string }): Promise<HandoffRecord>;
  /** queued → assigned to the agent, atomically: of two agents claiming at once exactly one gets the record, the other null. Null also when not queued. */
  claim(conversationId: string, agentId: string, at: string): Promise<HandoffRecord | null>;
  /** assigned → queued (the agent went offline, or gave it back); keeps queuedAt, so it goes back to its place in line; clears agentId/assignedAt. Null when not assigned. */
  release(conversationId: string): Promise<HandoffRecord | null>;
  /** An open record moves to another team, queued again (agent cleared), keeping queuedAt. Null when not open. */
  transfer(conversationId: string, team: string): Promise<HandoffRecord | null>;
  /** Sets firstResponseAt once (later calls keep the first). */
  markFirstResponse(conversationId: string, at: string): Promise<void>;
  /** Sets slaBreachedAt once; true only the first time. */
  markSlaBreached(conversationId: string, at: string): Promise<boolean>;
  /** An open record → resolved. Null when not open. */
  resolve(conversationId: string, at: string): Promise<HandoffRecord | null>;
  get(conversationId: string): Promise<HandoffRecord | null>;
  /** Oldest queuedAt first (then conversationId); filters are ANDed; `teams` empty or absent = all teams. */
  list(filter: { states: readonly HandoffState[]; teams?: readonly string[]; agentId?: string; bot?: string; limit?: number }): Promise<HandoffRecord[]>;
}

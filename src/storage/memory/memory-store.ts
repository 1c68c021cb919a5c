import { ParleyError } from '../../core/errors.js';
import { readStoredEvent } from '../../core/events.js';
import type { ConversationEvent } from '../../core/events.js';
import type { AgentChanges, AgentRecord, AgentSession, AuditRecord, ListAuditOptions, NewAgentSession } from '../../core/agents.js';
import type { HandoffRecord, HandoffState } from '../../core/handoffs.js';
import type { KnowledgeChunk, KnowledgeDocument, KnowledgeDocumentSummary } from '../../core/knowledge.js';
import type {
  ApiKeyRecord,
  ConversationPage,
  ConversationRecord,
  InboxEntry,
  ListEventsOptions,
  NewConversation,
  NewInboxEntry,
  NewOutboxEntry,
  OutboxEntry,
  OutboxPayload,
  OutboxStatus,
  ParleyStore,
  StoredModel,
  TurnCommit,
  EventsAppend,
} from '../../core/ports.js';
import {
  addMilliseconds,
  canonicalTime,
  conversationNotFoundError,
  decodeCursor,
  encodeCursor,
  inboxNotPendingError,
  parseEventData,
  requirePositiveInteger,
  serializeEvent,
  staleTurnError,
  storeClosedError,
} from '../store-support.js';
import type { SerializedEvent } from '../store-support.js';
import { checkKnowledgeDocument, compareCodePoints } from '../knowledge-support.js';

/**
 * The store for tests and throw-away runs. It checks the same constraints in the same order as the
 * SQLite store and keeps timestamps canonical, so code that works against it works against SQLite;
 * what goes in and comes out is cloned, so callers can never change stored state by accident. Every operation runs synchronously inside its promise, which
 * makes each one atomic: nothing else can interleave with it.
 */

interface ConversationRow {
  readonly id: string;
  readonly botName: string;
  readonly channel: string;
  readonly userId: string | null;
  readonly address: string | null;
  readonly tokenHash: string;
  readonly createdAt: string;
  lastSeq: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

type InboxRow = Mutable<InboxEntry>;

interface OutboxRow extends Mutable<OutboxEntry<OutboxPayload>> {
  leaseUntil: string | null;
  deliveredAt: string | null;
}

interface ApiKeyRow extends Mutable<ApiKeyRecord> {
  readonly secretHash: string;
}

/** A stored knowledge document: its own copies of the chunks and vectors. */
interface KnowledgeRow {
  readonly summary: KnowledgeDocumentSummary;
  readonly chunks: readonly KnowledgeChunk[];
  readonly vectors: readonly Float32Array[] | null;
  readonly vectorModel: string | null;
}

/** Only the port's fields, and a tags list of its own: the stored chunk and the caller's never share an array. */
function copyChunk(chunk: KnowledgeChunk): KnowledgeChunk {
  return {
    id: chunk.id,
    source: chunk.source,
    title: chunk.title,
    section: chunk.section,
    position: chunk.position,
    text: chunk.text,
    link: chunk.link,
    tags: [...chunk.tags],
  };
}

function conflict(message: string): ParleyError {
  return new ParleyError('PARLEY_STORE_CONFLICT', message);
}

function toConversation(row: ConversationRow): ConversationRecord {
  return { id: row.id, botName: row.botName, channel: row.channel, userId: row.userId, address: row.address, createdAt: row.createdAt, lastSeq: row.lastSeq };
}

function toInboxEntry(row: InboxRow): InboxEntry {
  return structuredClone(row);
}

function toOutboxEntry(row: OutboxRow): OutboxEntry<OutboxPayload> {
  const { leaseUntil: _leaseUntil, deliveredAt: _deliveredAt, ...entry } = row;
  return structuredClone(entry);
}

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  const { secretHash: _secretHash, ...record } = row;
  return structuredClone(record);
}

interface AgentRow {
  record: AgentRecord;
  readonly passwordHash: string;
}

/** Emails are kept lower-cased (and trimmed), as the SQLite store keeps them. */
function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** What the SQLite store's CHECK constraints refuse. */
function checkAgentFields(agent: Pick<AgentRecord, 'role' | 'capacity'>): void {
  if (agent.role !== 'agent' && agent.role !== 'admin') throw new ParleyError('PARLEY_INTERNAL', `Unknown agent role ${String(agent.role)}`);
  if (!Number.isInteger(agent.capacity) || agent.capacity < 0) throw new ParleyError('PARLEY_INTERNAL', 'An agent\'s capacity must be a whole number, 0 or more');
}

/** Newest first: created_at descending, then id descending, as the SQL stores order it. */
function newestFirst(a: ConversationRow, b: ConversationRow): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function isAfterCursor(row: ConversationRow, cursor: { createdAt: string; id: string }): boolean {
  return row.createdAt < cursor.createdAt || (row.createdAt === cursor.createdAt && row.id < cursor.id);
}

export function createMemoryStore(): ParleyStore {
  const conversations = new Map<string, ConversationRow>();
  const conversationByToken = new Map<string, string>();
  /** channel NUL address → conversation id. */
  const conversationByAddress = new Map<string, string>();
  const eventsByConversation = new Map<string, SerializedEvent[]>();
  const eventIds = new Set<string>();
  // Map iteration follows insertion order, which is the inbox's order of arrival.
  const inbox = new Map<string, InboxRow>();
  const inboxByClientId = new Map<string, string>();
  let inboxSeq = 0;
  const outbox = new Map<string, OutboxRow>();
  const apiKeys = new Map<string, ApiKeyRow>();
  const models = new Map<string, StoredModel>();
  const apiKeyBySecret = new Map<string, string>();
  /** bot → source → document. */
  const knowledge = new Map<string, Map<string, KnowledgeRow>>();
  const agents = new Map<string, AgentRow>();
  /** lower-cased email → agent id. */
  const agentByEmail = new Map<string, string>();
  const agentSessions = new Map<string, AgentSession>();
  /** In order of appending. */
  const auditLog: AuditRecord[] = [];
  /** conversation id → its handoff; every field is a string or null, so a spread is a full copy. */
  const handoffs = new Map<string, Mutable<HandoffRecord>>();
  let closed = false;

  /** A bot's documents in source order: Unicode code point order, as SQLite's BINARY collation sorts. */
  function knowledgeDocuments(bot: string): KnowledgeRow[] {
    return [...(knowledge.get(bot)?.values() ?? [])].sort((a, b) => compareCodePoints(a.summary.source, b.summary.source));
  }

  /** The open (queued or assigned) handoff of the conversation, if any. */
  function openHandoff(conversationId: string): Mutable<HandoffRecord> | undefined {
    const row = handoffs.get(conversationId);
    return row !== undefined && row.state !== 'resolved' ? row : undefined;
  }

  /** Every operation goes through here so a closed store refuses work the way a closed database does. */
  async function run<T>(work: () => T): Promise<T> {
    if (closed) throw storeClosedError('memory');
    return work();
  }

  function clientIdKey(conversationId: string, channel: string, clientMessageId: string): string {
    return JSON.stringify([conversationId, channel, clientMessageId]);
  }

  /** Refuses event ids already in any log or repeated within the batch, as a UNIQUE column would. */
  function checkNewEventIds(events: readonly SerializedEvent[]): void {
    const batch = new Set<string>();
    for (const event of events) {
      if (eventIds.has(event.id) || batch.has(event.id)) throw conflict(`Event id ${event.id} is already taken`);
      batch.add(event.id);
    }
  }

  /** The log is positional: entry i holds seq i + 1, so appending is numbering. */
  function appendEvents(conversationId: string, events: readonly SerializedEvent[]): void {
    const log = eventsByConversation.get(conversationId) ?? [];
    for (const event of events) {
      log.push(event);
      eventIds.add(event.id);
    }
    eventsByConversation.set(conversationId, log);
  }

  /**
   * Refuses outbox ids already taken or repeated within the batch, and entries of a conversation
   * that does not exist (`creating` is one being created in the same write), as the SQL keys would.
   */
  function checkNewOutboxEntries(entries: readonly NewOutboxEntry[], creating?: string): void {
    const batch = new Set<string>();
    for (const entry of entries) {
      if (outbox.has(entry.id) || batch.has(entry.id)) throw conflict(`Outbox entry ${entry.id} already exists`);
      if (entry.conversationId !== creating && !conversations.has(entry.conversationId)) throw conversationNotFoundError(entry.conversationId);
      batch.add(entry.id);
    }
  }

  function queueOutboxEntries(entries: readonly NewOutboxEntry[]): void {
    for (const entry of entries) {
      outbox.set(entry.id, {
        id: entry.id,
        conversationId: entry.conversationId,
        channel: entry.channel,
        message: structuredClone(entry.message),
        createdAt: entry.createdAt,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: entry.createdAt,
        leaseUntil: null,
        lastError: null,
        deliveredAt: null,
      });
    }
  }

  function canonicalOutgoing(entries: readonly NewOutboxEntry[] | undefined): NewOutboxEntry[] {
    return (entries ?? []).map((entry) => ({ ...entry, createdAt: canonicalTime(entry.createdAt, 'outgoing.createdAt') }));
  }

  function readEvents(conversationId: string, options: ListEventsOptions): ConversationEvent[] {
    const log = eventsByConversation.get(conversationId) ?? [];
    const limit = options.limit === undefined ? Infinity : requirePositiveInteger(options.limit, 'limit');
    const types = options.types === undefined ? null : new Set<string>(options.types);
    const result: ConversationEvent[] = [];
    for (let index = Math.max(0, Math.floor(options.afterSeq ?? 0)); index < log.length && result.length < limit; index += 1) {
      const event = log[index]!;
      if (types !== null && !types.has(event.type)) continue;
      const seq = index + 1;
      result.push(
        readStoredEvent({ conversationId, seq, id: event.id, at: event.at, type: event.type, v: event.v, data: parseEventData(event.data, seq) }),
      );
    }
    return result;
  }

  return {
    kind: 'memory',

    conversations: {
      create: (conversation: NewConversation) =>
        run(() => {
          const createdAt = canonicalTime(conversation.createdAt, 'createdAt');
          const events = conversation.events.map(serializeEvent);
          const outgoing = canonicalOutgoing(conversation.outgoing);
          if (conversations.has(conversation.id)) throw conflict(`Conversation ${conversation.id} already exists`);
          if (conversationByToken.has(conversation.tokenHash)) throw conflict('Another conversation has this token hash');
          const address = conversation.address ?? null;
          const addressKey = address === null ? null : `${conversation.channel}\u0000${address}`;
          if (addressKey !== null && conversationByAddress.has(addressKey)) throw conflict(`Channel ${conversation.channel} already has a conversation at this address`);
          checkNewEventIds(events);
          checkNewOutboxEntries(outgoing, conversation.id);
          const row: ConversationRow = {
            id: conversation.id,
            botName: conversation.botName,
            channel: conversation.channel,
            userId: conversation.userId,
            address,
            tokenHash: conversation.tokenHash,
            createdAt,
            lastSeq: events.length,
          };
          conversations.set(row.id, row);
          conversationByToken.set(row.tokenHash, row.id);
          if (addressKey !== null) conversationByAddress.set(addressKey, row.id);
          appendEvents(row.id, events);
          queueOutboxEntries(outgoing);
          return toConversation(row);
        }),

      get: (id: string) =>
        run(() => {
          const row = conversations.get(id);
          return row ? toConversation(row) : null;
        }),

      findByTokenHash: (tokenHash: string) =>
        run(() => {
          const id = conversationByToken.get(tokenHash);
          const row = id === undefined ? undefined : conversations.get(id);
          return row ? toConversation(row) : null;
        }),

      findByAddress: (channel: string, address: string) =>
        run(() => {
          const id = conversationByAddress.get(`${channel}\u0000${address}`);
          const row = id === undefined ? undefined : conversations.get(id);
          return row ? toConversation(row) : null;
        }),

      listEvents: (conversationId: string, options: ListEventsOptions = {}) => run(() => readEvents(conversationId, options)),

      list: (options: { limit: number; cursor?: string | null }) =>
        run((): ConversationPage => {
          const limit = requirePositiveInteger(options.limit, 'limit');
          const cursor = options.cursor ? decodeCursor(options.cursor) : null;
          const rows = [...conversations.values()]
            .filter((row) => cursor === null || isAfterCursor(row, cursor))
            .sort(newestFirst)
            .slice(0, limit + 1);
          const page = rows.slice(0, limit);
          const last = page.at(-1);
          return {
            conversations: page.map(toConversation),
            nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
          };
        }),
    },

    inbox: {
      accept: (entry: NewInboxEntry) =>
        run(() => {
          const receivedAt = canonicalTime(entry.receivedAt, 'receivedAt');
          const key = clientIdKey(entry.conversationId, entry.channel, entry.clientMessageId);
          const existingId = inboxByClientId.get(key);
          if (existingId !== undefined) return { entry: toInboxEntry(inbox.get(existingId)!), duplicate: true, olderPending: false };
          if (inbox.has(entry.id)) throw conflict(`Inbox entry ${entry.id} already exists`);
          if (!conversations.has(entry.conversationId)) throw conversationNotFoundError(entry.conversationId);
          inboxSeq += 1;
          const row: InboxRow = {
            id: entry.id,
            seq: inboxSeq,
            conversationId: entry.conversationId,
            channel: entry.channel,
            clientMessageId: entry.clientMessageId,
            text: entry.text,
            receivedAt,
            status: 'pending',
            outcome: null,
            processedAt: null,
          };
          let olderPending = false;
          for (const other of inbox.values()) {
            if (other.conversationId === row.conversationId && other.status === 'pending') olderPending = true;
          }
          inbox.set(row.id, row);
          inboxByClientId.set(key, row.id);
          return { entry: toInboxEntry(row), duplicate: false, olderPending };
        }),

      get: (id: string) =>
        run(() => {
          const row = inbox.get(id);
          return row ? toInboxEntry(row) : null;
        }),

      pending: (conversationId: string, limit: number) =>
        run(() => {
          requirePositiveInteger(limit, 'limit');
          const result: InboxEntry[] = [];
          for (const row of inbox.values()) {
            if (result.length === limit) break;
            if (row.conversationId === conversationId && row.status === 'pending') result.push(toInboxEntry(row));
          }
          return result;
        }),

      conversationsWithPending: (limit: number) =>
        run(() => {
          requirePositiveInteger(limit, 'limit');
          const result = new Set<string>();
          for (const row of inbox.values()) {
            if (result.size >= limit) break;
            if (row.status === 'pending') result.add(row.conversationId);
          }
          return [...result];
        }),
    },

    outbox: {
      claimDue: (options: { limit: number; now: string; leaseMs: number }) =>
        run(() => {
          const limit = requirePositiveInteger(options.limit, 'limit');
          const now = canonicalTime(options.now, 'now');
          const leaseUntil = addMilliseconds(now, options.leaseMs);
          const due = [...outbox.values()]
            .filter((row) => row.status === 'pending' && row.nextAttemptAt <= now && (row.leaseUntil === null || row.leaseUntil <= now))
            .sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
            .slice(0, limit);
          for (const row of due) row.leaseUntil = leaseUntil;
          return due.map(toOutboxEntry);
        }),

      markDelivered: (ids: readonly string[], at: string) =>
        run(() => {
          const deliveredAt = canonicalTime(at, 'at');
          for (const id of ids) {
            const row = outbox.get(id);
            if (!row || row.status === 'delivered') continue;
            row.status = 'delivered';
            row.deliveredAt = deliveredAt;
            row.leaseUntil = null;
          }
        }),

      markAttemptFailed: (id: string, error: string, retryAt: string | null) =>
        run(() => {
          const nextAttemptAt = retryAt === null ? null : canonicalTime(retryAt, 'retryAt');
          const row = outbox.get(id);
          // Only a pending entry: a late failure report from a worker whose lease ran out must not
          // undo another worker's delivery.
          if (!row || row.status !== 'pending') return;
          row.attempts += 1;
          row.lastError = error;
          row.leaseUntil = null;
          if (nextAttemptAt === null) row.status = 'failed';
          else row.nextAttemptAt = nextAttemptAt;
        }),

      get: (id: string) =>
        run(() => {
          const row = outbox.get(id);
          return row ? toOutboxEntry(row) : null;
        }),

      countByStatus: () =>
        run(() => {
          const counts: Record<OutboxStatus, number> = { pending: 0, delivered: 0, failed: 0 };
          for (const row of outbox.values()) counts[row.status] += 1;
          return counts;
        }),
    },

    models: {
      save: (model: StoredModel) =>
        run(() => {
          if (!models.has(model.hash)) {
            models.set(model.hash, { ...model, createdAt: canonicalTime(model.createdAt, 'createdAt'), bytes: model.bytes.slice() });
          }
        }),
      get: (hash: string) =>
        run(() => {
          const model = models.get(hash);
          return model ? { ...model, bytes: model.bytes.slice() } : null;
        }),
      latest: (botName: string) =>
        run(() => {
          let latest: StoredModel | null = null;
          for (const model of models.values()) {
            if (model.botName !== botName) continue;
            if (!latest || model.createdAt > latest.createdAt || (model.createdAt === latest.createdAt && model.hash > latest.hash)) latest = model;
          }
          return latest ? { ...latest, bytes: latest.bytes.slice() } : null;
        }),
    },

    knowledge: {
      putDocument: (bot: string, document: KnowledgeDocument, ingestedAt: string) =>
        run(() => {
          const checked = checkKnowledgeDocument(bot, document, ingestedAt);
          const row: KnowledgeRow = {
            summary: { source: checked.source, title: checked.title, contentHash: checked.contentHash, chunks: checked.chunks.length, ingestedAt: checked.ingestedAt },
            chunks: checked.chunks.map(copyChunk),
            vectors: checked.vectors === null ? null : checked.vectors.values.map((vector) => new Float32Array(vector)),
            vectorModel: checked.vectors === null ? null : checked.vectors.model,
          };
          let documents = knowledge.get(bot);
          if (documents === undefined) {
            documents = new Map();
            knowledge.set(bot, documents);
          }
          documents.set(row.summary.source, row);
        }),

      removeDocument: (bot: string, source: string) =>
        run(() => {
          const documents = knowledge.get(bot);
          if (documents === undefined || !documents.delete(source)) return false;
          if (documents.size === 0) knowledge.delete(bot);
          return true;
        }),

      listDocuments: (bot: string) => run(() => knowledgeDocuments(bot).map((row) => ({ ...row.summary }))),

      loadChunks: (bot: string) =>
        run(() =>
          knowledgeDocuments(bot).flatMap((row) =>
            row.chunks.map((chunk, index) => ({
              chunk: copyChunk(chunk),
              vector: row.vectors === null ? null : new Float32Array(row.vectors[index]!),
              vectorModel: row.vectorModel,
            })),
          ),
        ),
    },

    apiKeys: {
      create: (key: ApiKeyRecord & { readonly secretHash: string }) =>
        run(() => {
          const row: ApiKeyRow = {
            id: key.id,
            name: key.name,
            scopes: [...key.scopes],
            secretHash: key.secretHash,
            createdAt: canonicalTime(key.createdAt, 'createdAt'),
            revokedAt: key.revokedAt === null ? null : canonicalTime(key.revokedAt, 'revokedAt'),
          };
          if (apiKeys.has(row.id)) throw conflict(`API key ${row.id} already exists`);
          if (apiKeyBySecret.has(row.secretHash)) throw conflict('Another API key has this secret hash');
          apiKeys.set(row.id, row);
          apiKeyBySecret.set(row.secretHash, row.id);
        }),

      findBySecretHash: (secretHash: string) =>
        run(() => {
          const id = apiKeyBySecret.get(secretHash);
          const row = id === undefined ? undefined : apiKeys.get(id);
          return row && row.revokedAt === null ? toApiKey(row) : null;
        }),

      list: () =>
        run(() =>
          [...apiKeys.values()]
            .sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
            .map(toApiKey),
        ),

      revoke: (id: string, at: string) =>
        run(() => {
          const revokedAt = canonicalTime(at, 'at');
          const row = apiKeys.get(id);
          if (!row || row.revokedAt !== null) return false;
          row.revokedAt = revokedAt;
          return true;
        }),
    },

    agents: {
      create: (agent: AgentRecord & { readonly passwordHash: string }) =>
        run(() => {
          const record: AgentRecord = {
            id: agent.id,
            name: agent.name,
            email: normaliseEmail(agent.email),
            role: agent.role,
            teams: [...agent.teams],
            capacity: agent.capacity,
            createdAt: canonicalTime(agent.createdAt, 'createdAt'),
            disabledAt: agent.disabledAt === null ? null : canonicalTime(agent.disabledAt, 'disabledAt'),
          };
          checkAgentFields(record);
          if (agents.has(record.id)) throw conflict(`Agent ${record.id} already exists`);
          if (agentByEmail.has(record.email)) throw conflict('Another agent has this email');
          agents.set(record.id, { record, passwordHash: agent.passwordHash });
          agentByEmail.set(record.email, record.id);
        }),

      findByEmail: (email: string) =>
        run(() => {
          const id = agentByEmail.get(normaliseEmail(email));
          const row = id === undefined ? undefined : agents.get(id);
          return row ? { agent: structuredClone(row.record), passwordHash: row.passwordHash } : null;
        }),

      get: (id: string) =>
        run(() => {
          const row = agents.get(id);
          return row ? structuredClone(row.record) : null;
        }),

      list: () =>
        run(() =>
          [...agents.values()]
            .map((row) => row.record)
            .sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
            .map((record) => structuredClone(record)),
        ),

      update: (id: string, changes: AgentChanges) =>
        run(() => {
          const row = agents.get(id);
          if (!row) return null;
          const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as AgentChanges;
          const next: AgentRecord = {
            ...row.record,
            ...structuredClone(given),
            ...(given.disabledAt !== undefined ? { disabledAt: given.disabledAt === null ? null : canonicalTime(given.disabledAt, 'disabledAt') } : {}),
          };
          checkAgentFields(next);
          row.record = next;
          return structuredClone(next);
        }),

      createSession: (session: NewAgentSession) =>
        run(() => {
          const createdAt = canonicalTime(session.createdAt, 'createdAt');
          const expiresAt = canonicalTime(session.expiresAt, 'expiresAt');
          if (!agents.has(session.agentId)) {
            throw new ParleyError('PARLEY_AGENT_NOT_FOUND', `Agent ${session.agentId} does not exist`, { details: { agentId: session.agentId } });
          }
          if (agentSessions.has(session.tokenHash)) throw conflict('Another session has this token hash');
          agentSessions.set(session.tokenHash, { agentId: session.agentId, createdAt, expiresAt });
        }),

      findSession: (tokenHash: string) =>
        run(() => {
          const session = agentSessions.get(tokenHash);
          return session ? { ...session } : null;
        }),

      touchSession: (tokenHash: string, expiresAt: string) =>
        run(() => {
          const canonical = canonicalTime(expiresAt, 'expiresAt');
          const session = agentSessions.get(tokenHash);
          if (session) agentSessions.set(tokenHash, { ...session, expiresAt: canonical });
        }),

      deleteSession: (tokenHash: string) => run(() => agentSessions.delete(tokenHash)),

      appendAudit: (record: AuditRecord) =>
        run(() => {
          const entry: AuditRecord = { ...structuredClone(record), at: canonicalTime(record.at, 'at') };
          if (auditLog.some((existing) => existing.id === entry.id)) throw conflict(`Audit record ${entry.id} already exists`);
          // Through JSON, as the SQLite store keeps the details.
          auditLog.push({ ...entry, details: JSON.parse(JSON.stringify(entry.details)) as Record<string, unknown> });
        }),

      listAudit: (options: ListAuditOptions) =>
        run(() => {
          const limit = requirePositiveInteger(options.limit, 'limit');
          const matching: { record: AuditRecord; seq: number }[] = [];
          auditLog.forEach((record, seq) => {
            if (options.conversationId === undefined || record.conversationId === options.conversationId) matching.push({ record, seq });
          });
          matching.sort((a, b) => (a.record.at !== b.record.at ? (a.record.at < b.record.at ? 1 : -1) : b.seq - a.seq));
          return matching.slice(0, limit).map(({ record }) => structuredClone(record));
        }),
    },

    handoffs: {
      open: (request: { conversationId: string; bot: string; team: string; reason: string; at: string }) =>
        run((): HandoffRecord => {
          const at = canonicalTime(request.at, 'at');
          if (!conversations.has(request.conversationId)) throw conversationNotFoundError(request.conversationId);
          const existing = openHandoff(request.conversationId);
          if (existing) return { ...existing };
          const row: Mutable<HandoffRecord> = {
            conversationId: request.conversationId,
            bot: request.bot,
            team: request.team,
            state: 'queued',
            reason: request.reason,
            queuedAt: at,
            agentId: null,
            assignedAt: null,
            firstResponseAt: null,
            slaBreachedAt: null,
            resolvedAt: null,
          };
          handoffs.set(row.conversationId, row);
          return { ...row };
        }),

      claim: (conversationId: string, agentId: string, at: string) =>
        run((): HandoffRecord | null => {
          const assignedAt = canonicalTime(at, 'at');
          const row = handoffs.get(conversationId);
          if (row?.state !== 'queued') return null;
          row.state = 'assigned';
          row.agentId = agentId;
          row.assignedAt = assignedAt;
          return { ...row };
        }),

      release: (conversationId: string) =>
        run((): HandoffRecord | null => {
          const row = handoffs.get(conversationId);
          if (row?.state !== 'assigned') return null;
          row.state = 'queued';
          row.agentId = null;
          row.assignedAt = null;
          return { ...row };
        }),

      transfer: (conversationId: string, team: string) =>
        run((): HandoffRecord | null => {
          const row = openHandoff(conversationId);
          if (!row) return null;
          row.team = team;
          row.state = 'queued';
          row.agentId = null;
          row.assignedAt = null;
          return { ...row };
        }),

      markFirstResponse: (conversationId: string, at: string) =>
        run(() => {
          const firstResponseAt = canonicalTime(at, 'at');
          const row = handoffs.get(conversationId);
          if (row && row.firstResponseAt === null) row.firstResponseAt = firstResponseAt;
        }),

      markSlaBreached: (conversationId: string, at: string) =>
        run(() => {
          const slaBreachedAt = canonicalTime(at, 'at');
          const row = handoffs.get(conversationId);
          if (!row || row.slaBreachedAt !== null) return false;
          row.slaBreachedAt = slaBreachedAt;
          return true;
        }),

      resolve: (conversationId: string, at: string) =>
        run((): HandoffRecord | null => {
          const resolvedAt = canonicalTime(at, 'at');
          const row = openHandoff(conversationId);
          if (!row) return null;
          row.state = 'resolved';
          row.resolvedAt = resolvedAt;
          return { ...row };
        }),

      get: (conversationId: string) =>
        run((): HandoffRecord | null => {
          const row = handoffs.get(conversationId);
          return row ? { ...row } : null;
        }),

      list: (filter: { states: readonly HandoffState[]; teams?: readonly string[]; agentId?: string; bot?: string; limit?: number }) =>
        run((): HandoffRecord[] => {
          const limit = filter.limit === undefined ? Infinity : requirePositiveInteger(filter.limit, 'limit');
          const states = new Set<string>(filter.states);
          const teams = filter.teams === undefined || filter.teams.length === 0 ? null : new Set(filter.teams);
          return [...handoffs.values()]
            .filter(
              (row) =>
                states.has(row.state) &&
                (teams === null || teams.has(row.team)) &&
                (filter.agentId === undefined || row.agentId === filter.agentId) &&
                (filter.bot === undefined || row.bot === filter.bot),
            )
            // queuedAt is canonical, so string order is time order; ids in BINARY order, as SQLite sorts them.
            .sort((a, b) => (a.queuedAt !== b.queuedAt ? (a.queuedAt < b.queuedAt ? -1 : 1) : compareCodePoints(a.conversationId, b.conversationId)))
            .slice(0, limit)
            .map((row) => ({ ...row }));
        }),
    },

    commitTurn: (commit: TurnCommit) =>
      run(() => {
        const events = commit.events.map(serializeEvent);
        const processedAt = canonicalTime(commit.processedAt, 'processedAt');
        const outgoing = canonicalOutgoing(commit.outgoing);
        const outcome = structuredClone(commit.outcome);

        // Every check comes before the first write: that is what makes the commit all-or-nothing.
        const conversation = conversations.get(commit.conversationId);
        if (!conversation) throw conversationNotFoundError(commit.conversationId);
        if (conversation.lastSeq !== commit.expectedLastSeq) {
          throw staleTurnError(commit.conversationId, commit.expectedLastSeq, conversation.lastSeq);
        }
        checkNewEventIds(events);
        checkNewOutboxEntries(outgoing);
        const inboxRow = inbox.get(commit.inboxId);
        if (!inboxRow || inboxRow.conversationId !== commit.conversationId || inboxRow.status !== 'pending') {
          throw inboxNotPendingError(commit.inboxId, commit.conversationId);
        }

        appendEvents(conversation.id, events);
        conversation.lastSeq += events.length;
        queueOutboxEntries(outgoing);
        inboxRow.status = 'processed';
        inboxRow.outcome = outcome;
        inboxRow.processedAt = processedAt;
        return { lastSeq: conversation.lastSeq };
      }),

    appendEvents: (append: EventsAppend) =>
      run(() => {
        const events = append.events.map(serializeEvent);
        const outgoing = canonicalOutgoing(append.outgoing);
        const conversation = conversations.get(append.conversationId);
        if (!conversation) throw conversationNotFoundError(append.conversationId);
        if (conversation.lastSeq !== append.expectedLastSeq) throw staleTurnError(append.conversationId, append.expectedLastSeq, conversation.lastSeq);
        checkNewEventIds(events);
        checkNewOutboxEntries(outgoing);
        appendEvents(conversation.id, events);
        conversation.lastSeq += events.length;
        queueOutboxEntries(outgoing);
        return { lastSeq: conversation.lastSeq };
      }),

    ping: () => run(() => undefined),

    close: async () => {
      closed = true;
    },
  };
}

import { Buffer } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ParleyError, isParleyError } from '../../core/errors.js';
import { readStoredEvent } from '../../core/events.js';
import type { ConversationEvent } from '../../core/events.js';
import type { AgentChanges, AgentRecord, AgentRole, AuditRecord, ListAuditOptions, NewAgentSession } from '../../core/agents.js';
import type { HandoffRecord, HandoffState } from '../../core/handoffs.js';
import type { KnowledgeChunk, KnowledgeDocument, KnowledgeDocumentSummary } from '../../core/knowledge.js';
import type {
  ApiKeyRecord,
  ApiKeyScope,
  ConversationPage,
  ConversationRecord,
  InboxEntry,
  InboxStatus,
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
import { checkKnowledgeDocument } from '../knowledge-support.js';
import type { CheckedKnowledgeDocument, CheckedKnowledgeVectors } from '../knowledge-support.js';
import { createGroupCommit } from './group-commit.js';
import { migrate } from './migrations.js';

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 answers synchronously, so every
 * method does its work in one go inside its promise; a method that writes more than one row does
 * so in one transaction.
 */

export interface SqliteStoreOptions {
  readonly file: string;
}

interface ConversationRow {
  id: string;
  bot_name: string;
  channel: string;
  user_id: string | null;
  address: string | null;
  created_at: string;
  last_seq: number;
}

interface EventRow {
  seq: number;
  id: string;
  at: string;
  type: string;
  v: number;
  data: string;
}

interface InboxRow {
  seq: number;
  id: string;
  conversation_id: string;
  channel: string;
  client_message_id: string;
  text: string;
  received_at: string;
  status: InboxStatus;
  outcome: string | null;
  processed_at: string | null;
}

interface OutboxRow {
  id: string;
  conversation_id: string;
  channel: string;
  message: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
}

interface ApiKeyRow {
  id: string;
  name: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

const conversationColumns = 'id, bot_name, channel, user_id, address, created_at, last_seq';
const inboxColumns = 'seq, id, conversation_id, channel, client_message_id, text, received_at, status, outcome, processed_at';
const outboxColumns = 'id, conversation_id, channel, message, status, attempts, next_attempt_at, last_error, created_at';
const apiKeyColumns = 'id, name, scopes, created_at, revoked_at';

function toConversation(row: ConversationRow): ConversationRecord {
  return { id: row.id, botName: row.bot_name, channel: row.channel, userId: row.user_id, address: row.address, createdAt: row.created_at, lastSeq: row.last_seq };
}

function toInboxEntry(row: InboxRow): InboxEntry {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    channel: row.channel,
    clientMessageId: row.client_message_id,
    text: row.text,
    receivedAt: row.received_at,
    seq: row.seq,
    status: row.status,
    outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as InboxEntry['outcome']),
    processedAt: row.processed_at,
  };
}

/** An outbox entry as it is written; the payload (a channel message or a webhook delivery) is JSON. */
interface SerializedOutboxEntry {
  readonly id: string;
  readonly conversationId: string;
  readonly channel: string;
  readonly message: string;
  readonly createdAt: string;
}

function serializeOutboxEntry(entry: NewOutboxEntry): SerializedOutboxEntry {
  return {
    id: entry.id,
    conversationId: entry.conversationId,
    channel: entry.channel,
    message: JSON.stringify(entry.message),
    createdAt: canonicalTime(entry.createdAt, 'outgoing.createdAt'),
  };
}

function toOutboxEntry(row: OutboxRow): OutboxEntry<OutboxPayload> {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    channel: row.channel,
    message: JSON.parse(row.message) as OutboxPayload,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
  };
}

interface AgentRow {
  id: string;
  name: string;
  email: string;
  role: AgentRole;
  teams: string;
  capacity: number;
  created_at: string;
  disabled_at: string | null;
}

interface AuditRow {
  id: string;
  at: string;
  agent_id: string | null;
  action: string;
  conversation_id: string | null;
  details: string;
}

const agentColumns = 'id, name, email, role, teams, capacity, created_at, disabled_at';
const auditColumns = 'id, at, agent_id, action, conversation_id, details';

function toAgent(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    teams: JSON.parse(row.teams) as string[],
    capacity: row.capacity,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

/** Emails are kept lower-cased (and trimmed), so the UNIQUE column is case-insensitive. */
function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function agentNotFoundError(agentId: string): ParleyError {
  return new ParleyError('PARLEY_AGENT_NOT_FOUND', `Agent ${agentId} does not exist`, { details: { agentId } });
}

/** The changes that are given: a field set to undefined keeps its value. */
function definedChanges(changes: AgentChanges): AgentChanges {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as AgentChanges;
}

function toAudit(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    agentId: row.agent_id,
    action: row.action,
    conversationId: row.conversation_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

interface HandoffRow {
  conversation_id: string;
  bot: string;
  team: string;
  state: HandoffState;
  reason: string;
  queued_at: string;
  agent_id: string | null;
  assigned_at: string | null;
  first_response_at: string | null;
  sla_breached_at: string | null;
  resolved_at: string | null;
}

const handoffColumns = 'conversation_id, bot, team, state, reason, queued_at, agent_id, assigned_at, first_response_at, sla_breached_at, resolved_at';

function toHandoff(row: HandoffRow): HandoffRecord {
  return {
    conversationId: row.conversation_id,
    bot: row.bot,
    team: row.team,
    state: row.state,
    reason: row.reason,
    queuedAt: row.queued_at,
    agentId: row.agent_id,
    assignedAt: row.assigned_at,
    firstResponseAt: row.first_response_at,
    slaBreachedAt: row.sla_breached_at,
    resolvedAt: row.resolved_at,
  };
}

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return { id: row.id, name: row.name, scopes: JSON.parse(row.scopes) as ApiKeyScope[], createdAt: row.created_at, revokedAt: row.revoked_at };
}

interface ModelRow {
  hash: string;
  bot_name: string;
  created_at: string;
  data: Buffer;
}

function toModel(row: ModelRow): StoredModel {
  return { hash: row.hash, botName: row.bot_name, createdAt: row.created_at, bytes: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength) };
}

interface KnowledgeDocumentRow {
  source: string;
  title: string;
  content_hash: string;
  chunk_count: number;
  ingested_at: string;
}

interface KnowledgeVectorsRow {
  source: string;
  vector_model: string;
  vector_dimensions: number;
  vectors: Buffer;
}

/** Read in raw mode (arrays, not objects): loading a bot's knowledge reads thousands of these. */
type KnowledgeChunkRow = [source: string, position: number, id: string, title: string, section: string | null, link: string | null, tags: string, text: string];

/** A chunk's columns as they are written. */
interface SerializedKnowledgeChunk {
  readonly position: number;
  readonly id: string;
  readonly title: string;
  readonly section: string | null;
  readonly link: string | null;
  readonly tags: string;
  readonly text: string;
}

type LoadedKnowledgeChunk = Awaited<ReturnType<ParleyStore['knowledge']['loadChunks']>>[number];

function toKnowledgeSummary(row: KnowledgeDocumentRow): KnowledgeDocumentSummary {
  return { source: row.source, title: row.title, contentHash: row.content_hash, chunks: row.chunk_count, ingestedAt: row.ingested_at };
}

/** Whether this machine keeps a float32 in little-endian byte order, the order of the vectors BLOB. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A document's vectors as one BLOB of little-endian float32 values, vector after vector. */
function encodeVectors(vectors: CheckedKnowledgeVectors): Buffer {
  const bytes = Buffer.alloc(vectors.values.length * vectors.dimensions * 4);
  let offset = 0;
  for (const vector of vectors.values) {
    if (LITTLE_ENDIAN) {
      bytes.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength), offset);
      offset += vector.byteLength;
    } else {
      for (const value of vector) offset = bytes.writeFloatLE(value, offset);
    }
  }
  return bytes;
}

/**
 * Copies a vectors BLOB into a Float32Array of its own: aligned (the driver's Buffer may start at
 * any byte) and detached from the driver's memory. The chunks' vectors are views of it.
 */
function decodeVectors(blob: Buffer): Float32Array {
  if (blob.byteLength % 4 !== 0) throw new ParleyError('PARLEY_INTERNAL', `A stored vectors BLOB has ${blob.byteLength} bytes, not a multiple of 4`);
  const values = new Float32Array(blob.byteLength / 4);
  if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(blob);
  else for (let index = 0; index < values.length; index += 1) values[index] = blob.readFloatLE(index * 4);
  return values;
}

function serializeKnowledgeChunk(chunk: KnowledgeChunk): SerializedKnowledgeChunk {
  return { position: chunk.position, id: chunk.id, title: chunk.title, section: chunk.section, link: chunk.link, tags: JSON.stringify(chunk.tags), text: chunk.text };
}

function byCreatedAtThenId(a: OutboxRow, b: OutboxRow): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Constraint violations become the port's typed errors; I/O trouble is worth a retry, the rest is a bug. */
function translateError(error: unknown): unknown {
  if (isParleyError(error) || !(error instanceof Database.SqliteError)) return error;
  const code = error.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new ParleyError('PARLEY_STORE_CONFLICT', 'A record with this key already exists', { cause: error });
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new ParleyError('PARLEY_CONVERSATION_NOT_FOUND', 'The conversation does not exist', { cause: error });
  }
  if (/^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|NOTADB|CORRUPT|PROTOCOL)/.test(code)) {
    return new ParleyError('PARLEY_STORE_UNAVAILABLE', `The SQLite store cannot be used right now (${code})`, { cause: error });
  }
  return new ParleyError('PARLEY_INTERNAL', `Unexpected SQLite error (${code})`, { cause: error });
}

function openDatabase(file: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives a crash of the process, which is the durability
    // Parley promises; only a power loss or OS crash may roll back the last few commits (the file
    // is never corrupted). FULL would add an fsync to every turn for little gain in that case.
    db.pragma('synchronous = NORMAL');
    // Another process (a CLI command, a second server) may hold the write lock for a moment.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    if (isParleyError(error)) throw error;
    throw new ParleyError('PARLEY_STORE_UNAVAILABLE', `Cannot open the SQLite store at ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export function openSqliteStore(options: SqliteStoreOptions): ParleyStore {
  const db = openDatabase(options.file);
  let closed = false;

  // Prepared once: compiling SQL is a noticeable share of a statement's cost on the hot path.
  const statements = {
    insertConversation: db.prepare<
      { id: string; botName: string; channel: string; userId: string | null; address: string | null; tokenHash: string; createdAt: string; lastSeq: number },
      never
    >(
      `INSERT INTO conversations (id, bot_name, channel, user_id, address, token_hash, created_at, last_seq)
       VALUES (@id, @botName, @channel, @userId, @address, @tokenHash, @createdAt, @lastSeq)`,
    ),
    conversationByAddress: db.prepare<[string, string], ConversationRow>(`SELECT ${conversationColumns} FROM conversations WHERE channel = ? AND address = ?`),
    conversationById: db.prepare<[string], ConversationRow>(`SELECT ${conversationColumns} FROM conversations WHERE id = ?`),
    conversationByToken: db.prepare<[string], ConversationRow>(`SELECT ${conversationColumns} FROM conversations WHERE token_hash = ?`),
    newestConversations: db.prepare<{ limit: number }, ConversationRow>(
      `SELECT ${conversationColumns} FROM conversations ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ),
    conversationsAfter: db.prepare<{ createdAt: string; id: string; limit: number }, ConversationRow>(
      `SELECT ${conversationColumns} FROM conversations
       WHERE (created_at, id) < (@createdAt, @id)
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ),
    /** The stale-turn check and the bump in one statement: it changes no row when another writer got in first. */
    advanceConversation: db.prepare<{ id: string; expectedLastSeq: number; count: number }, never>(
      'UPDATE conversations SET last_seq = last_seq + @count WHERE id = @id AND last_seq = @expectedLastSeq',
    ),
    // One statement for every filter combination: a null @types means all types, and a LIMIT of -1
    // means no limit.
    events: db.prepare<{ conversationId: string; afterSeq: number; types: string | null; limit: number }, EventRow>(
      `SELECT seq, id, at, type, v, data FROM events
       WHERE conversation_id = @conversationId AND seq > @afterSeq
         AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
       ORDER BY seq LIMIT @limit`,
    ),
    // The conflict target is only the sender's id: a clash on the entry's own id is a bug and must fail.
    olderPending: db.prepare<[string, number], { found: number }>(
      "SELECT EXISTS (SELECT 1 FROM inbox WHERE conversation_id = ? AND status = 'pending' AND seq < ?) AS found",
    ),
    acceptInbox: db.prepare<
      { id: string; conversationId: string; channel: string; clientMessageId: string; text: string; receivedAt: string },
      InboxRow
    >(
      `INSERT INTO inbox (id, conversation_id, channel, client_message_id, text, received_at)
       VALUES (@id, @conversationId, @channel, @clientMessageId, @text, @receivedAt)
       ON CONFLICT (conversation_id, channel, client_message_id) DO NOTHING
       RETURNING ${inboxColumns}`,
    ),
    inboxByClientId: db.prepare<{ conversationId: string; channel: string; clientMessageId: string }, InboxRow>(
      `SELECT ${inboxColumns} FROM inbox
       WHERE conversation_id = @conversationId AND channel = @channel AND client_message_id = @clientMessageId`,
    ),
    inboxById: db.prepare<[string], InboxRow>(`SELECT ${inboxColumns} FROM inbox WHERE id = ?`),
    pending: db.prepare<[string, number], InboxRow>(
      `SELECT ${inboxColumns} FROM inbox WHERE conversation_id = ? AND status = 'pending' ORDER BY seq LIMIT ?`,
    ),
    conversationsWithPending: db.prepare<[number], { conversation_id: string }>(
      `SELECT conversation_id FROM inbox WHERE status = 'pending'
       GROUP BY conversation_id ORDER BY MIN(seq) LIMIT ?`,
    ),
    closeInbox: db.prepare<{ id: string; conversationId: string; outcome: string; processedAt: string }, never>(
      `UPDATE inbox SET status = 'processed', outcome = @outcome, processed_at = @processedAt
       WHERE id = @id AND conversation_id = @conversationId AND status = 'pending'`,
    ),
    insertOutbox: db.prepare<SerializedOutboxEntry, never>(
      `INSERT INTO outbox (id, conversation_id, channel, message, next_attempt_at, created_at)
       VALUES (@id, @conversationId, @channel, @message, @createdAt, @createdAt)`,
    ),
    // Select and lease in one statement, which SQLite runs atomically: no second worker can claim
    // the same rows in between.
    claimDue: db.prepare<{ now: string; leaseUntil: string; limit: number }, OutboxRow>(
      `UPDATE outbox SET lease_until = @leaseUntil
       WHERE id IN (
         SELECT id FROM outbox
         WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
         ORDER BY created_at, id LIMIT @limit)
       RETURNING ${outboxColumns}`,
    ),
    markDelivered: db.prepare<{ id: string; at: string }, never>(
      `UPDATE outbox SET status = 'delivered', delivered_at = @at, lease_until = NULL
       WHERE id = @id AND status <> 'delivered'`,
    ),
    // Only a pending entry: a late failure report from a worker whose lease ran out must not undo
    // another worker's delivery.
    markAttemptFailed: db.prepare<{ id: string; error: string; retryAt: string | null }, never>(
      `UPDATE outbox SET attempts = attempts + 1, last_error = @error, lease_until = NULL,
         status = CASE WHEN @retryAt IS NULL THEN 'failed' ELSE status END,
         next_attempt_at = COALESCE(@retryAt, next_attempt_at)
       WHERE id = @id AND status = 'pending'`,
    ),
    outboxById: db.prepare<[string], OutboxRow>(`SELECT ${outboxColumns} FROM outbox WHERE id = ?`),
    outboxCounts: db.prepare<[], { status: OutboxStatus; count: number }>('SELECT status, COUNT(*) AS count FROM outbox GROUP BY status'),
    insertApiKey: db.prepare<
      { id: string; name: string; scopes: string; secretHash: string; createdAt: string; revokedAt: string | null },
      never
    >(
      `INSERT INTO api_keys (id, name, scopes, secret_hash, created_at, revoked_at)
       VALUES (@id, @name, @scopes, @secretHash, @createdAt, @revokedAt)`,
    ),
    apiKeyBySecret: db.prepare<[string], ApiKeyRow>(`SELECT ${apiKeyColumns} FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL`),
    saveModel: db.prepare<{ hash: string; botName: string; createdAt: string; data: Uint8Array }, never>(
      'INSERT INTO nlu_models (hash, bot_name, created_at, data) VALUES (@hash, @botName, @createdAt, @data) ON CONFLICT (hash) DO NOTHING',
    ),
    modelByHash: db.prepare<[string], ModelRow>('SELECT hash, bot_name, created_at, data FROM nlu_models WHERE hash = ?'),
    latestModel: db.prepare<[string], ModelRow>(
      'SELECT hash, bot_name, created_at, data FROM nlu_models WHERE bot_name = ? ORDER BY created_at DESC, hash DESC LIMIT 1',
    ),
    apiKeys: db.prepare<[], ApiKeyRow>(`SELECT ${apiKeyColumns} FROM api_keys ORDER BY created_at, id`),
    revokeApiKey: db.prepare<{ id: string; at: string }, never>('UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL'),
    ping: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),
    // An upsert, not INSERT OR REPLACE: replacing would delete the row and cascade to its chunks.
    putKnowledgeDocument: db.prepare<
      {
        bot: string;
        source: string;
        title: string;
        contentHash: string;
        chunkCount: number;
        ingestedAt: string;
        vectorModel: string | null;
        vectorDimensions: number | null;
        vectors: Buffer | null;
      },
      never
    >(
      `INSERT INTO knowledge_documents (bot, source, title, content_hash, chunk_count, ingested_at, vector_model, vector_dimensions, vectors)
       VALUES (@bot, @source, @title, @contentHash, @chunkCount, @ingestedAt, @vectorModel, @vectorDimensions, @vectors)
       ON CONFLICT (bot, source) DO UPDATE SET
         title = excluded.title, content_hash = excluded.content_hash, chunk_count = excluded.chunk_count,
         ingested_at = excluded.ingested_at, vector_model = excluded.vector_model,
         vector_dimensions = excluded.vector_dimensions, vectors = excluded.vectors`,
    ),
    deleteKnowledgeChunks: db.prepare<[string, string], never>('DELETE FROM knowledge_chunks WHERE bot = ? AND source = ?'),
    insertKnowledgeChunk: db.prepare<SerializedKnowledgeChunk & { bot: string; source: string }, never>(
      `INSERT INTO knowledge_chunks (bot, source, position, id, title, section, link, tags, text)
       VALUES (@bot, @source, @position, @id, @title, @section, @link, @tags, @text)`,
    ),
    deleteKnowledgeDocument: db.prepare<[string, string], never>('DELETE FROM knowledge_documents WHERE bot = ? AND source = ?'),
    knowledgeDocuments: db.prepare<[string], KnowledgeDocumentRow>(
      'SELECT source, title, content_hash, chunk_count, ingested_at FROM knowledge_documents WHERE bot = ? ORDER BY source',
    ),
    knowledgeVectors: db.prepare<[string], KnowledgeVectorsRow>(
      'SELECT source, vector_model, vector_dimensions, vectors FROM knowledge_documents WHERE bot = ? AND vectors IS NOT NULL',
    ),
    knowledgeChunks: db
      .prepare<[string], KnowledgeChunkRow>(
        'SELECT source, position, id, title, section, link, tags, text FROM knowledge_chunks WHERE bot = ? ORDER BY source, position',
      )
      .raw(true),
  };

  // A turn appends several events; one multi-row INSERT costs far less than one statement per row.
  // Statements are prepared per row count on first use (a turn has a handful of events).
  const insertEventRows = new Map<number, Database.Statement<unknown[], never>>();
  const EVENT_ROWS_PER_STATEMENT = 32;

  function insertEvents(conversationId: string, firstSeq: number, events: readonly SerializedEvent[]): void {
    for (let start = 0; start < events.length; start += EVENT_ROWS_PER_STATEMENT) {
      const chunk = events.slice(start, start + EVENT_ROWS_PER_STATEMENT);
      let statement = insertEventRows.get(chunk.length);
      if (!statement) {
        const rows = Array.from({ length: chunk.length }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
        statement = db.prepare<unknown[], never>(`INSERT INTO events (conversation_id, seq, id, at, type, v, data) VALUES ${rows}`);
        insertEventRows.set(chunk.length, statement);
      }
      const values: unknown[] = [];
      chunk.forEach((event, index) => values.push(conversationId, firstSeq + start + index, event.id, event.at, event.type, event.v, event.data));
      statement.run(...values);
    }
  }


  const createConversation = db.transaction(
    (conversation: NewConversation, createdAt: string, events: readonly SerializedEvent[], outgoing: readonly SerializedOutboxEntry[]) => {
      statements.insertConversation.run({
        id: conversation.id,
        botName: conversation.botName,
        channel: conversation.channel,
        userId: conversation.userId,
        address: conversation.address ?? null,
        tokenHash: conversation.tokenHash,
        createdAt,
        lastSeq: events.length,
      });
      insertEvents(conversation.id, 1, events);
      for (const entry of outgoing) statements.insertOutbox.run(entry);
    },
  );

  interface PreparedTurn {
    readonly commit: TurnCommit;
    readonly events: readonly SerializedEvent[];
    readonly outgoing: readonly SerializedOutboxEntry[];
    readonly outcome: string;
    readonly processedAt: string;
  }

  // The hot path: one UPDATE that checks and bumps last_seq, one INSERT per event and per
  // outgoing message, one UPDATE that closes the inbox entry. It runs inside the group commit's
  // savepoint, so a throw anywhere rolls back all of it and nothing else.
  function applyTurn({ commit, events, outgoing, outcome, processedAt }: PreparedTurn): { lastSeq: number } {
    const appended = applyAppend(commit, events, outgoing);
    const closedInbox = statements.closeInbox.run({ id: commit.inboxId, conversationId: commit.conversationId, outcome, processedAt });
    if (closedInbox.changes === 0) throw inboxNotPendingError(commit.inboxId, commit.conversationId);
    return appended;
  }

  /** Appends after the expected position (or refuses: the log moved on) and queues the outbox entries. */
  function applyAppend(append: Pick<EventsAppend, 'conversationId' | 'expectedLastSeq'>, events: readonly SerializedEvent[], outgoing: readonly SerializedOutboxEntry[]): { lastSeq: number } {
    const advanced = statements.advanceConversation.run({ id: append.conversationId, expectedLastSeq: append.expectedLastSeq, count: events.length });
    if (advanced.changes === 0) {
      const current = statements.conversationById.get(append.conversationId);
      if (!current) throw conversationNotFoundError(append.conversationId);
      throw staleTurnError(append.conversationId, append.expectedLastSeq, current.last_seq);
    }
    insertEvents(append.conversationId, append.expectedLastSeq + 1, events);
    for (const entry of outgoing) statements.insertOutbox.run(entry);
    return { lastSeq: append.expectedLastSeq + events.length };
  }

  // Knowledge writes are rare and large (a whole document), so they are plain transactions rather
  // than group-commit writes. better-sqlite3 is synchronous and the group commit runs a batch from
  // BEGIN to COMMIT in one call, so a batch is never open while one of these runs.
  const putKnowledgeDocument = db.transaction(
    (bot: string, document: CheckedKnowledgeDocument, chunks: readonly SerializedKnowledgeChunk[], vectors: Buffer | null) => {
      // The document row first: the chunks' foreign key needs it.
      statements.putKnowledgeDocument.run({
        bot,
        source: document.source,
        title: document.title,
        contentHash: document.contentHash,
        chunkCount: chunks.length,
        ingestedAt: document.ingestedAt,
        vectorModel: document.vectors?.model ?? null,
        vectorDimensions: document.vectors?.dimensions ?? null,
        vectors,
      });
      statements.deleteKnowledgeChunks.run(bot, document.source);
      for (const chunk of chunks) statements.insertKnowledgeChunk.run({ bot, source: document.source, ...chunk });
    },
  );

  const removeKnowledgeDocument = db.transaction((bot: string, source: string): boolean => {
    statements.deleteKnowledgeChunks.run(bot, source);
    return statements.deleteKnowledgeDocument.run(bot, source).changes > 0;
  });

  // Both reads in one transaction: one snapshot, so the vectors match the chunks even while
  // another connection replaces a document.
  const readKnowledge = db.transaction((bot: string) => ({
    vectors: statements.knowledgeVectors.all(bot),
    chunks: statements.knowledgeChunks.all(bot),
  }));

  function loadKnowledgeChunks(bot: string): LoadedKnowledgeChunk[] {
    const { vectors, chunks } = readKnowledge(bot);
    const vectorsBySource = new Map<string, { model: string; dimensions: number; values: Float32Array }>();
    for (const row of vectors) {
      vectorsBySource.set(row.source, { model: row.vector_model, dimensions: row.vector_dimensions, values: decodeVectors(row.vectors) });
    }
    const result = new Array<LoadedKnowledgeChunk>(chunks.length);
    for (let index = 0; index < chunks.length; index += 1) {
      const [source, position, id, title, section, link, tags, text] = chunks[index]!;
      const documentVectors = vectorsBySource.get(source);
      let vector: Float32Array | null = null;
      if (documentVectors !== undefined) {
        const start = position * documentVectors.dimensions;
        const end = start + documentVectors.dimensions;
        if (end > documentVectors.values.length) {
          throw new ParleyError('PARLEY_INTERNAL', `The stored vectors of knowledge document ${JSON.stringify(source)} do not reach chunk ${position}`);
        }
        vector = documentVectors.values.subarray(start, end);
      }
      result[index] = {
        chunk: { id, source, title, section, position, text, link, tags: JSON.parse(tags) as string[] },
        vector,
        vectorModel: documentVectors === undefined ? null : documentVectors.model,
      };
    }
    return result;
  }

  // Agent accounts are rare writes (a sign-in, an admin's change): plain statements, no group commit.
  const agentStatements = {
    insert: db.prepare<
      { id: string; name: string; email: string; role: string; teams: string; capacity: number; passwordHash: string; createdAt: string; disabledAt: string | null },
      never
    >(
      `INSERT INTO agents (id, name, email, role, teams, capacity, password_hash, created_at, disabled_at)
       VALUES (@id, @name, @email, @role, @teams, @capacity, @passwordHash, @createdAt, @disabledAt)`,
    ),
    byEmail: db.prepare<[string], AgentRow & { password_hash: string }>(`SELECT ${agentColumns}, password_hash FROM agents WHERE email = ?`),
    byId: db.prepare<[string], AgentRow>(`SELECT ${agentColumns} FROM agents WHERE id = ?`),
    all: db.prepare<[], AgentRow>(`SELECT ${agentColumns} FROM agents ORDER BY created_at, id`),
    update: db.prepare<{ id: string; name: string; role: string; teams: string; capacity: number; disabledAt: string | null }, AgentRow>(
      `UPDATE agents SET name = @name, role = @role, teams = @teams, capacity = @capacity, disabled_at = @disabledAt
       WHERE id = @id RETURNING ${agentColumns}`,
    ),
    insertSession: db.prepare<NewAgentSession, never>(
      'INSERT INTO agent_sessions (token_hash, agent_id, created_at, expires_at) VALUES (@tokenHash, @agentId, @createdAt, @expiresAt)',
    ),
    session: db.prepare<[string], { agent_id: string; created_at: string; expires_at: string }>(
      'SELECT agent_id, created_at, expires_at FROM agent_sessions WHERE token_hash = ?',
    ),
    touchSession: db.prepare<{ tokenHash: string; expiresAt: string }, never>('UPDATE agent_sessions SET expires_at = @expiresAt WHERE token_hash = @tokenHash'),
    deleteSession: db.prepare<[string], never>('DELETE FROM agent_sessions WHERE token_hash = ?'),
    insertAudit: db.prepare<{ id: string; at: string; agentId: string | null; action: string; conversationId: string | null; details: string }, never>(
      `INSERT INTO audit_log (id, at, agent_id, action, conversation_id, details)
       VALUES (@id, @at, @agentId, @action, @conversationId, @details)`,
    ),
    audit: db.prepare<[number], AuditRow>(`SELECT ${auditColumns} FROM audit_log ORDER BY at DESC, seq DESC LIMIT ?`),
    auditOfConversation: db.prepare<[string, number], AuditRow>(
      `SELECT ${auditColumns} FROM audit_log WHERE conversation_id = ? ORDER BY at DESC, seq DESC LIMIT ?`,
    ),
  };

  // The handoff queue: every change of state is one conditional statement, atomic on its own, so
  // no transaction is needed and two agents racing for one conversation cannot both win.
  const handoffStatements = {
    // A new record, or a resolved one opened again; an open one is left alone (no row returned).
    open: db.prepare<{ conversationId: string; bot: string; team: string; reason: string; at: string }, HandoffRow>(
      `INSERT INTO handoffs (conversation_id, bot, team, state, reason, queued_at)
       VALUES (@conversationId, @bot, @team, 'queued', @reason, @at)
       ON CONFLICT (conversation_id) DO UPDATE SET
         bot = excluded.bot, team = excluded.team, state = 'queued', reason = excluded.reason, queued_at = excluded.queued_at,
         agent_id = NULL, assigned_at = NULL, first_response_at = NULL, sla_breached_at = NULL, resolved_at = NULL
       WHERE handoffs.state = 'resolved'
       RETURNING ${handoffColumns}`,
    ),
    claim: db.prepare<{ conversationId: string; agentId: string; at: string }, HandoffRow>(
      `UPDATE handoffs SET state = 'assigned', agent_id = @agentId, assigned_at = @at
       WHERE conversation_id = @conversationId AND state = 'queued'
       RETURNING ${handoffColumns}`,
    ),
    release: db.prepare<[string], HandoffRow>(
      `UPDATE handoffs SET state = 'queued', agent_id = NULL, assigned_at = NULL
       WHERE conversation_id = ? AND state = 'assigned'
       RETURNING ${handoffColumns}`,
    ),
    transfer: db.prepare<{ conversationId: string; team: string }, HandoffRow>(
      `UPDATE handoffs SET team = @team, state = 'queued', agent_id = NULL, assigned_at = NULL
       WHERE conversation_id = @conversationId AND state IN ('queued', 'assigned')
       RETURNING ${handoffColumns}`,
    ),
    markFirstResponse: db.prepare<{ conversationId: string; at: string }, never>(
      'UPDATE handoffs SET first_response_at = @at WHERE conversation_id = @conversationId AND first_response_at IS NULL',
    ),
    markSlaBreached: db.prepare<{ conversationId: string; at: string }, never>(
      'UPDATE handoffs SET sla_breached_at = @at WHERE conversation_id = @conversationId AND sla_breached_at IS NULL',
    ),
    resolve: db.prepare<{ conversationId: string; at: string }, HandoffRow>(
      `UPDATE handoffs SET state = 'resolved', resolved_at = @at
       WHERE conversation_id = @conversationId AND state IN ('queued', 'assigned')
       RETURNING ${handoffColumns}`,
    ),
    byId: db.prepare<[string], HandoffRow>(`SELECT ${handoffColumns} FROM handoffs WHERE conversation_id = ?`),
    // One statement for every filter combination: a null filter matches everything, a LIMIT of -1
    // means no limit.
    list: db.prepare<{ states: string; teams: string | null; agentId: string | null; bot: string | null; limit: number }, HandoffRow>(
      `SELECT ${handoffColumns} FROM handoffs
       WHERE state IN (SELECT value FROM json_each(@states))
         AND (@teams IS NULL OR team IN (SELECT value FROM json_each(@teams)))
         AND (@agentId IS NULL OR agent_id = @agentId)
         AND (@bot IS NULL OR bot = @bot)
       ORDER BY queued_at, conversation_id LIMIT @limit`,
    ),
  };

  /** Read and write in one transaction, so two admins' changes to one agent never mix. */
  const updateAgent = db.transaction((id: string, changes: AgentChanges): AgentRecord | null => {
    const row = agentStatements.byId.get(id);
    if (!row) return null;
    const current = toAgent(row);
    const next = { ...current, ...definedChanges(changes) };
    const updated = agentStatements.update.get({
      id,
      name: next.name,
      role: next.role,
      teams: JSON.stringify(next.teams),
      capacity: next.capacity,
      disabledAt: next.disabledAt === null ? null : canonicalTime(next.disabledAt, 'disabledAt'),
    });
    return updated ? toAgent(updated) : null;
  });

  const createAgentSession = db.transaction((session: NewAgentSession) => {
    if (!agentStatements.byId.get(session.agentId)) throw agentNotFoundError(session.agentId);
    agentStatements.insertSession.run(session);
  });

  const markDeliveredTransaction = db.transaction((ids: readonly string[], at: string) => {
    for (const id of ids) statements.markDelivered.run({ id, at });
  });

  /** Every method goes through here: refuses work once closed and speaks the port's error codes. */
  async function run<T>(work: () => T): Promise<T> {
    if (closed) throw storeClosedError('sqlite');
    try {
      return work();
    } catch (error) {
      throw translateError(error);
    }
  }

  const groupCommit = createGroupCommit(db, translateError);

  /** For the hot-path writes: validated and encoded now, written with the next group commit. */
  async function write<T>(prepare: () => () => T): Promise<T> {
    if (closed) throw storeClosedError('sqlite');
    let work: () => T;
    try {
      work = prepare();
    } catch (error) {
      throw translateError(error);
    }
    return groupCommit.submit(work);
  }

  return {
    kind: 'sqlite',

    conversations: {
      create: (conversation: NewConversation) =>
        run(() => {
          const createdAt = canonicalTime(conversation.createdAt, 'createdAt');
          const events = conversation.events.map(serializeEvent);
          const outgoing = (conversation.outgoing ?? []).map(serializeOutboxEntry);
          createConversation.immediate(conversation, createdAt, events, outgoing);
          return toConversation({
            id: conversation.id,
            bot_name: conversation.botName,
            channel: conversation.channel,
            user_id: conversation.userId,
            address: conversation.address ?? null,
            created_at: createdAt,
            last_seq: events.length,
          });
        }),

      get: (id: string) =>
        run(() => {
          const row = statements.conversationById.get(id);
          return row ? toConversation(row) : null;
        }),

      findByTokenHash: (tokenHash: string) =>
        run(() => {
          const row = statements.conversationByToken.get(tokenHash);
          return row ? toConversation(row) : null;
        }),

      findByAddress: (channel: string, address: string) =>
        run(() => {
          const row = statements.conversationByAddress.get(channel, address);
          return row ? toConversation(row) : null;
        }),

      listEvents: (conversationId: string, options: ListEventsOptions = {}) =>
        run((): ConversationEvent[] => {
          const rows = statements.events.all({
            conversationId,
            afterSeq: options.afterSeq ?? 0,
            types: options.types === undefined ? null : JSON.stringify(options.types),
            limit: options.limit === undefined ? -1 : requirePositiveInteger(options.limit, 'limit'),
          });
          return rows.map((row) =>
            readStoredEvent({
              conversationId,
              seq: row.seq,
              id: row.id,
              at: row.at,
              type: row.type,
              v: row.v,
              data: parseEventData(row.data, row.seq),
            }),
          );
        }),

      list: (options: { limit: number; cursor?: string | null }) =>
        run((): ConversationPage => {
          const limit = requirePositiveInteger(options.limit, 'limit');
          // One row more than asked tells whether there is a next page without a second query.
          const rows = options.cursor
            ? statements.conversationsAfter.all({ ...decodeCursor(options.cursor), limit: limit + 1 })
            : statements.newestConversations.all({ limit: limit + 1 });
          const page = rows.slice(0, limit);
          const last = page.at(-1);
          return {
            conversations: page.map(toConversation),
            nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
          };
        }),
    },

    inbox: {
      accept: (entry: NewInboxEntry) =>
        write(() => {
          const receivedAt = canonicalTime(entry.receivedAt, 'receivedAt');
          return () => {
            const inserted = statements.acceptInbox.get({
              id: entry.id,
              conversationId: entry.conversationId,
              channel: entry.channel,
              clientMessageId: entry.clientMessageId,
              text: entry.text,
              receivedAt,
            });
            if (inserted) {
              const older = statements.olderPending.get(inserted.conversation_id, inserted.seq)!.found === 1;
              return { entry: toInboxEntry(inserted), duplicate: false, olderPending: older };
            }
            const existing = statements.inboxByClientId.get({
              conversationId: entry.conversationId,
              channel: entry.channel,
              clientMessageId: entry.clientMessageId,
            });
            if (!existing) throw new ParleyError('PARLEY_INTERNAL', 'An inbox entry conflicted but cannot be found');
            return { entry: toInboxEntry(existing), duplicate: true, olderPending: false };
          };
        }),

      get: (id: string) =>
        run(() => {
          const row = statements.inboxById.get(id);
          return row ? toInboxEntry(row) : null;
        }),

      pending: (conversationId: string, limit: number) =>
        run(() => statements.pending.all(conversationId, requirePositiveInteger(limit, 'limit')).map(toInboxEntry)),

      conversationsWithPending: (limit: number) =>
        run(() => statements.conversationsWithPending.all(requirePositiveInteger(limit, 'limit')).map((row) => row.conversation_id)),
    },

    outbox: {
      claimDue: (claim: { limit: number; now: string; leaseMs: number }) =>
        run(() => {
          const now = canonicalTime(claim.now, 'now');
          const rows = statements.claimDue.all({
            now,
            leaseUntil: addMilliseconds(now, claim.leaseMs),
            limit: requirePositiveInteger(claim.limit, 'limit'),
          });
          // RETURNING does not promise an order.
          return rows.sort(byCreatedAtThenId).map(toOutboxEntry);
        }),

      markDelivered: (ids: readonly string[], at: string) =>
        run(() => {
          markDeliveredTransaction.immediate(ids, canonicalTime(at, 'at'));
        }),

      markAttemptFailed: (id: string, error: string, retryAt: string | null) =>
        run(() => {
          statements.markAttemptFailed.run({ id, error, retryAt: retryAt === null ? null : canonicalTime(retryAt, 'retryAt') });
        }),

      get: (id: string) =>
        run(() => {
          const row = statements.outboxById.get(id);
          return row ? toOutboxEntry(row) : null;
        }),

      countByStatus: () =>
        run(() => {
          const counts: Record<OutboxStatus, number> = { pending: 0, delivered: 0, failed: 0 };
          for (const row of statements.outboxCounts.all()) counts[row.status] = row.count;
          return counts;
        }),
    },

    models: {
      save: (model: StoredModel) =>
        run(() => {
          statements.saveModel.run({ hash: model.hash, botName: model.botName, createdAt: canonicalTime(model.createdAt, 'createdAt'), data: model.bytes });
        }),
      get: (hash: string) =>
        run(() => {
          const row = statements.modelByHash.get(hash);
          return row ? toModel(row) : null;
        }),
      latest: (botName: string) =>
        run(() => {
          const row = statements.latestModel.get(botName);
          return row ? toModel(row) : null;
        }),
    },

    knowledge: {
      putDocument: (bot: string, document: KnowledgeDocument, ingestedAt: string) =>
        run(() => {
          // Checked and encoded before BEGIN, so the write lock is held only for the writes.
          const checked = checkKnowledgeDocument(bot, document, ingestedAt);
          const chunks = checked.chunks.map(serializeKnowledgeChunk);
          const vectors = checked.vectors === null ? null : encodeVectors(checked.vectors);
          putKnowledgeDocument.immediate(bot, checked, chunks, vectors);
        }),

      removeDocument: (bot: string, source: string) => run(() => removeKnowledgeDocument.immediate(bot, source)),

      listDocuments: (bot: string) => run(() => statements.knowledgeDocuments.all(bot).map(toKnowledgeSummary)),

      loadChunks: (bot: string) => run(() => loadKnowledgeChunks(bot)),
    },

    apiKeys: {
      create: (key: ApiKeyRecord & { readonly secretHash: string }) =>
        run(() => {
          statements.insertApiKey.run({
            id: key.id,
            name: key.name,
            scopes: JSON.stringify(key.scopes),
            secretHash: key.secretHash,
            createdAt: canonicalTime(key.createdAt, 'createdAt'),
            revokedAt: key.revokedAt === null ? null : canonicalTime(key.revokedAt, 'revokedAt'),
          });
        }),

      findBySecretHash: (secretHash: string) =>
        run(() => {
          const row = statements.apiKeyBySecret.get(secretHash);
          return row ? toApiKey(row) : null;
        }),

      list: () => run(() => statements.apiKeys.all().map(toApiKey)),

      revoke: (id: string, at: string) => run(() => statements.revokeApiKey.run({ id, at: canonicalTime(at, 'at') }).changes > 0),
    },

    agents: {
      create: (agent: AgentRecord & { readonly passwordHash: string }) =>
        run(() => {
          agentStatements.insert.run({
            id: agent.id,
            name: agent.name,
            email: normaliseEmail(agent.email),
            role: agent.role,
            teams: JSON.stringify(agent.teams),
            capacity: agent.capacity,
            passwordHash: agent.passwordHash,
            createdAt: canonicalTime(agent.createdAt, 'createdAt'),
            disabledAt: agent.disabledAt === null ? null : canonicalTime(agent.disabledAt, 'disabledAt'),
          });
        }),

      findByEmail: (email: string) =>
        run(() => {
          const row = agentStatements.byEmail.get(normaliseEmail(email));
          return row ? { agent: toAgent(row), passwordHash: row.password_hash } : null;
        }),

      get: (id: string) =>
        run(() => {
          const row = agentStatements.byId.get(id);
          return row ? toAgent(row) : null;
        }),

      list: () => run(() => agentStatements.all.all().map(toAgent)),

      update: (id: string, changes: AgentChanges) => run(() => updateAgent.immediate(id, changes)),

      createSession: (session: NewAgentSession) =>
        run(() => {
          createAgentSession.immediate({
            tokenHash: session.tokenHash,
            agentId: session.agentId,
            createdAt: canonicalTime(session.createdAt, 'createdAt'),
            expiresAt: canonicalTime(session.expiresAt, 'expiresAt'),
          });
        }),

      findSession: (tokenHash: string) =>
        run(() => {
          const row = agentStatements.session.get(tokenHash);
          return row ? { agentId: row.agent_id, createdAt: row.created_at, expiresAt: row.expires_at } : null;
        }),

      touchSession: (tokenHash: string, expiresAt: string) =>
        run(() => {
          agentStatements.touchSession.run({ tokenHash, expiresAt: canonicalTime(expiresAt, 'expiresAt') });
        }),

      deleteSession: (tokenHash: string) => run(() => agentStatements.deleteSession.run(tokenHash).changes > 0),

      appendAudit: (record: AuditRecord) =>
        run(() => {
          agentStatements.insertAudit.run({
            id: record.id,
            at: canonicalTime(record.at, 'at'),
            agentId: record.agentId,
            action: record.action,
            conversationId: record.conversationId,
            details: JSON.stringify(record.details),
          });
        }),

      listAudit: (options: ListAuditOptions) =>
        run(() => {
          const limit = requirePositiveInteger(options.limit, 'limit');
          const rows =
            options.conversationId === undefined
              ? agentStatements.audit.all(limit)
              : agentStatements.auditOfConversation.all(options.conversationId, limit);
          return rows.map(toAudit);
        }),
    },

    handoffs: {
      open: (request: { conversationId: string; bot: string; team: string; reason: string; at: string }) =>
        run(() => {
          const at = canonicalTime(request.at, 'at');
          let opened: HandoffRow | undefined;
          try {
            opened = handoffStatements.open.get({ conversationId: request.conversationId, bot: request.bot, team: request.team, reason: request.reason, at });
          } catch (error) {
            if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw conversationNotFoundError(request.conversationId);
            throw error;
          }
          if (opened) return toHandoff(opened);
          // Already open: returned as it is.
          const existing = handoffStatements.byId.get(request.conversationId);
          if (!existing) throw new ParleyError('PARLEY_INTERNAL', `The handoff of conversation ${request.conversationId} conflicted but cannot be found`);
          return toHandoff(existing);
        }),

      claim: (conversationId: string, agentId: string, at: string) =>
        run(() => {
          const row = handoffStatements.claim.get({ conversationId, agentId, at: canonicalTime(at, 'at') });
          return row ? toHandoff(row) : null;
        }),

      release: (conversationId: string) =>
        run(() => {
          const row = handoffStatements.release.get(conversationId);
          return row ? toHandoff(row) : null;
        }),

      transfer: (conversationId: string, team: string) =>
        run(() => {
          const row = handoffStatements.transfer.get({ conversationId, team });
          return row ? toHandoff(row) : null;
        }),

      markFirstResponse: (conversationId: string, at: string) =>
        run(() => {
          handoffStatements.markFirstResponse.run({ conversationId, at: canonicalTime(at, 'at') });
        }),

      markSlaBreached: (conversationId: string, at: string) =>
        run(() => handoffStatements.markSlaBreached.run({ conversationId, at: canonicalTime(at, 'at') }).changes > 0),

      resolve: (conversationId: string, at: string) =>
        run(() => {
          const row = handoffStatements.resolve.get({ conversationId, at: canonicalTime(at, 'at') });
          return row ? toHandoff(row) : null;
        }),

      get: (conversationId: string) =>
        run(() => {
          const row = handoffStatements.byId.get(conversationId);
          return row ? toHandoff(row) : null;
        }),

      list: (filter: { states: readonly HandoffState[]; teams?: readonly string[]; agentId?: string; bot?: string; limit?: number }) =>
        run(() =>
          handoffStatements.list
            .all({
              states: JSON.stringify(filter.states),
              teams: filter.teams === undefined || filter.teams.length === 0 ? null : JSON.stringify(filter.teams),
              agentId: filter.agentId ?? null,
              bot: filter.bot ?? null,
              limit: filter.limit === undefined ? -1 : requirePositiveInteger(filter.limit, 'limit'),
            })
            .map(toHandoff),
        ),
    },

    commitTurn: (commit: TurnCommit) =>
      write(() => {
        // Validation and JSON encoding happen before BEGIN, so the write lock is held only for the writes.
        const prepared: PreparedTurn = {
          commit,
          events: commit.events.map(serializeEvent),
          outgoing: commit.outgoing.map(serializeOutboxEntry),
          outcome: JSON.stringify(commit.outcome),
          processedAt: canonicalTime(commit.processedAt, 'processedAt'),
        };
        return () => applyTurn(prepared);
      }),

    appendEvents: (append: EventsAppend) =>
      write(() => {
        const events = append.events.map(serializeEvent);
        const outgoing = append.outgoing.map(serializeOutboxEntry);
        return () => applyAppend(append, events, outgoing);
      }),

    ping: () =>
      run(() => {
        statements.ping.get();
      }),

    close: async () => {
      if (closed) return;
      groupCommit.flush();
      closed = true;
      db.close();
    },
  };
}

import type Database from 'better-sqlite3';
import { ParleyError } from '../../core/errors.js';
import { systemClock } from '../../core/runtime.js';
import type { Clock } from '../../core/ports.js';

/**
 * The SQLite schema, one step at a time. A released migration is never edited: a change is a new
 * entry at the end, so every database, however old, reaches the same schema by the same path.
 */

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        bot_name TEXT NOT NULL,
        channel TEXT NOT NULL,
        user_id TEXT,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX conversations_newest ON conversations (created_at DESC, id DESC);

      -- Clustered by (conversation, seq): reading a conversation's log is one range scan.
      CREATE TABLE events (
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        seq INTEGER NOT NULL,
        id TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        type TEXT NOT NULL,
        v INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      ) STRICT, WITHOUT ROWID;

      -- AUTOINCREMENT, not a plain rowid: seq is the order of arrival and must never be handed out
      -- twice, even after old entries are deleted by retention.
      CREATE TABLE inbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        channel TEXT NOT NULL,
        client_message_id TEXT NOT NULL,
        text TEXT NOT NULL,
        received_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processed')),
        outcome TEXT,
        processed_at TEXT,
        UNIQUE (conversation_id, channel, client_message_id)
      ) STRICT;
      -- Partial: processed entries (nearly all of them) cost this index nothing.
      CREATE INDEX inbox_pending ON inbox (conversation_id, seq) WHERE status = 'pending';

      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        channel TEXT NOT NULL,
        message TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        lease_until TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        delivered_at TEXT
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        secret_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'nlu models',
    sql: `
      CREATE TABLE nlu_models (
        hash TEXT PRIMARY KEY,
        bot_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        data BLOB NOT NULL
      ) STRICT;
      CREATE INDEX nlu_models_latest ON nlu_models (bot_name, created_at DESC, hash DESC);
    `,
  },
  {
    version: 3,
    name: 'channel addresses',
    sql: `
      -- One conversation per channel address: two webhooks racing to start it cannot make two.
      ALTER TABLE conversations ADD COLUMN address TEXT;
      CREATE UNIQUE INDEX conversations_address ON conversations (channel, address) WHERE address IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'knowledge base',
    sql: `
      -- A bot's documents, each replaced whole when it is ingested again. Its vectors (if any) are
      -- one BLOB: chunk_count × vector_dimensions little-endian float32 values in chunk order.
      -- One BLOB per document instead of one per chunk keeps the chunk rows small and makes
      -- loading a bot's knowledge read one value per document. The BLOB is the last column, so
      -- listing documents never reads its overflow pages.
      CREATE TABLE knowledge_documents (
        bot TEXT NOT NULL,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        chunk_count INTEGER NOT NULL CHECK (chunk_count >= 0),
        ingested_at TEXT NOT NULL,
        vector_model TEXT,
        vector_dimensions INTEGER,
        vectors BLOB,
        PRIMARY KEY (bot, source),
        CHECK (
          (vector_model IS NULL AND vector_dimensions IS NULL AND vectors IS NULL)
          OR (vector_model IS NOT NULL AND vector_dimensions > 0 AND length(vectors) = chunk_count * vector_dimensions * 4)
        )
      ) STRICT;

      -- A rowid table, not WITHOUT ROWID: a chunk row (~1 KB of text) is more than a WITHOUT ROWID
      -- b-tree keeps on its page, so every row would spill to an overflow page (measured: a file
      -- 2.7 times the size, loading 1.6 times slower). A document's chunks are inserted together,
      -- so they sit together in rowid order, and the primary key index gives (source, position)
      -- order. The text is the last column.
      CREATE TABLE knowledge_chunks (
        bot TEXT NOT NULL,
        source TEXT NOT NULL,
        position INTEGER NOT NULL,
        id TEXT NOT NULL,
        title TEXT NOT NULL,
        section TEXT,
        link TEXT,
        tags TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (bot, source, position),
        FOREIGN KEY (bot, source) REFERENCES knowledge_documents (bot, source) ON DELETE CASCADE
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'agent accounts',
    sql: `
      -- The people of the agent console. The email is stored lower-cased, so UNIQUE is
      -- case-insensitive; the password is a scrypt hash (scrypt$N$r$p$salt$hash).
      CREATE TABLE agents (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('agent', 'admin')),
        teams TEXT NOT NULL,
        capacity INTEGER NOT NULL CHECK (capacity >= 0),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        disabled_at TEXT
      ) STRICT;

      -- Signed-in sessions, by the SHA-256 of their token.
      CREATE TABLE agent_sessions (
        token_hash TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL REFERENCES agents (id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX agent_sessions_agent ON agent_sessions (agent_id);

      -- Append-only. No foreign keys: a record outlives what it names, and a failed sign-in may
      -- name no agent. seq is the order of appending, the tie-break of equal times.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        agent_id TEXT,
        action TEXT NOT NULL,
        conversation_id TEXT,
        details TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_newest ON audit_log (at DESC, seq DESC);
      CREATE INDEX audit_log_conversation ON audit_log (conversation_id, at DESC, seq DESC) WHERE conversation_id IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'handoff queue',
    sql: `
      -- One row per conversation handed to people: queued for a team, assigned to an agent, or
      -- resolved (opened again when the conversation is handed off once more). The state moves
      -- only through conditional UPDATEs, so two agents claiming at once cannot both win.
      CREATE TABLE handoffs (
        conversation_id TEXT PRIMARY KEY REFERENCES conversations (id),
        bot TEXT NOT NULL,
        team TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'assigned', 'resolved')),
        reason TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        agent_id TEXT,
        assigned_at TEXT,
        first_response_at TEXT,
        sla_breached_at TEXT,
        resolved_at TEXT
      ) STRICT;
      -- A team's queue in line order.
      CREATE INDEX handoffs_queue ON handoffs (state, team, queued_at);
    `,
  },
];

export const latestSchemaVersion = migrations.reduce((latest, migration) => Math.max(latest, migration.version), 0);

/** Reads the applied version; a database that has never been migrated is at 0. */
export function schemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}

/**
 * Brings the database up to the latest schema. IMMEDIATE takes the write lock before reading the
 * version, so two processes opening the same file at once cannot both apply a migration; the
 * steps and their records commit together, so a crash never leaves a half-applied schema behind.
 */
export function migrate(db: Database.Database, clock: Clock = systemClock): { from: number; to: number } {
  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT
  `);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const apply = db.transaction(() => {
    const from = schemaVersion(db);
    if (from > latestSchemaVersion) {
      throw new ParleyError(
        'PARLEY_STORE_UNAVAILABLE',
        `The database ${db.name} has schema version ${from}, but this version of Parley knows only up to ${latestSchemaVersion}. ` +
          'It was written by a newer Parley: upgrade Parley, or point it at another data directory.',
        { details: { schemaVersion: from, supportedVersion: latestSchemaVersion } },
      );
    }
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, clock.now().toISOString());
    }
    return { from, to: latestSchemaVersion };
  });
  return apply.immediate();
}

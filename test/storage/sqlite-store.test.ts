import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParleyError, makeEvent } from '../../src/core/index.js';
import type { ParleyStore } from '../../src/core/index.js';
import { latestSchemaVersion, migrations, openSqliteStore, openStore } from '../../src/storage/index.js';
import { describeStoreConformance } from './store-conformance.js';

async function temporaryDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'parley-sqlite-'));
}

describeStoreConformance('sqlite', async () => {
  const directory = await temporaryDirectory();
  // A nested path: opening must create the missing parent directories.
  const file = join(directory, 'data', 'parley.db');
  let current = openSqliteStore({ file });
  return {
    store: current,
    reopen: async () => {
      current = openSqliteStore({ file });
      return current;
    },
    cleanup: async () => {
      await current.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}, { durable: true });

describe('sqlite store', () => {
  let directory: string;
  let file: string;
  const opened: ParleyStore[] = [];

  function open(): ParleyStore {
    const store = openSqliteStore({ file });
    opened.push(store);
    return store;
  }

  /** A second, raw connection, to look at and tamper with what the store wrote. */
  function withRawDatabase<T>(work: (db: Database.Database) => T): T {
    const db = new Database(file);
    try {
      return work(db);
    } finally {
      db.close();
    }
  }

  async function expectOpenToFail(pattern: RegExp): Promise<void> {
    let failure: unknown;
    try {
      open();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ParleyError);
    expect((failure as ParleyError).code).toBe('PARLEY_STORE_UNAVAILABLE');
    expect((failure as ParleyError).message).toMatch(pattern);
  }

  beforeEach(async () => {
    directory = await temporaryDirectory();
    file = join(directory, 'parley.db');
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('numbers its migrations 1, 2, 3… without gaps', () => {
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
    expect(latestSchemaVersion).toBe(migrations.length);
  });

  it('records every migration once, and applies nothing again on reopen', async () => {
    await open().close();
    const first = withRawDatabase((db) => db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all());
    expect(first.map((row) => (row as { version: number }).version)).toEqual(migrations.map((migration) => migration.version));

    await open().close();
    await open().close();
    const again = withRawDatabase((db) => db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all());
    expect(again).toEqual(first);
  });

  it('migrates a database at schema v3 to v4 (the knowledge tables) on open, keeping its conversations', async () => {
    // A database as Parley left it at v3: the released migrations up to 3, with a conversation in it.
    withRawDatabase((db) => {
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
      for (const migration of migrations.filter((step) => step.version <= 3)) {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, '2024-01-01T00:00:00.000Z');
      }
      db.prepare(
        "INSERT INTO conversations (id, bot_name, channel, user_id, token_hash, created_at, last_seq, address) VALUES ('conv_old', 'shop', 'sms', NULL, 'hash-old', '2024-05-01T10:00:00.000Z', 1, '+15550100')",
      ).run();
      db.prepare('INSERT INTO events (conversation_id, seq, id, at, type, v, data) VALUES (?, 1, ?, ?, ?, 1, ?)').run(
        'conv_old',
        'ev_old',
        '2024-05-01T10:00:00.000Z',
        'slot-set',
        JSON.stringify({ slot: 'size', value: 'M' }),
      );
    });

    const store = open();
    expect(withRawDatabase((db) => db.prepare('SELECT version FROM schema_migrations ORDER BY version').all())).toEqual(
      migrations.map((migration) => ({ version: migration.version })),
    );
    expect(latestSchemaVersion).toBeGreaterThanOrEqual(4);
    expect(await store.conversations.get('conv_old')).toEqual({
      id: 'conv_old',
      botName: 'shop',
      channel: 'sms',
      userId: null,
      address: '+15550100',
      createdAt: '2024-05-01T10:00:00.000Z',
      lastSeq: 1,
    });
    expect((await store.conversations.findByAddress('sms', '+15550100'))?.id).toBe('conv_old');
    expect((await store.conversations.listEvents('conv_old')).map((event) => [event.seq, event.id, event.type])).toEqual([[1, 'ev_old', 'slot-set']]);

    // The new tables are there and work.
    const chunk = { id: 'faq.md#0', source: 'faq.md', title: 'FAQ', section: null, position: 0, text: 'Hello.', link: null, tags: [] };
    await store.knowledge.putDocument('shop', { source: 'faq.md', title: 'FAQ', contentHash: 'h', chunks: [chunk], vectors: [new Float32Array([1, 2])], vectorModel: 'm' }, '2024-05-02T00:00:00.000Z');
    expect(await store.knowledge.listDocuments('shop')).toEqual([{ source: 'faq.md', title: 'FAQ', contentHash: 'h', chunks: 1, ingestedAt: '2024-05-02T00:00:00.000Z' }]);
    expect(await store.knowledge.loadChunks('shop')).toEqual([{ chunk, vector: new Float32Array([1, 2]), vectorModel: 'm' }]);
  });

  it('stores a document\'s vectors as one BLOB of little-endian float32 values, and no orphan chunks', async () => {
    const store = open();
    const chunks = [0, 1].map((position) => ({ id: `a.md#${position}`, source: 'a.md', title: 'A', section: null, position, text: `t${position}`, link: null, tags: ['x'] }));
    await store.knowledge.putDocument('shop', { source: 'a.md', title: 'A', contentHash: 'h', chunks, vectors: [new Float32Array([1, -2]), new Float32Array([0.5, 3])], vectorModel: 'm' }, '2024-05-02T00:00:00.000Z');
    const row = withRawDatabase((db) => db.prepare("SELECT vector_model, vector_dimensions, vectors FROM knowledge_documents WHERE bot = 'shop' AND source = 'a.md'").get()) as {
      vector_model: string;
      vector_dimensions: number;
      vectors: Buffer;
    };
    expect(row.vector_model).toBe('m');
    expect(row.vector_dimensions).toBe(2);
    expect([0, 4, 8, 12].map((offset) => row.vectors.readFloatLE(offset))).toEqual([1, -2, 0.5, 3]);
    expect(row.vectors.byteLength).toBe(16);

    // The foreign key refuses a chunk without its document.
    expect(() =>
      withRawDatabase((db) => {
        db.pragma('foreign_keys = ON');
        db.prepare("INSERT INTO knowledge_chunks (bot, source, position, id, title, section, link, tags, text) VALUES ('shop', 'nope.md', 0, 'nope.md#0', 'N', NULL, NULL, '[]', 'orphan')").run();
      }),
    ).toThrow(/FOREIGN KEY/);
    expect(await store.knowledge.removeDocument('shop', 'a.md')).toBe(true);
    expect(withRawDatabase((db) => db.prepare('SELECT count(*) AS n FROM knowledge_chunks').get())).toEqual({ n: 0 });
  });

  it('refuses a database written by a newer schema, with a clear message', async () => {
    await open().close();
    withRawDatabase((db) =>
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(latestSchemaVersion + 1, 'from the future', '2030-01-01T00:00:00.000Z'),
    );
    await expectOpenToFail(new RegExp(`schema version ${latestSchemaVersion + 1}.*only up to ${latestSchemaVersion}.*newer Parley`));
  });

  it('refuses a file that is not a database', async () => {
    await writeFile(file, 'this is not an SQLite database, just some text that is long enough to have a header. '.repeat(20));
    await expectOpenToFail(/Cannot open the SQLite store/);
  });

  it('uses write-ahead logging', async () => {
    await open().close();
    expect(withRawDatabase((db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
  });

  describe('reading a corrupt event', () => {
    async function storeWithRawEvent(type: string, data: string): Promise<ParleyStore> {
      const store = open();
      await store.conversations.create({
        id: 'conv_a',
        botName: 'shop',
        channel: 'web',
        userId: null,
        tokenHash: 'token-hash-a',
        createdAt: '2024-05-01T10:00:00.000Z',
        events: [],
      });
      await store.close();
      withRawDatabase((db) =>
        db
          .prepare('INSERT INTO events (conversation_id, seq, id, at, type, v, data) VALUES (?, 1, ?, ?, ?, 1, ?)')
          .run('conv_a', 'ev_bad', '2024-05-01T10:00:01.000Z', type, data),
      );
      return open();
    }

    async function expectCorrupt(store: ParleyStore): Promise<void> {
      const failure = await store.conversations.listEvents('conv_a').then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ParleyError);
      expect((failure as ParleyError).code).toBe('PARLEY_STORE_CORRUPT_EVENT');
    }

    it('raises PARLEY_STORE_CORRUPT_EVENT for data of the wrong shape', async () => {
      await expectCorrupt(await storeWithRawEvent('user-message', JSON.stringify({ text: 42 })));
    });

    it('raises PARLEY_STORE_CORRUPT_EVENT for data that is not JSON', async () => {
      await expectCorrupt(await storeWithRawEvent('slot-set', '{"slot": "size", "value":'));
    });

    it('raises PARLEY_STORE_CORRUPT_EVENT for an unknown event type', async () => {
      await expectCorrupt(await storeWithRawEvent('telepathy-received', JSON.stringify({})));
    });
  });

  it('keeps dedupe, leases and the stale-turn check across two connections to one file', async () => {
    // Two processes on one data directory (a server and a CLI command) each hold a connection.
    const first = open();
    const second = open();
    await first.conversations.create({
      id: 'conv_a',
      botName: 'shop',
      channel: 'web',
      userId: null,
      tokenHash: 'token-hash-a',
      createdAt: '2024-05-01T10:00:00.000Z',
      events: [],
    });
    const message = { conversationId: 'conv_a', channel: 'web', clientMessageId: 'm1', text: 'hi', receivedAt: '2024-05-01T10:00:01.000Z' };
    const accepted = await first.inbox.accept({ ...message, id: 'in_1' });
    const again = await second.inbox.accept({ ...message, id: 'in_2' });
    expect(again).toEqual({ entry: accepted.entry, duplicate: true, olderPending: false });

    const commit = {
      conversationId: 'conv_a',
      expectedLastSeq: 0,
      inboxId: 'in_1',
      events: [makeEvent('slot-set', { slot: 'size', value: 'M' }, 'ev_1', new Date('2024-05-01T10:00:02.000Z'))],
      outgoing: [{ id: 'out_1', conversationId: 'conv_a', channel: 'web', message: { type: 'text' as const, text: 'hello' }, createdAt: '2024-05-01T10:00:02.000Z' }],
      outcome: { replies: [] },
      processedAt: '2024-05-01T10:00:02.000Z',
    };
    await first.commitTurn(commit);
    expect((await second.inbox.get('in_1'))?.status).toBe('processed');
    expect((await second.conversations.get('conv_a'))?.lastSeq).toBe(1);

    const claim = { limit: 10, now: '2024-05-01T10:00:03.000Z', leaseMs: 30_000 };
    expect((await first.outbox.claimDue(claim)).map((entry) => entry.id)).toEqual(['out_1']);
    expect(await second.outbox.claimDue(claim)).toEqual([]);

    // The second connection still believes the log is empty: its turn is stale.
    const next = await second.inbox.accept({ ...message, id: 'in_3', clientMessageId: 'm2' });
    const failure = await second
      .commitTurn({ ...commit, inboxId: next.entry.id, events: [], outgoing: [] })
      .then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ParleyError);
    expect((failure as ParleyError).code).toBe('PARLEY_STORE_CONFLICT');
  });

  it('is what openStore gives for "sqlite", in parley.db of the data directory', async () => {
    const dataDirectory = join(directory, 'nested', 'data');
    const store = openStore('sqlite', dataDirectory);
    opened.push(store);
    expect(store.kind).toBe('sqlite');
    await store.ping();
    expect(existsSync(join(dataDirectory, 'parley.db'))).toBe(true);
  });
});

describe('sqlite group commit', () => {
  it('writes a burst in one transaction, and a write that fails in it is undone alone', async () => {
    const directory = await temporaryDirectory();
    const file = join(directory, 'parley.db');
    const store = openSqliteStore({ file });
    try {
      const at = '2026-03-01T10:00:00.000Z';
      for (const id of ['conv_a', 'conv_b']) {
        await store.conversations.create({ id, botName: 'shop', channel: 'web', userId: null, tokenHash: `hash-${id}`, createdAt: at, events: [] });
      }
      await store.inbox.accept({ id: 'in_a', conversationId: 'conv_a', channel: 'web', clientMessageId: 'a', text: 'hi', receivedAt: at });
      await store.inbox.accept({ id: 'in_b', conversationId: 'conv_b', channel: 'web', clientMessageId: 'b', text: 'hi', receivedAt: at });
      const turn = (conversationId: string, inboxId: string, outboxIds: string[]) => ({
        conversationId,
        expectedLastSeq: 0,
        inboxId,
        events: [makeEvent('slot-set', { slot: 'x', value: 1 }, `ev_${inboxId}`, new Date(at))],
        outgoing: outboxIds.map((id) => ({ id, conversationId, channel: 'web', message: { type: 'text' as const, text: 'ok' }, createdAt: at })),
        outcome: { replies: [] },
        processedAt: at,
      });

      // Submitted in the same tick: one batch. The second turn fails on its last statement.
      const [good, bad, accepted] = await Promise.allSettled([
        store.commitTurn(turn('conv_a', 'in_a', ['out_1'])),
        store.commitTurn(turn('conv_b', 'in_b', ['out_2', 'out_1'])),
        store.inbox.accept({ id: 'in_c', conversationId: 'conv_b', channel: 'web', clientMessageId: 'c', text: 'next', receivedAt: at }),
      ]);
      expect(good.status).toBe('fulfilled');
      expect(bad.status).toBe('rejected');
      expect((bad as PromiseRejectedResult).reason).toMatchObject({ code: 'PARLEY_STORE_CONFLICT' });
      expect(accepted.status).toBe('fulfilled');

      expect(await store.conversations.listEvents('conv_a')).toHaveLength(1);
      expect(await store.conversations.listEvents('conv_b')).toHaveLength(0);
      expect((await store.conversations.get('conv_b'))!.lastSeq).toBe(0);
      expect(await store.outbox.get('out_2')).toBeNull();
      expect((await store.inbox.get('in_b'))!.status).toBe('pending');
      expect((await store.inbox.pending('conv_b', 10)).map((entry) => entry.id)).toEqual(['in_b', 'in_c']);

      // What resolved was committed: a second connection sees it.
      const raw = new Database(file, { readonly: true });
      try {
        expect(raw.prepare("SELECT count(*) AS n FROM inbox WHERE status = 'processed'").get()).toEqual({ n: 1 });
      } finally {
        raw.close();
      }
    } finally {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('sqlite event inserts', () => {
  it('appends more events than one multi-row statement holds, numbered without gaps', async () => {
    const directory = await temporaryDirectory();
    const store = openSqliteStore({ file: join(directory, 'parley.db') });
    try {
      const at = new Date('2026-03-01T10:00:00.000Z');
      const events = Array.from({ length: 70 }, (_, i) => makeEvent('slot-set', { slot: `s${i}`, value: i }, `ev_${i}`, at));
      await store.conversations.create({ id: 'conv_many', botName: 'shop', channel: 'web', userId: null, tokenHash: 'h', createdAt: at.toISOString(), events });
      const stored = await store.conversations.listEvents('conv_many');
      expect(stored.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
      expect(stored.map((event) => event.id)).toEqual(events.map((event) => event.id));
      expect((await store.conversations.get('conv_many'))!.lastSeq).toBe(70);
    } finally {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

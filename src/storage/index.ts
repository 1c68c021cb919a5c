import { join } from 'node:path';
import type { ParleyStore } from '../core/ports.js';
import { createMemoryStore } from './memory/memory-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

export { createMemoryStore } from './memory/memory-store.js';
export { openSqliteStore } from './sqlite/sqlite-store.js';
export type { SqliteStoreOptions } from './sqlite/sqlite-store.js';
export { latestSchemaVersion, migrations } from './sqlite/migrations.js';
export type { Migration } from './sqlite/migrations.js';
export { createInProcessLock } from './in-process-lock.js';
export type { InProcessLock } from './in-process-lock.js';

export type StoreKind = 'sqlite' | 'memory';

/** The store the configuration names; the SQLite file lives in the data directory. */
export function openStore(kind: StoreKind, dataDir: string): ParleyStore {
  return kind === 'memory' ? createMemoryStore() : openSqliteStore({ file: join(dataDir, 'parley.db') });
}

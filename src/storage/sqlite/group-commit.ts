import type Database from 'better-sqlite3';

/**
 * Group commit: writes submitted during one turn of the event loop share a single SQLite
 * transaction. Under load most of a commit's cost is writing the touched pages to the WAL, and a
 * batch writes each page once instead of once per turn. Each write runs in its own savepoint, so a
 * write that fails (a stale turn, a constraint) is rolled back alone and rejects only its own
 * caller. Callers are answered after the whole batch has committed, so nothing is acknowledged
 * before it is durable.
 */

interface PendingWrite {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupCommit {
  submit<T>(work: () => T): Promise<T>;
  /** Runs whatever is queued now (used before closing). */
  flush(): void;
}

export function createGroupCommit(db: Database.Database, translateError: (error: unknown) => unknown, maxBatch = 256): GroupCommit {
  let queue: PendingWrite[] = [];
  let scheduled = false;

  // Called inside the outer transaction, better-sqlite3 turns this into SAVEPOINT … RELEASE.
  const savepoint = db.transaction((work: () => unknown) => work());
  const batch = db.transaction((writes: readonly PendingWrite[]) => {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    for (const write of writes) {
      try {
        outcomes.push({ ok: true, value: savepoint(write.work) });
      } catch (error) {
        outcomes.push({ ok: false, value: error });
      }
    }
    return outcomes;
  });

  function flush(): void {
    scheduled = false;
    while (queue.length > 0) {
      const writes = queue.slice(0, maxBatch);
      queue = queue.slice(writes.length);
      let outcomes: { ok: boolean; value: unknown }[];
      try {
        outcomes = batch.immediate(writes);
      } catch (error) {
        // The batch itself did not commit (disk full, database locked too long): nobody's write happened.
        for (const write of writes) write.reject(translateError(error));
        continue;
      }
      outcomes.forEach((outcome, index) => {
        const write = writes[index]!;
        if (outcome.ok) write.resolve(outcome.value);
        else write.reject(translateError(outcome.value));
      });
    }
  }

  return {
    submit<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    flush,
  };
}

import type { ConversationLock } from '../core/ports.js';

/**
 * The conversation lock of a single process: turns of one conversation run one after another, in
 * the order they asked for the lock, while other conversations go ahead in parallel.
 */
export interface InProcessLock extends ConversationLock {
  /** Keys with work running or waiting; 0 once everything has finished, so nothing accumulates. */
  activeKeys(): number;
}

export function createInProcessLock(): InProcessLock {
  // The tail of each key's queue: it settles when the last work queued so far has finished. It
  // never rejects, so one failing work item cannot break the chain for the ones behind it.
  const tails = new Map<string, Promise<void>>();

  return {
    async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const done = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => done);
      tails.set(key, tail);
      try {
        await previous;
        return await work();
      } finally {
        release();
        // Only the last in the queue may forget the key; anyone queued later owns the tail now.
        if (tails.get(key) === tail) tails.delete(key);
      }
    },

    activeKeys: () => tails.size,
  };
}

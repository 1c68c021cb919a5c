import type { Clock } from '../core/index.js';

/**
 * Successful GET answers kept for a while, so a conversation that asks for the same order twice
 * (or a hundred conversations asking for the same product) costs one request. Bounded: when full,
 * the least recently used answer goes first. Answers are copied in and out, so a flow that changes
 * a slot holding one cannot change the cached copy.
 */
export interface ResponseCache {
  get(key: string): { readonly data: unknown } | undefined;
  set(key: string, data: unknown, ttlMs: number): void;
  readonly size: number;
  clear(): void;
}

export const defaultCacheMaxEntries = 1000;

/** The cache key of one call: the same connector, operation and arguments in any order give the same key. */
export function cacheKey(connector: string, operation: string, args: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(args)
    .sort()
    .map((name) => [name, args[name]]);
  return JSON.stringify([connector, operation, sorted]);
}

export function createResponseCache(options: { readonly clock: Clock; readonly maxEntries?: number }): ResponseCache {
  const maxEntries = Math.max(1, options.maxEntries ?? defaultCacheMaxEntries);
  const entries = new Map<string, { data: unknown; expiresAt: number }>();
  const now = (): number => options.clock.now().getTime();

  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (now() >= entry.expiresAt) {
        entries.delete(key);
        return undefined;
      }
      // Move to the back: the most recently used.
      entries.delete(key);
      entries.set(key, entry);
      return { data: structuredClone(entry.data) };
    },
    set(key, data, ttlMs) {
      if (ttlMs <= 0) return;
      entries.delete(key);
      entries.set(key, { data: structuredClone(data), expiresAt: now() + ttlMs });
      if (entries.size <= maxEntries) return;
      const current = now();
      for (const [candidate, entry] of entries) {
        if (entry.expiresAt <= current) entries.delete(candidate);
      }
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}

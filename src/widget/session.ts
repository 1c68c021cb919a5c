// The conversation this browser is in, kept in localStorage per bot and server so a reload (or
// another tab) resumes it. Storage may be unavailable (privacy modes, sandboxed frames): the
// widget then works for the life of the page.

export interface StoredSession {
  readonly conversationId: string;
  readonly token: string;
  /** The highest event seq rendered. */
  readonly lastSeq: number;
}

export interface SessionStore {
  load(): StoredSession | null;
  save(session: StoredSession): void;
  clear(): void;
}

export function storageKey(server: string, bot: string): string {
  return `parley:${new URL(server).host}:${bot}`;
}

export function createSessionStore(key: string): SessionStore {
  let memory: StoredSession | null = null;
  const storage = (): Storage | null => {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  };
  return {
    load() {
      try {
        const raw = storage()?.getItem(key);
        if (!raw) return memory;
        const value = JSON.parse(raw) as Partial<StoredSession>;
        if (typeof value.conversationId !== 'string' || typeof value.token !== 'string') return memory;
        return { conversationId: value.conversationId, token: value.token, lastSeq: typeof value.lastSeq === 'number' ? value.lastSeq : 0 };
      } catch {
        return memory;
      }
    },
    save(session) {
      memory = session;
      try {
        storage()?.setItem(key, JSON.stringify(session));
      } catch {
        // full or forbidden: the in-memory copy serves this page
      }
    },
    clear() {
      memory = null;
      try {
        storage()?.removeItem(key);
      } catch {
        // nothing to clear
      }
    },
  };
}

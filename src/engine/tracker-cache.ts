import { emptyTracker, foldEvents, type ConversationEvent, type ConversationStore, type Tracker } from '../core/index.js';

/**
 * Keeps recent trackers in memory so a turn does not re-read the whole log. A cached tracker is
 * trusted only up to its own seq: anything newer in the store (written by another process) is
 * read and folded in, so the cache can be stale but never wrong.
 */
export class TrackerCache {
  private readonly entries = new Map<string, Tracker>();

  constructor(
    private readonly conversations: ConversationStore,
    private readonly capacity = 10_000,
  ) {}

  async load(conversationId: string, lastSeq: number): Promise<Tracker> {
    const cached = this.entries.get(conversationId);
    let tracker = cached ?? emptyTracker(conversationId);
    if (tracker.lastSeq !== lastSeq) {
      if (tracker.lastSeq > lastSeq) tracker = emptyTracker(conversationId);
      const events = await this.conversations.listEvents(conversationId, { afterSeq: tracker.lastSeq });
      tracker = foldEvents(tracker, events);
    }
    this.remember(tracker);
    return tracker;
  }

  /** The cached tracker, if any, without checking the store: callers must verify it on write. */
  peek(conversationId: string): Tracker | undefined {
    return this.entries.get(conversationId);
  }

  advance(tracker: Tracker, events: readonly ConversationEvent[]): Tracker {
    const next = foldEvents(tracker, events);
    this.remember(next);
    return next;
  }

  forget(conversationId: string): void {
    this.entries.delete(conversationId);
  }

  private remember(tracker: Tracker): void {
    // Map keeps insertion order: re-inserting marks it most recent, the first key is the eldest.
    this.entries.delete(tracker.conversationId);
    this.entries.set(tracker.conversationId, tracker);
    if (this.entries.size > this.capacity) {
      const eldest = this.entries.keys().next().value;
      if (eldest !== undefined) this.entries.delete(eldest);
    }
  }
}

import {
  ParleyError,
  draftFromBody,
  foldEvents,
  isParleyError,
  makeEvent,
  type BotDefinition,
  type BotReply,
  type Clock,
  type ConversationEvent,
  type ConversationLock,
  type ConversationRecord,
  type EventBody,
  type EventDraft,
  type EventType,
  type IdGenerator,
  type InboxEntry,
  type NewOutboxEntry,
  type OutgoingMessage,
  type ParleyStore,
  type Tracker,
  type Understander,
  type WebhookConfig,
} from '../core/index.js';
import { renderResponse, type DialogueEngine } from '../dialogue/index.js';
import { silentLogger, type EngineLogger } from './logger.js';
import { CONVERSATION_TOKEN_PREFIX, hashSecret, newSecret } from './secrets.js';
import { TrackerCache } from './tracker-cache.js';
import { webhookDeliveries } from './webhooks/webhook-deliveries.js';

/**
 * The turn pipeline. A message is first recorded in the inbox (deduplicated on the sender's
 * message id), then the conversation's pending messages are processed one at a time under the
 * conversation's lock, in inbox order: load tracker → understand → decide → commit events,
 * outgoing messages and the inbox outcome in one transaction. The caller gets the replies of its
 * own message once that commit has happened, never before.
 */

export interface TurnObserver {
  turnCompleted(info: { readonly durationMs: number; readonly outcome: 'ok' | 'failed'; readonly stage: string | null }): void;
}

export interface TurnEngineDependencies {
  readonly store: ParleyStore;
  readonly lock: ConversationLock;
  /**
   * The bot as it is now. Read once per turn, so a reload that swaps the bot between turns never
   * mixes the old and the new within one.
   */
  readonly brain: () => { readonly bot: BotDefinition; readonly understander: Understander; readonly dialogue: DialogueEngine };
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger?: EngineLogger;
  readonly observer?: TurnObserver;
  /**
   * Channels whose messages a delivery worker pushes (webhook channels, sockets). Replies on other
   * channels (REST, the CLI) are delivered by being returned and read from the log, so they are
   * not queued in the outbox.
   */
  readonly pushChannels?: ReadonlySet<string>;
  /**
   * Called after a turn (or a new conversation) queued outgoing messages or webhook deliveries, to
   * wake the delivery worker.
   */
  readonly onOutgoing?: () => void;
  readonly maxMessageChars?: number;
  /** Channels that show buttons as numbered choices: there a reply "2" means the second button offered. */
  readonly numberedChoiceChannels?: ReadonlySet<string>;
  /** Called after anything was committed to a conversation's log (a turn, a start, feedback): live views refresh. */
  readonly onCommitted?: (conversationId: string, lastSeq: number, types: readonly EventType[]) => void;
  /** Called after a turn that handed the conversation to a person was committed: puts it in its team's queue. */
  readonly onHandoffRequested?: (request: { conversationId: string; team: string; reason: string; at: string }) => Promise<void>;
  /** Receives replies written piece by piece (generated answers) while their turn runs; the committed reply has the same id. */
  readonly onStream?: (conversationId: string, messageId: string, delta: string) => void;
}

export interface AppendOptions {
  /** Throws to refuse the append, given the conversation as it is (e.g. "not yours any more"). */
  readonly check?: (tracker: Tracker) => void;
  /** A message to deliver on the conversation's channel when that channel is pushed to (a person's reply). */
  readonly deliver?: { readonly channel: string; readonly messageId: string; readonly message: OutgoingMessage };
}

export interface FeedbackInput {
  readonly conversationId: string;
  /** The bot message rated. */
  readonly messageId: string;
  readonly rating: 'up' | 'down';
  readonly comment?: string;
}

export interface StartConversationInput {
  readonly channel: string;
  readonly userId?: string | null;
  /** A messaging channel's address for the conversation (unique per channel). */
  readonly address?: string;
}

/** A message a messaging channel's webhook brought, already verified and normalised. */
export interface ChannelMessageInput {
  readonly channel: string;
  readonly address: string;
  readonly userId: string;
  /** The platform's id: a redelivery with the same id is recorded once and answered once. */
  readonly messageId: string;
  readonly text: string;
}

export interface ChannelMessageAccepted {
  readonly conversationId: string;
  readonly inboxId: string;
  readonly duplicate: boolean;
}

export interface ReceiveInput {
  readonly conversationId: string;
  readonly channel: string;
  /** The sender's id for the message; messages without one are never deduplicated. */
  readonly clientMessageId?: string;
  readonly text: string;
}

export interface ReceiveResult {
  readonly inboxId: string;
  readonly clientMessageId: string;
  readonly duplicate: boolean;
  readonly replies: readonly BotReply[];
}

export interface TurnEngine {
  startConversation(input: StartConversationInput): Promise<{ conversation: ConversationRecord; token: string }>;
  receive(input: ReceiveInput): Promise<ReceiveResult>;
  /**
   * Records a channel's message (in the conversation at its address, started on first contact)
   * and returns once it is durable, without waiting for the turn: platforms want their webhook
   * answered at once, and the reply goes out through the outbox.
   */
  acceptFromChannel(input: ChannelMessageInput): Promise<ChannelMessageAccepted>;
  /** Records a thumbs up or down on one of the bot's messages as a `feedback-given` event. */
  recordFeedback(input: FeedbackInput): Promise<void>;
  /**
   * Appends events not caused by a customer's message (a person's actions, an API call), under the
   * conversation's lock and after `check` passed on its current state; webhooks get them too.
   */
  appendEvents(conversationId: string, events: readonly EventBody[], options?: AppendOptions): Promise<{ lastSeq: number }>;
  /** Processes every message left pending (after a crash); returns how many conversations it drained. */
  recoverPending(): Promise<number>;
}

const DEFAULT_ERROR_TEXT = 'Sorry, something went wrong on our side. Please try again in a moment.';
const COMMIT_ATTEMPTS = 3;
const PENDING_BATCH = 50;
const WAIT_FOR_OTHER_PROCESS_MS = 10_000;

export function createTurnEngine(deps: TurnEngineDependencies): TurnEngine {
  const { store, lock, clock, ids } = deps;
  const logger = deps.logger ?? silentLogger;
  const maxMessageChars = deps.maxMessageChars ?? 4000;
  const pushChannels = deps.pushChannels ?? new Set<string>();
  const trackers = new TrackerCache(store.conversations);
  /** Inbox entries a caller in this process is waiting on, and their outcomes once committed. */
  const awaited = new Set<string>();
  const outcomes = new Map<string, InboxEntry>();
  /** Drains in progress, per conversation; a request arriving meanwhile asks for one more pass. */
  const draining = new Map<string, { promise: Promise<void>; again: boolean }>();

  async function startConversation(input: StartConversationInput) {
    const token = newSecret(CONVERSATION_TOKEN_PREFIX);
    const now = clock.now();
    const id = ids.next('conv');
    const { config } = deps.brain().bot;
    const createdAt = now.toISOString();
    const events = [makeEvent('session-started', { channel: input.channel, ...(input.userId ? { userId: input.userId } : {}) }, ids.next('evt'), now)];
    // The webhook deliveries of session-started are committed with the conversation.
    const outgoing = config.webhooks.length === 0 ? [] : webhookDeliveries(config.webhooks, config.name, numbered(events, id, 0), createdAt);
    const conversation = await store.conversations.create({
      id,
      botName: config.name,
      channel: input.channel,
      userId: input.userId ?? null,
      ...(input.address === undefined ? {} : { address: input.address }),
      tokenHash: hashSecret(token),
      createdAt,
      events,
      ...(outgoing.length > 0 ? { outgoing } : {}),
    });
    if (outgoing.length > 0) deps.onOutgoing?.();
    deps.onCommitted?.(conversation.id, conversation.lastSeq, ['session-started']);
    return { conversation, token };
  }

  async function conversationAt(channel: string, address: string, userId: string): Promise<string> {
    const existing = await store.conversations.findByAddress(channel, address);
    if (existing) return existing.id;
    try {
      return (await startConversation({ channel, userId, address })).conversation.id;
    } catch (error) {
      // Two first messages at once: the other one started it.
      if (!isParleyError(error, 'PARLEY_STORE_CONFLICT')) throw error;
      const started = await store.conversations.findByAddress(channel, address);
      if (!started) throw error;
      return started.id;
    }
  }

  async function acceptFromChannel(input: ChannelMessageInput): Promise<ChannelMessageAccepted> {
    // Longer than we take: cut, not refused, since refusing would make the platform send it again.
    const text = input.text.length > maxMessageChars ? input.text.slice(0, maxMessageChars) : input.text;
    const conversationId = await conversationAt(input.channel, input.address, input.userId);
    const { entry, duplicate } = await store.inbox.accept({
      id: ids.next('in'),
      conversationId,
      channel: input.channel,
      clientMessageId: input.messageId,
      text,
      receivedAt: clock.now().toISOString(),
    });
    if (!duplicate) {
      // Left pending if this fails: the next message or the next start processes it.
      drain(conversationId).catch((error: unknown) => logger.error({ err: error, conversationId }, 'could not process a channel message'));
    }
    return { conversationId, inboxId: entry.id, duplicate };
  }

  async function receive(input: ReceiveInput): Promise<ReceiveResult> {
    if (input.text.length > maxMessageChars) {
      throw new ParleyError('PARLEY_MESSAGE_TOO_LONG', `A message may have at most ${maxMessageChars} characters; this one has ${input.text.length}.`, {
        details: { maxChars: maxMessageChars },
      });
    }
    const inboxId = ids.next('in');
    const { entry, duplicate, olderPending } = await store.inbox.accept({
      id: inboxId,
      conversationId: input.conversationId,
      channel: input.channel,
      clientMessageId: input.clientMessageId ?? inboxId,
      text: input.text,
      receivedAt: clock.now().toISOString(),
    });
    if (duplicate && entry.text !== input.text) {
      throw new ParleyError('PARLEY_MESSAGE_ID_CONFLICT', `Message id "${entry.clientMessageId}" was already used for a different message in this conversation.`);
    }
    let done = entry;
    if (entry.status !== 'processed') {
      awaited.add(entry.id);
      try {
        // Nothing older waiting: this message is next in line, no need to read the queue.
        await drain(entry.conversationId, !duplicate && !olderPending ? entry : undefined);
        done = outcomes.get(entry.id) ?? (await awaitOutcome(entry));
      } finally {
        awaited.delete(entry.id);
        outcomes.delete(entry.id);
      }
    }
    return { inboxId: done.id, clientMessageId: done.clientMessageId, duplicate, replies: done.outcome?.replies ?? [] };
  }

  /** The entry once processed: by this process's drain, or by another process sharing the store. */
  async function awaitOutcome(entry: InboxEntry): Promise<InboxEntry> {
    if (entry.status === 'processed') return entry;
    const deadline = Date.now() + WAIT_FOR_OTHER_PROCESS_MS;
    for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
      const current = await store.inbox.get(entry.id);
      if (current?.status === 'processed') return current;
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    throw new ParleyError('PARLEY_ENGINE_TURN_PENDING', 'The message is recorded and will be answered; its reply is not ready yet. Send it again with the same id to get the reply.');
  }

  function drain(conversationId: string, next?: InboxEntry): Promise<void> {
    const running = draining.get(conversationId);
    if (running) {
      running.again = true;
      return running.promise;
    }
    const state = { promise: Promise.resolve(), again: false };
    state.promise = (async () => {
      try {
        let known = next;
        do {
          state.again = false;
          const first = known;
          known = undefined;
          await lock.withLock(conversationId, () => (first ? processKnown(first) : processPending(conversationId)));
        } while (state.again);
      } finally {
        draining.delete(conversationId);
      }
    })();
    draining.set(conversationId, state);
    return state.promise;
  }

  // One read per pass: a message that arrives meanwhile in this process asks the drain for
  // another pass, and one accepted by another process is drained by that process.
  async function processPending(conversationId: string): Promise<void> {
    for (;;) {
      const pending = await store.inbox.pending(conversationId, PENDING_BATCH);
      for (const entry of pending) await processEntry(entry);
      if (pending.length < PENDING_BATCH) return;
    }
  }

  /** The entry this process just recorded, with nothing older pending at that moment. */
  async function processKnown(entry: InboxEntry): Promise<void> {
    try {
      await processEntry(entry);
    } catch (error) {
      // With several processes on one store another one may have taken it meanwhile: then it is done.
      if (isParleyError(error, 'PARLEY_STORE_CONFLICT') && (await store.inbox.get(entry.id))?.status === 'processed') return;
      throw error;
    }
  }

  async function processEntry(entry: InboxEntry): Promise<void> {
    const started = performance.now();
    for (let attempt = 1; ; attempt += 1) {
      // A cached tracker is used optimistically: if another process appended meanwhile, the
      // commit's expectedLastSeq check fails and the turn is decided again on fresh history.
      const tracker = trackers.peek(entry.conversationId) ?? (await loadTracker(entry.conversationId));
      const turn = await decideTurn(entry, tracker);
      const processedAt = clock.now().toISOString();
      // The events as they will stand in the log; the commit refuses them if the log moved on.
      const committed = numbered(turn.events, entry.conversationId, tracker.lastSeq);
      // Webhook deliveries go in the same transaction as their events. No webhooks (the usual
      // case): nothing is computed or allocated for them.
      const outgoing =
        turn.webhooks.length === 0 ? turn.outgoing : turn.outgoing.concat(webhookDeliveries(turn.webhooks, turn.botName, committed, processedAt));
      try {
        await store.commitTurn({
          conversationId: entry.conversationId,
          expectedLastSeq: tracker.lastSeq,
          inboxId: entry.id,
          events: turn.events,
          outgoing,
          outcome: { replies: turn.replies },
          processedAt,
        });
      } catch (error) {
        // Another writer appended first: re-read and decide again on the newer history.
        if (isParleyError(error, 'PARLEY_STORE_CONFLICT') && attempt < COMMIT_ATTEMPTS) {
          trackers.forget(entry.conversationId);
          continue;
        }
        throw error;
      }
      trackers.advance(tracker, committed);
      if (awaited.has(entry.id)) outcomes.set(entry.id, { ...entry, status: 'processed', outcome: { replies: turn.replies }, processedAt });
      deps.observer?.turnCompleted({ durationMs: performance.now() - started, outcome: turn.failed ? 'failed' : 'ok', stage: turn.stage });
      if (outgoing.length > 0) deps.onOutgoing?.();
      if (deps.onHandoffRequested) {
        for (const event of turn.events) {
          if (event.type !== 'handoff-requested') continue;
          await deps.onHandoffRequested({ conversationId: entry.conversationId, team: event.data.queue ?? 'support', reason: event.data.reason, at: processedAt }).catch((error: unknown) =>
            logger.error({ err: error, conversationId: entry.conversationId }, 'could not queue the handoff'),
          );
        }
      }
      deps.onCommitted?.(entry.conversationId, tracker.lastSeq + turn.events.length, turn.events.map((event) => event.type));
      return;
    }
  }

  async function loadTracker(conversationId: string): Promise<Tracker> {
    const conversation = await store.conversations.get(conversationId);
    if (!conversation) throw new ParleyError('PARLEY_CONVERSATION_NOT_FOUND', `Conversation ${conversationId} does not exist`);
    return trackers.load(conversation.id, conversation.lastSeq);
  }

  interface DecidedTurn {
    events: EventDraft[];
    outgoing: NewOutboxEntry[];
    replies: BotReply[];
    failed: boolean;
    stage: string | null;
    /** The bot's webhooks and name, from the brain the turn was decided with. */
    webhooks: readonly WebhookConfig[];
    botName: string;
  }

  async function decideTurn(entry: InboxEntry, trackerBefore: Tracker): Promise<DecidedTurn> {
    let tracker = trackerBefore;
    const now = clock.now();
    const { bot, understander, dialogue } = deps.brain();
    const turn: DecidedTurn = { events: [], outgoing: [], replies: [], failed: false, stage: null, webhooks: bot.config.webhooks, botName: bot.config.name };
    const append = (draft: EventDraft) => turn.events.push(draft);
    const idleLimitMs = bot.config.dialogue.session_timeout_minutes * 60_000;
    if (idleLimitMs > 0 && tracker.lastActivityAt !== null && now.getTime() - Date.parse(tracker.lastActivityAt) > idleLimitMs) {
      const ended = makeEvent('session-ended', { reason: 'idle' }, ids.next('evt'), now);
      const started = makeEvent('session-started', { channel: entry.channel }, ids.next('evt'), now);
      append(ended);
      append(started);
      tracker = foldEvents(tracker, numbered([ended, started], entry.conversationId, tracker.lastSeq));
    }
    append(makeEvent('user-message', { inboxId: entry.id, clientMessageId: entry.clientMessageId, channel: entry.channel, text: entry.text }, ids.next('evt'), now));
    let understood = turn.events.length;

    const say = (message: OutgoingMessage, streamedAs?: string) => {
      const messageId = streamedAs ?? ids.next('msg');
      append(makeEvent('bot-message', { messageId, inReplyTo: entry.id, message }, ids.next('evt'), now));
      if (pushChannels.has(entry.channel)) {
        turn.outgoing.push({ id: messageId, conversationId: entry.conversationId, channel: entry.channel, message, createdAt: now.toISOString() });
      }
      turn.replies.push({ id: messageId, ...message });
    };

    // A person owns the conversation (or is about to): the bot only records what the customer says.
    if (tracker.handoff.state !== 'bot') return turn;
    try {
      const understanding = await understander.understand(chosenText(entry, tracker));
      turn.stage = understanding.stage;
      append(makeEvent('intent-recognized', { ...understanding, ranking: [...understanding.ranking], entities: [...understanding.entities] }, ids.next('evt'), now));
      understood = turn.events.length;
      const onStream = deps.onStream;
      const stream = onStream
        ? { open: () => ids.next('msg'), delta: (messageId: string, text: string) => onStream(entry.conversationId, messageId, text) }
        : undefined;
      const effects = await dialogue.decide({ tracker, understanding, text: chosenText(entry, tracker), turnId: entry.id, ...(stream ? { stream } : {}) });
      for (const effect of effects) {
        if (effect.kind === 'event') append(draftFromBody(effect.event, ids.next('evt'), now));
        else say(effect.message, effect.messageId);
      }
    } catch (error) {
      // A store outage is worth waiting out: the entry stays pending and is retried. Anything
      // else is a defect in the bot or in Parley, and the user deserves an answer now.
      if (isParleyError(error) && error.retryable) throw error;
      logger.error({ err: error, conversationId: entry.conversationId, inboxId: entry.id }, 'turn failed');
      const code = isParleyError(error) ? error.code : 'PARLEY_INTERNAL';
      // Keep what the turn knew before it failed (session change, the message, its understanding).
      turn.events = turn.events.slice(0, understood);
      turn.outgoing = [];
      turn.replies = [];
      turn.failed = true;
      append(makeEvent('turn-failed', { inboxId: entry.id, code }, ids.next('evt'), now));
      const errorResponse = bot.config.error_response ? bot.responses[bot.config.error_response] : undefined;
      say(errorResponse ? renderResponse(errorResponse, entry.id, 'error', tracker.slots) : { type: 'text', text: DEFAULT_ERROR_TEXT });
    }
    return turn;
  }

  async function recordFeedback(input: FeedbackInput): Promise<void> {
    const rated = await store.conversations.listEvents(input.conversationId, { types: ['bot-message'] });
    if (!rated.some((event) => event.type === 'bot-message' && event.data.messageId === input.messageId)) {
      throw new ParleyError('PARLEY_MESSAGE_NOT_FOUND', `Conversation ${input.conversationId} has no bot message ${input.messageId}`);
    }
    await appendEvents(input.conversationId, [
      { type: 'feedback-given', data: { rating: input.rating, messageId: input.messageId, ...(input.comment ? { comment: input.comment } : {}) } },
    ]);
  }

  async function appendEvents(conversationId: string, bodies: readonly EventBody[], options: AppendOptions = {}): Promise<{ lastSeq: number }> {
    return lock.withLock(conversationId, async () => {
      const tracker = trackers.peek(conversationId) ?? (await loadTracker(conversationId));
      options.check?.(tracker);
      const now = clock.now();
      const events = bodies.map((body) => draftFromBody(body, ids.next('evt'), now));
      const committed = numbered(events, conversationId, tracker.lastSeq);
      const { config } = deps.brain().bot;
      const outgoing: NewOutboxEntry[] = [];
      // A person's message to a push channel (Slack, SMS, …) goes out like a bot reply.
      if (options.deliver && pushChannels.has(options.deliver.channel)) {
        outgoing.push({ id: options.deliver.messageId, conversationId, channel: options.deliver.channel, message: options.deliver.message, createdAt: now.toISOString() });
      }
      if (config.webhooks.length > 0) outgoing.push(...webhookDeliveries(config.webhooks, config.name, committed, now.toISOString()));
      try {
        await store.appendEvents({ conversationId, expectedLastSeq: tracker.lastSeq, events, outgoing });
      } catch (error) {
        if (isParleyError(error, 'PARLEY_STORE_CONFLICT')) trackers.forget(conversationId);
        throw error;
      }
      trackers.advance(tracker, committed);
      if (outgoing.length > 0) deps.onOutgoing?.();
      const lastSeq = tracker.lastSeq + events.length;
      deps.onCommitted?.(conversationId, lastSeq, events.map((event) => event.type));
      return { lastSeq };
    });
  }

  /** "2" on a channel of numbered choices is the payload of the second button offered. */
  function chosenText(entry: InboxEntry, tracker: Tracker): string {
    if (!deps.numberedChoiceChannels?.has(entry.channel)) return entry.text;
    const choice = /^\s*(\d{1,2})\s*\.?\s*$/.exec(entry.text);
    const button = choice ? tracker.offeredButtons[Number(choice[1]) - 1] : undefined;
    return button ? button.payload : entry.text;
  }

  async function recoverPending(): Promise<number> {
    const attempted = new Set<string>();
    for (;;) {
      const conversations = (await store.inbox.conversationsWithPending(100)).filter((id) => !attempted.has(id));
      if (conversations.length === 0) return attempted.size;
      for (const conversationId of conversations) {
        attempted.add(conversationId);
        try {
          await drain(conversationId);
        } catch (error) {
          // Left pending: the next message to this conversation, or the next start, retries it.
          logger.error({ err: error, conversationId }, 'could not process pending messages');
        }
      }
    }
  }

  return { startConversation, receive, acceptFromChannel, recordFeedback, appendEvents, recoverPending };
}

function numbered(events: readonly EventDraft[], conversationId: string, afterSeq: number): ConversationEvent[] {
  return events.map((event, index) => ({ ...event, conversationId, seq: afterSeq + index + 1 }) as ConversationEvent);
}

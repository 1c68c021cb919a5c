import type { AgentStore } from './agents.js';
import type { HandoffStore } from './handoffs.js';
import type { ConversationEvent, EventDraft, ExtractedEntity, RankedIntent } from './events.js';
import type { KnowledgeStore } from './knowledge.js';
import type { BotReply, OutgoingMessage } from './messages.js';

/**
 * The ports every adapter implements. Stores are asynchronous even when the embedded SQLite
 * store answers synchronously, so a networked store (PostgreSQL) fits the same contract.
 */

export interface ConversationRecord {
  readonly id: string;
  readonly botName: string;
  readonly channel: string;
  readonly userId: string | null;
  /** Where a messaging channel delivers replies (a Slack channel, a phone number); null for the API and the widget. */
  readonly address: string | null;
  readonly createdAt: string;
  /** Sequence number of the newest event; 0 for an empty log. */
  readonly lastSeq: number;
}

export interface NewConversation {
  readonly id: string;
  readonly botName: string;
  readonly channel: string;
  readonly userId: string | null;
  /** SHA-256 of the end-user token; the token itself is never stored. */
  readonly tokenHash: string;
  /** A channel's address for this conversation: unique per channel (a second create with it is a conflict). */
  readonly address?: string | null;
  readonly createdAt: string;
  readonly events: readonly EventDraft[];
  /**
   * Outbox entries committed in the same transaction as the conversation, e.g. the webhook
   * deliveries of its `session-started` event (seq 1).
   */
  readonly outgoing?: readonly NewOutboxEntry[];
}

export interface ListEventsOptions {
  /** Only events with seq greater than this. */
  readonly afterSeq?: number;
  readonly limit?: number;
  readonly types?: readonly ConversationEvent['type'][];
}

export interface ConversationPage {
  readonly conversations: readonly ConversationRecord[];
  readonly nextCursor: string | null;
}

export interface ConversationStore {
  create(conversation: NewConversation): Promise<ConversationRecord>;
  get(id: string): Promise<ConversationRecord | null>;
  findByTokenHash(tokenHash: string): Promise<ConversationRecord | null>;
  /** The conversation a messaging channel holds at this address, if any. */
  findByAddress(channel: string, address: string): Promise<ConversationRecord | null>;
  /** Oldest first. */
  listEvents(conversationId: string, options?: ListEventsOptions): Promise<ConversationEvent[]>;
  /** Newest first; the cursor is opaque. */
  list(options: { limit: number; cursor?: string | null }): Promise<ConversationPage>;
}

export type InboxStatus = 'pending' | 'processed';

export interface TurnOutcome {
  readonly replies: readonly BotReply[];
}

export interface InboxEntry {
  readonly id: string;
  readonly conversationId: string;
  readonly channel: string;
  /** The sender's own id for the message: unique per conversation and channel. */
  readonly clientMessageId: string;
  readonly text: string;
  readonly receivedAt: string;
  /** Position in the order of arrival across the whole inbox. */
  readonly seq: number;
  readonly status: InboxStatus;
  readonly outcome: TurnOutcome | null;
  readonly processedAt: string | null;
}

export interface NewInboxEntry {
  readonly id: string;
  readonly conversationId: string;
  readonly channel: string;
  readonly clientMessageId: string;
  readonly text: string;
  readonly receivedAt: string;
}

export interface AcceptedInboxEntry {
  readonly entry: InboxEntry;
  readonly duplicate: boolean;
  /**
   * Whether the conversation had older pending entries when this one was recorded. When it had
   * none, the new entry is next in line and can be processed without reading the queue again.
   */
  readonly olderPending: boolean;
}

export interface InboxStore {
  /**
   * Records an inbound message unless one with the same (conversation, channel, client message id)
   * is there already, in which case that one is returned with `duplicate: true`.
   */
  accept(entry: NewInboxEntry): Promise<AcceptedInboxEntry>;
  get(id: string): Promise<InboxEntry | null>;
  /** A conversation's pending entries, oldest first, at most `limit` of them. */
  pending(conversationId: string, limit: number): Promise<InboxEntry[]>;
  /** Conversations that have pending entries, oldest pending first. */
  conversationsWithPending(limit: number): Promise<string[]>;
}

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/**
 * A committed conversation event on its way to an outbound webhook (the outbox channel is
 * `webhook:<name>`). The event is the one in the log, numbered, so the receiver sees exactly what
 * was committed.
 */
export interface WebhookEventDelivery {
  readonly type: 'webhook-event';
  /** The webhook's name in bot.yaml; the sender looks its address and secret up by this name. */
  readonly webhook: string;
  /** The bot that wrote the event. */
  readonly bot: string;
  readonly event: ConversationEvent;
}

/** What an outbox entry carries: a message for a push channel, or an event for a webhook. */
export type OutboxPayload = OutgoingMessage | WebhookEventDelivery;

/** The outbox channel of a webhook's deliveries. */
export const WEBHOOK_CHANNEL_PREFIX = 'webhook:';

/**
 * An entry as the outbox holds it. The store hands out `OutboxEntry<OutboxPayload>`; without a
 * type argument it is an entry of a channel message, which is what a `ChannelSender` receives.
 */
export interface OutboxEntry<P extends OutboxPayload = OutgoingMessage> {
  readonly id: string;
  readonly conversationId: string;
  readonly channel: string;
  readonly message: P;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly createdAt: string;
}

export interface NewOutboxEntry<P extends OutboxPayload = OutboxPayload> {
  readonly id: string;
  readonly conversationId: string;
  readonly channel: string;
  readonly message: P;
  readonly createdAt: string;
}

export function isWebhookDelivery(entry: OutboxEntry<OutboxPayload>): entry is OutboxEntry<WebhookEventDelivery> {
  return entry.message.type === 'webhook-event';
}

export interface OutboxStore {
  /**
   * Leases up to `limit` entries that are due: they are not handed out again until `leaseMs`
   * has passed, so a crashed worker's entries come back by themselves.
   */
  claimDue(options: { limit: number; now: string; leaseMs: number }): Promise<OutboxEntry<OutboxPayload>[]>;
  markDelivered(ids: readonly string[], at: string): Promise<void>;
  /** Records a failed attempt; `retryAt: null` gives up for good. */
  markAttemptFailed(id: string, error: string, retryAt: string | null): Promise<void>;
  get(id: string): Promise<OutboxEntry<OutboxPayload> | null>;
  countByStatus(): Promise<Record<OutboxStatus, number>>;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly ApiKeyScope[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export type ApiKeyScope = 'admin' | 'conversations';

export interface ApiKeyStore {
  create(key: ApiKeyRecord & { readonly secretHash: string }): Promise<void>;
  /** Only keys that are not revoked. */
  findBySecretHash(secretHash: string): Promise<ApiKeyRecord | null>;
  list(): Promise<ApiKeyRecord[]>;
  revoke(id: string, at: string): Promise<boolean>;
}

/** A trained NLU model, stored so that a restart loads it instead of training again. */
export interface StoredModel {
  /** The model's version: a hash of its training data and settings. */
  readonly hash: string;
  readonly botName: string;
  readonly createdAt: string;
  readonly bytes: Uint8Array;
}

export interface ModelStore {
  /** Saving a hash that is already stored keeps the first copy. */
  save(model: StoredModel): Promise<void>;
  get(hash: string): Promise<StoredModel | null>;
  /** The most recently saved model of a bot. */
  latest(botName: string): Promise<StoredModel | null>;
}

/** Everything one turn writes, committed atomically or not at all. */
export interface TurnCommit {
  readonly conversationId: string;
  /** The log must still end here; otherwise another writer got in first and nothing is written. */
  readonly expectedLastSeq: number;
  readonly inboxId: string;
  readonly events: readonly EventDraft[];
  readonly outgoing: readonly NewOutboxEntry[];
  readonly outcome: TurnOutcome;
  readonly processedAt: string;
}

/** Events not caused by a user message (feedback, a person's actions), appended atomically. */
export interface EventsAppend {
  readonly conversationId: string;
  /** The log must still end here; otherwise nothing is written (PARLEY_STORE_CONFLICT). */
  readonly expectedLastSeq: number;
  readonly events: readonly EventDraft[];
  readonly outgoing: readonly NewOutboxEntry[];
}

export interface ParleyStore {
  readonly kind: string;
  readonly conversations: ConversationStore;
  readonly inbox: InboxStore;
  readonly outbox: OutboxStore;
  readonly apiKeys: ApiKeyStore;
  readonly models: ModelStore;
  /** The bots' knowledge bases: documents of chunks (and their vectors), each replaced whole. */
  readonly knowledge: KnowledgeStore;
  /** Agent and admin accounts of the agent console, their sessions and the audit log. */
  readonly agents: AgentStore;
  readonly handoffs: HandoffStore;
  /** Appends the events, queues the outgoing messages and closes the inbox entry in one transaction. */
  commitTurn(commit: TurnCommit): Promise<{ lastSeq: number }>;
  /** Appends the events and queues the outgoing entries in one transaction. */
  appendEvents(append: EventsAppend): Promise<{ lastSeq: number }>;
  /** Cheap liveness check for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Serialises work per key (a conversation id) across everything that shares the lock. */
export interface ConversationLock {
  withLock<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new globally unique id, with a readable prefix such as `conv`. */
  next(prefix: string): string;
}

export interface Understanding {
  readonly intent: string | null;
  readonly confidence: number;
  /** Which stage decided (for example `pattern`, `classifier`, `below-threshold`). */
  readonly stage: string;
  /** Human-readable explanation of the decision, for debugging and the event log. */
  readonly reason: string;
  readonly ranking: readonly RankedIntent[];
  readonly entities: readonly ExtractedEntity[];
}

export interface Understander {
  understand(text: string): Understanding | Promise<Understanding>;
}

export type ConnectorResult =
  | { readonly outcome: 'success'; readonly data: unknown }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'error'; readonly code: string; readonly message: string };

/** The dialogue engine's way to reach business systems. */
export interface ConnectorGateway {
  call(connector: string, operation: string, args: Readonly<Record<string, string>>): Promise<ConnectorResult>;
}

/**
 * What a sender may attach to the error it throws when a send fails. Without either, the delivery
 * worker retries with exponential backoff until its last attempt.
 */
export interface DeliveryFailureHints {
  /** Retrying cannot help (the receiver refused the entry): the worker gives up at once. */
  readonly permanent?: boolean;
  /** The receiver asked to wait (Retry-After): the next attempt comes no sooner than this. */
  readonly retryAfterMs?: number;
}

/** Sends outbox entries of one kind; a send that throws is retried by the delivery worker. */
export interface OutboxSender<P extends OutboxPayload> {
  send(entry: OutboxEntry<P>): Promise<void>;
}

/** Sends outgoing messages on one channel. Pull channels (REST) deliver by being read. */
export interface ChannelSender extends OutboxSender<OutgoingMessage> {
  readonly channel: string;
}

export interface IntentCandidate { readonly name: string; readonly examples: readonly string[] }
export interface ProviderIntentResult {
  /** null when the provider also thinks the message is out of scope. */
  readonly intent: string | null;
  readonly confidence: number;
  readonly reason: string;
}
/** A slower, optional judge for messages the trained classifier is unsure about. */
export interface IntentProvider {
  readonly name: string;
  classify(text: string, candidates: readonly IntentCandidate[], signal?: AbortSignal): Promise<ProviderIntentResult>;
}

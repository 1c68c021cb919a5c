import { z } from 'zod';
import { ParleyError } from './errors.js';
import { outgoingMessageSchema } from './messages.js';

/**
 * The conversation is an append-only log of these events; everything else (tracker, history,
 * analytics) is derived from it. Each type carries a schema version `v`: a change that is not
 * purely additive bumps it and registers an upcaster, so events written by older releases stay
 * readable forever.
 */

export const extractedEntitySchema = z.object({
  entity: z.string(),
  value: z.unknown(),
  text: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  confidence: z.number().min(0).max(1),
  extractor: z.string(),
});
export type ExtractedEntity = z.infer<typeof extractedEntitySchema>;

export const rankedIntentSchema = z.object({ intent: z.string(), confidence: z.number().min(0).max(1) });
export type RankedIntent = z.infer<typeof rankedIntentSchema>;

const payloads = {
  'session-started': z.object({ channel: z.string(), userId: z.string().optional() }),
  'session-ended': z.object({ reason: z.string() }),
  'user-message': z.object({
    inboxId: z.string(),
    clientMessageId: z.string(),
    channel: z.string(),
    text: z.string(),
  }),
  'intent-recognized': z.object({
    intent: z.string().nullable(),
    confidence: z.number().min(0).max(1),
    stage: z.string(),
    reason: z.string(),
    ranking: z.array(rankedIntentSchema),
    entities: z.array(extractedEntitySchema),
  }),
  /** `flow` names the flow that set the slot (absent for slots set outside a flow, and in old events). */
  'slot-set': z.object({ slot: z.string(), value: z.unknown(), flow: z.string().optional() }),
  'flow-started': z.object({ flow: z.string() }),
  'flow-waiting': z.object({ flow: z.string(), step: z.number().int().nonnegative(), slot: z.string(), attempts: z.number().int().nonnegative() }),
  'flow-completed': z.object({ flow: z.string() }),
  'flow-cancelled': z.object({ flow: z.string(), reason: z.string() }),
  'action-executed': z.object({
    action: z.string(),
    outcome: z.enum(['success', 'not-found', 'error']),
    durationMs: z.number().nonnegative(),
    errorCode: z.string().optional(),
    /** What went wrong, for whoever reads the log (an action's own error message, shortened). */
    error: z.string().optional(),
  }),
  'bot-message': z.object({ messageId: z.string(), inReplyTo: z.string().optional(), message: outgoingMessageSchema }),
  'handoff-requested': z.object({ reason: z.string(), queue: z.string().optional() }),
  'agent-assigned': z.object({ agentId: z.string() }),
  'agent-message': z.object({ agentId: z.string(), messageId: z.string(), text: z.string() }),
  'feedback-given': z.object({ rating: z.enum(['up', 'down']), comment: z.string().optional(), messageId: z.string().optional() }),
  'turn-failed': z.object({ inboxId: z.string(), code: z.string() }),
  /** What the dialogue policy decided for a message no flow took, and why. */
  'policy-applied': z.object({ policy: z.enum(['fallback', 'clarify', 'offer-human']), reason: z.string(), intents: z.array(z.string()).optional() }),
  /** A person gave the conversation back to the queue (went offline, or let it go). */
  'handoff-released': z.object({ agentId: z.string(), reason: z.string() }),
  'handoff-transferred': z.object({ from: z.string(), to: z.string(), agentId: z.string().optional() }),
  /** Back to the bot. */
  'handoff-resolved': z.object({ by: z.enum(['agent', 'admin', 'api']), agentId: z.string().optional() }),
  /** For the team only: never shown to the customer. */
  'agent-note': z.object({ agentId: z.string(), noteId: z.string(), text: z.string() }),
  'sla-breached': z.object({ team: z.string(), targetSeconds: z.number(), waitedSeconds: z.number() }),
  /** A message taken for people to follow up, with what the bot knew. */
  'ticket-created': z.object({
    ticketId: z.string(),
    team: z.string(),
    reason: z.string(),
    slots: z.record(z.string(), z.unknown()),
    transcript: z.array(z.object({ user: z.string(), intent: z.string().nullable(), bot: z.array(z.string()) })),
  }),
  /** Nobody could take over (outside business hours, nobody online): the customer was told so. */
  'handoff-unavailable': z.object({ team: z.string(), reason: z.string() }),
  /** A question answered from the knowledge base (or not: `answered: false` when the evidence was too weak). */
  'knowledge-answered': z.object({
    answered: z.boolean(),
    mode: z.enum(['extractive', 'generated', 'none']),
    evidence: z.number().min(0).max(1),
    sources: z.array(z.string()),
    reason: z.string(),
  }),
} as const;

export type EventType = keyof typeof payloads;
export const eventTypes = Object.keys(payloads) as EventType[];
export type EventPayload<T extends EventType> = z.infer<(typeof payloads)[T]>;

/** The current schema version of every event type. */
export const currentEventVersion: Record<EventType, number> = Object.fromEntries(
  eventTypes.map((type) => [type, 1]),
) as Record<EventType, number>;

/** An event before the store has placed it in the log. */
export type EventDraft = { [T in EventType]: { id: string; at: string; v: number; type: T; data: EventPayload<T> } }[EventType];

/** An event as stored: numbered by its position in the conversation. */
export type ConversationEvent = EventDraft & { conversationId: string; seq: number };

export type EventOf<T extends EventType> = Extract<ConversationEvent, { type: T }>;

export function makeEvent<T extends EventType>(type: T, data: EventPayload<T>, id: string, at: Date): EventDraft {
  return { id, at: at.toISOString(), v: currentEventVersion[type], type, data } as EventDraft;
}

/** Raw form read back from storage: a row whose data column holds JSON. */
export interface RawStoredEvent {
  conversationId: string;
  seq: number;
  id: string;
  at: string;
  type: string;
  v: number;
  data: unknown;
}

/** Turns an event of an older version into the next version's shape. */
export type Upcaster = (data: unknown) => unknown;
/** Keyed by `${type}@${fromVersion}`. */
export type UpcasterRegistry = ReadonlyMap<string, Upcaster>;

export const defaultUpcasters: UpcasterRegistry = new Map();

/**
 * Validates a stored event, upgrading it to the current version first. An event that cannot be
 * read is an error, not something to skip: a silently dropped event would change the history.
 */
export function readStoredEvent(raw: RawStoredEvent, upcasters: UpcasterRegistry = defaultUpcasters): ConversationEvent {
  if (!(eventTypes as string[]).includes(raw.type)) {
    throw new ParleyError('PARLEY_STORE_CORRUPT_EVENT', `Unknown event type "${raw.type}" at seq ${raw.seq}`);
  }
  const type = raw.type as EventType;
  let version = raw.v;
  let data = raw.data;
  while (version < currentEventVersion[type]) {
    const upcast = upcasters.get(`${type}@${version}`);
    if (!upcast) {
      throw new ParleyError('PARLEY_STORE_CORRUPT_EVENT', `No upcaster for ${type} v${version}`);
    }
    data = upcast(data);
    version += 1;
  }
  if (version > currentEventVersion[type]) {
    throw new ParleyError(
      'PARLEY_STORE_CORRUPT_EVENT',
      `Event ${type} v${version} was written by a newer Parley (this one reads up to v${currentEventVersion[type]})`,
    );
  }
  const parsed = payloads[type].safeParse(data);
  if (!parsed.success) {
    throw new ParleyError('PARLEY_STORE_CORRUPT_EVENT', `Event ${type} at seq ${raw.seq} does not match its schema`, {
      cause: parsed.error,
    });
  }
  return { conversationId: raw.conversationId, seq: raw.seq, id: raw.id, at: raw.at, v: version, type, data: parsed.data } as ConversationEvent;
}

export function validateEventDraft(draft: EventDraft): EventDraft {
  const parsed = payloads[draft.type].safeParse(draft.data);
  if (!parsed.success) {
    throw new ParleyError('PARLEY_INTERNAL', `Refusing to append an invalid ${draft.type} event`, { cause: parsed.error });
  }
  return draft;
}

/** An event's type and data, before it is given an id, a time and a version. */
export type EventBody = { [T in EventType]: { type: T; data: EventPayload<T> } }[EventType];

export function draftFromBody(body: EventBody, id: string, at: Date): EventDraft {
  return { id, at: at.toISOString(), v: currentEventVersion[body.type], ...body } as EventDraft;
}

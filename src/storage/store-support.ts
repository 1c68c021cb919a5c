import { Buffer } from 'node:buffer';
import { ParleyError } from '../core/errors.js';
import { validateEventDraft } from '../core/events.js';
import type { EventDraft } from '../core/events.js';

/**
 * Conventions every store implementation shares, so the memory and SQLite stores (and any later
 * one) agree on the edge cases the port leaves to the implementation.
 */

/**
 * Timestamps are stored in the one form `Date#toISOString` produces. Stores order and compare them
 * as strings (the outbox schedule, the conversation listing), which is only sound when every
 * value has the same shape: "…00Z" would otherwise sort after "…00.500Z".
 */
export function canonicalTime(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new ParleyError('PARLEY_INTERNAL', `${field} is not a timestamp`, { details: { field } });
  }
  return new Date(time).toISOString();
}

export function addMilliseconds(timestamp: string, milliseconds: number): string {
  return new Date(Date.parse(timestamp) + milliseconds).toISOString();
}

/** A page size or event limit; both come from API query parameters in the end. */
export function requirePositiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ParleyError('PARLEY_API_VALIDATION', `${field} must be a positive integer`, { details: { field } });
  }
  return value;
}

export interface ConversationCursor {
  readonly createdAt: string;
  readonly id: string;
}

/** Opaque to clients; it names the last conversation of the page so the next page starts after it. */
export function encodeCursor(cursor: ConversationCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): ConversationCursor {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const separator = text.indexOf('|');
  const createdAt = text.slice(0, separator);
  const id = text.slice(separator + 1);
  // Round-tripping the timestamp rejects anything this code did not produce itself.
  if (separator < 1 || id === '' || Number.isNaN(Date.parse(createdAt)) || new Date(createdAt).toISOString() !== createdAt) {
    throw new ParleyError('PARLEY_API_VALIDATION', 'The cursor is not valid; use the nextCursor of a previous page');
  }
  return { createdAt, id };
}

export function storeClosedError(kind: string): ParleyError {
  return new ParleyError('PARLEY_STORE_UNAVAILABLE', `The ${kind} store has been closed`);
}

export function staleTurnError(conversationId: string, expectedLastSeq: number, actualLastSeq: number): ParleyError {
  return new ParleyError(
    'PARLEY_STORE_CONFLICT',
    `Conversation ${conversationId} ends at seq ${actualLastSeq}, not ${expectedLastSeq}: another turn was committed first`,
    { details: { conversationId, expectedLastSeq, actualLastSeq } },
  );
}

export function inboxNotPendingError(inboxId: string, conversationId: string): ParleyError {
  return new ParleyError(
    'PARLEY_STORE_CONFLICT',
    `Inbox entry ${inboxId} is not a pending message of conversation ${conversationId}`,
    { details: { inboxId, conversationId } },
  );
}

export function conversationNotFoundError(conversationId: string): ParleyError {
  return new ParleyError('PARLEY_CONVERSATION_NOT_FOUND', `Conversation ${conversationId} does not exist`, {
    details: { conversationId },
  });
}

/** An event draft as it is written: validated, with a canonical time and its data as JSON text. */
export interface SerializedEvent {
  readonly id: string;
  readonly at: string;
  readonly type: string;
  readonly v: number;
  readonly data: string;
}

/**
 * Validates before writing: an event that does not match its schema would make the whole log
 * unreadable later (reading refuses corrupt events rather than skipping them).
 */
export function serializeEvent(draft: EventDraft): SerializedEvent {
  validateEventDraft(draft);
  return { id: draft.id, at: canonicalTime(draft.at, 'event.at'), type: draft.type, v: draft.v, data: JSON.stringify(draft.data) };
}

/** Reads an event's JSON column; text that is not JSON is as corrupt as JSON of the wrong shape. */
export function parseEventData(text: string, seq: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ParleyError('PARLEY_STORE_CORRUPT_EVENT', `Event at seq ${seq} does not hold JSON data`, { cause: error });
  }
}

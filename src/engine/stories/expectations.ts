import type { ConversationEvent, ExtractedEntity, OutgoingMessage } from '../../core/index.js';
import type { ReplyExpectation, StoryStep } from './story-file.js';

/**
 * Compares what one turn did, read back from the conversation's event log, with what a story
 * step expects. Every difference is kept, each with a small diff: `-` lines are what the story
 * expected, `+` lines what happened, and unmarked lines are context that matched.
 */

export interface ObservedTurn {
  /** null when the turn recorded no intent-recognized event. */
  readonly intent: { readonly name: string | null; readonly confidence: number; readonly stage: string } | null;
  readonly entities: readonly ExtractedEntity[];
  /** The slots after the turn. */
  readonly slots: Readonly<Record<string, unknown>>;
  readonly replies: readonly OutgoingMessage[];
  readonly actions: readonly { readonly action: string; readonly outcome: string }[];
  readonly handoff: boolean;
  /** The error code of a turn that failed unexpectedly, null otherwise. */
  readonly failure: string | null;
}

export type MismatchField = 'turn' | 'intent' | 'entities' | 'slots' | 'bot' | 'buttons' | 'actions' | 'handoff';

export interface DiffLine {
  readonly sign: '-' | '+' | ' ';
  readonly text: string;
}

export interface Mismatch {
  readonly field: MismatchField;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly diff: readonly DiffLine[];
}

/** The turn as read from its events: `events` are the turn's own, `slots` the tracker's after it. */
export function observeTurn(events: readonly ConversationEvent[], slots: Readonly<Record<string, unknown>>): ObservedTurn {
  let intent: ObservedTurn['intent'] = null;
  let entities: readonly ExtractedEntity[] = [];
  const replies: OutgoingMessage[] = [];
  const actions: { action: string; outcome: string }[] = [];
  let handoff = false;
  let failure: string | null = null;
  for (const event of events) {
    switch (event.type) {
      case 'intent-recognized':
        intent = { name: event.data.intent, confidence: event.data.confidence, stage: event.data.stage };
        entities = event.data.entities;
        break;
      case 'bot-message':
        replies.push(event.data.message);
        break;
      case 'action-executed':
        actions.push({ action: event.data.action, outcome: event.data.outcome });
        break;
      case 'handoff-requested':
        handoff = true;
        break;
      case 'turn-failed':
        failure = event.data.code;
        break;
      default:
        break;
    }
  }
  return { intent, entities, slots, replies, actions, handoff, failure };
}

export function compareTurn(step: StoryStep, observed: ObservedTurn): Mismatch[] {
  const mismatches: Mismatch[] = [];
  if (observed.failure !== null) {
    mismatches.push({
      field: 'turn',
      expected: 'completed',
      actual: `failed: ${observed.failure}`,
      diff: [
        { sign: '-', text: 'the turn completes' },
        { sign: '+', text: `the turn failed with ${observed.failure} (the bot answered with its error response)` },
      ],
    });
  }
  if (step.intent !== undefined) {
    const actual = observed.intent?.name ?? null;
    if (actual !== step.intent) {
      mismatches.push({
        field: 'intent',
        expected: step.intent,
        actual,
        diff: [
          { sign: '-', text: intentLabel(step.intent) },
          {
            sign: '+',
            text: observed.intent
              ? `${intentLabel(actual)} (confidence ${observed.intent.confidence.toFixed(2)}, ${observed.intent.stage})`
              : '(no intent recognised)',
          },
        ],
      });
    }
  }
  if (step.entities !== undefined) {
    const wrong = Object.entries(step.entities).filter(([entity, value]) => !entityMatches(observed.entities, entity, value));
    if (wrong.length > 0) {
      const diff: DiffLine[] = [];
      for (const [entity, value] of wrong) {
        const found = observed.entities.filter((candidate) => candidate.entity === entity);
        diff.push({ sign: '-', text: `${entity}: ${value === null ? '(not extracted)' : show(value)}` });
        if (found.length === 0) diff.push({ sign: '+', text: `${entity}: (not extracted)` });
        for (const candidate of found) diff.push({ sign: '+', text: `${entity}: ${show(candidate.value)} (from "${candidate.text}", ${candidate.extractor})` });
      }
      const others = observed.entities.filter((candidate) => !wrong.some(([entity]) => entity === candidate.entity));
      for (const candidate of others) diff.push({ sign: ' ', text: `${candidate.entity}: ${show(candidate.value)}` });
      mismatches.push({
        field: 'entities',
        expected: step.entities,
        actual: observed.entities.map((candidate) => ({ entity: candidate.entity, value: candidate.value, text: candidate.text })),
        diff,
      });
    }
  }
  if (step.slots !== undefined) {
    const wrong = Object.entries(step.slots).filter(([slot, value]) => !valueMatches(value, slotValue(observed.slots, slot)));
    if (wrong.length > 0) {
      const diff: DiffLine[] = [];
      for (const [slot, value] of wrong) {
        diff.push({ sign: '-', text: `${slot}: ${value === null ? '(not set)' : show(value)}` });
        const actual = slotValue(observed.slots, slot);
        diff.push({ sign: '+', text: `${slot}: ${actual === undefined || actual === null ? '(not set)' : show(actual)}` });
      }
      mismatches.push({
        field: 'slots',
        expected: step.slots,
        actual: Object.fromEntries(wrong.map(([slot]) => [slot, slotValue(observed.slots, slot) ?? null])),
        diff,
      });
    }
  }
  if (step.bot !== undefined) {
    const expected = step.bot;
    const texts = observed.replies.map((reply) => reply.text);
    const same = expected.length === texts.length && expected.every((reply, index) => replyMatches(reply, texts[index]!));
    if (!same) {
      const diff: DiffLine[] = [];
      for (let index = 0; index < Math.max(expected.length, texts.length); index += 1) {
        const want = expected[index];
        const got = texts[index];
        if (want !== undefined && got !== undefined && replyMatches(want, got)) {
          diff.push({ sign: ' ', text: got });
          continue;
        }
        if (want !== undefined) diff.push({ sign: '-', text: want.source });
        if (got !== undefined) diff.push({ sign: '+', text: got });
      }
      if (texts.length === 0) diff.push({ sign: '+', text: '(no reply)' });
      mismatches.push({ field: 'bot', expected: expected.map((reply) => reply.source), actual: texts, diff });
    }
  }
  if (step.buttons !== undefined) {
    const actual = observed.replies.flatMap((reply) => reply.buttons?.map((button) => button.title) ?? []);
    if (!sameList(step.buttons, actual)) {
      mismatches.push({ field: 'buttons', expected: step.buttons, actual, diff: listDiff(step.buttons, actual) });
    }
  }
  if (step.actions !== undefined) {
    const actual = observed.actions.map((action) => action.action);
    if (!sameList(step.actions, actual)) {
      const shown = observed.actions.map((action) => (action.outcome === 'success' ? action.action : `${action.action} (${action.outcome})`));
      mismatches.push({ field: 'actions', expected: step.actions, actual, diff: listDiff(step.actions, shown) });
    }
  }
  if (step.handoff !== undefined && step.handoff !== observed.handoff) {
    mismatches.push({
      field: 'handoff',
      expected: step.handoff,
      actual: observed.handoff,
      diff: [
        { sign: '-', text: step.handoff ? 'handoff requested' : 'no handoff' },
        { sign: '+', text: observed.handoff ? 'handoff requested' : 'no handoff' },
      ],
    });
  }
  return mismatches;
}

export function replyMatches(expected: ReplyExpectation, actual: string): boolean {
  return expected.kind === 'exact' ? expected.text === actual : expected.pattern.test(actual);
}

/** A slot by name, or a field inside one by a dotted path (`order.status`). */
export function slotValue(slots: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(slots, path)) return slots[path];
  let current: unknown = slots;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Whether an actual value is what a story wrote: scalars compare as text (YAML's 20481 and the
 * entity's "20481" are the same order number), maps compare as subsets, lists element by
 * element, and null stands for "not set".
 */
export function valueMatches(expected: unknown, actual: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (isScalar(expected)) return isScalar(actual) && String(expected) === String(actual);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, index) => valueMatches(item, actual[index]));
  }
  if (typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) => valueMatches(value, (actual as Record<string, unknown>)[key]));
  }
  return false;
}

function entityMatches(entities: readonly ExtractedEntity[], entity: string, expected: unknown): boolean {
  const found = entities.filter((candidate) => candidate.entity === entity);
  if (expected === null) return found.length === 0;
  return found.some((candidate) => valueMatches(expected, candidate.value));
}

function isScalar(value: unknown): value is string | number | boolean | bigint {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint';
}

function sameList(expected: readonly string[], actual: readonly string[]): boolean {
  return expected.length === actual.length && expected.every((item, index) => item === actual[index]);
}

function listDiff(expected: readonly string[], actual: readonly string[]): DiffLine[] {
  return [
    { sign: '-', text: showList(expected) },
    { sign: '+', text: showList(actual) },
  ];
}

function showList(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

function intentLabel(intent: string | null): string {
  return intent ?? 'null (out of scope)';
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

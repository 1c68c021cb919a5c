import { describe, expect, it } from 'vitest';
import {
  botConfigSchema,
  emptyTracker,
  flowSchema,
  type BotDefinition,
  type ConnectorGateway,
  type ExtractedEntity,
  type Tracker,
  type Understanding,
} from '../../src/core/index.js';
import { applyEvent } from '../../src/core/index.js';
import { createConnectorGateway } from '../../src/connectors/index.js';
import { createDialogueEngine, type DialogueEffect } from '../../src/dialogue/index.js';

const bot: BotDefinition = {
  config: botConfigSchema.parse({ name: 'test', connectors: { orders: { type: 'static', file: 'orders.yaml' } }, error_response: 'oops' }),
  intents: [],
  entities: [],
  responses: {
    fallback: [{ text: 'Sorry, I did not get that.' }],
    oops: [{ text: 'Something broke.' }],
    greet: [{ text: 'Hi!' }, { text: 'Hello!' }, { text: 'Hey there!' }],
    ask_number: [{ text: 'Which order?' }],
    bad_number: [{ text: 'That is not an order number.' }],
    not_found: [{ text: 'No order {order_number}.' }],
    shipped: [{ text: 'Order {order.id} is on its way with {order.carrier}.' }],
    other_status: [{ text: 'Order {order.id} is {order.status}.' }],
    handing_over: [{ text: 'A person will take over.' }],
  },
  flows: [
    flowSchema.parse({ name: 'greet', trigger: { intents: ['greet'] }, steps: [{ say: 'greet' }] }),
    flowSchema.parse({
      name: 'order_status',
      trigger: { intents: ['order_status'] },
      steps: [
        { collect: 'order_number', ask: 'ask_number', entity: 'order_number', validate: { pattern: '^\\d{5}$', invalid: 'bad_number' }, max_attempts: 2 },
        { call: 'orders.get', with: { id: '{order_number}' }, save_as: 'order', on_not_found: 'not_found' },
        { if: { slot: 'order.status', equals: 'shipped' }, say: 'shipped' },
        { if: { slot: 'order.status', in: ['processing', 'delivered'] }, say: 'other_status' },
      ],
    }),
    flowSchema.parse({ name: 'human', trigger: { intents: ['human'] }, steps: [{ handoff: { reason: 'asked', say: 'handing_over' } }] }),
  ],
  connectorData: {
    orders: [
      { id: '12345', status: 'shipped', carrier: 'DHL' },
      { id: '22222', status: 'processing', carrier: null },
    ],
  },
  contentHash: 'test',
};

function understood(intent: string | null, entities: ExtractedEntity[] = []): Understanding {
  return { intent, confidence: intent ? 0.9 : 0.1, stage: 'test', reason: 'test', ranking: [], entities };
}

function orderNumber(value: string): ExtractedEntity {
  return { entity: 'order_number', value, text: value, start: 0, end: value.length, confidence: 1, extractor: 'regex' };
}

/** Applies a decision's events so the next turn sees them, as the turn engine does. */
function advance(tracker: Tracker, effects: DialogueEffect[]): Tracker {
  let next = tracker;
  for (const effect of effects) {
    if (effect.kind === 'event') next = applyEvent(next, { ...effect.event, id: 'e', at: '', v: 1, conversationId: tracker.conversationId, seq: next.lastSeq + 1 } as never);
  }
  return next;
}

const said = (effects: DialogueEffect[]) => effects.flatMap((effect) => (effect.kind === 'say' ? [effect.message.text] : []));
const eventTypes = (effects: DialogueEffect[]) => effects.flatMap((effect) => (effect.kind === 'event' ? [effect.event.type] : []));

describe('dialogue engine', () => {
  const engine = createDialogueEngine(bot, createConnectorGateway(bot), { now: () => 0 });

  it('falls back when no flow matches', async () => {
    const effects = await engine.decide({ tracker: emptyTracker('c'), understanding: understood(null), text: 'blah', turnId: 't1' });
    expect(said(effects)).toEqual(['Sorry, I did not get that.']);
  });

  it('asks for a missing slot, then continues the flow with the answer', async () => {
    let tracker = emptyTracker('c');
    const first = await engine.decide({ tracker, understanding: understood('order_status'), text: 'where is my order', turnId: 't1' });
    expect(said(first)).toEqual(['Which order?']);
    expect(eventTypes(first)).toEqual(['flow-started', 'flow-waiting']);
    tracker = advance(tracker, first);
    expect(tracker.flowStack).toEqual([{ flow: 'order_status', step: 0, waitingFor: 'order_number', attempts: 0 }]);

    const second = await engine.decide({ tracker, understanding: understood(null, [orderNumber('12345')]), text: '12345', turnId: 't2' });
    expect(said(second)).toEqual(['Order 12345 is on its way with DHL.']);
    expect(eventTypes(second)).toEqual(['slot-set', 'action-executed', 'slot-set', 'flow-completed']);
    expect(advance(tracker, second).flowStack).toEqual([]);
  });

  it('fills the slot from the triggering message and skips the question', async () => {
    const effects = await engine.decide({ tracker: emptyTracker('c'), understanding: understood('order_status', [orderNumber('22222')]), text: 'order 22222?', turnId: 't' });
    expect(said(effects)).toEqual(['Order 22222 is processing.']);
  });

  it('re-asks on an invalid answer and gives up after max_attempts', async () => {
    let tracker = advance(emptyTracker('c'), await engine.decide({ tracker: emptyTracker('c'), understanding: understood('order_status'), text: 'order', turnId: 't1' }));
    const wrong = await engine.decide({ tracker, understanding: understood(null), text: 'no idea', turnId: 't2' });
    expect(said(wrong)).toEqual(['That is not an order number.']);
    tracker = advance(tracker, wrong);
    expect(tracker.flowStack[0]!.attempts).toBe(1);
    const again = await engine.decide({ tracker, understanding: understood(null), text: 'still no idea', turnId: 't3' });
    expect(said(again)).toEqual(['Sorry, I did not get that.']);
    expect(eventTypes(again)).toContain('flow-cancelled');
    expect(advance(tracker, again).flowStack).toEqual([]);
  });

  it('rejects an entity value that fails validation', async () => {
    const tracker = advance(emptyTracker('c'), await engine.decide({ tracker: emptyTracker('c'), understanding: understood('order_status'), text: 'order', turnId: 't1' }));
    const effects = await engine.decide({ tracker, understanding: understood(null, [orderNumber('123')]), text: '123', turnId: 't2' });
    expect(said(effects)).toEqual(['That is not an order number.']);
  });

  it('lets another intent interrupt a waiting flow', async () => {
    const tracker = advance(emptyTracker('c'), await engine.decide({ tracker: emptyTracker('c'), understanding: understood('order_status'), text: 'order', turnId: 't1' }));
    const effects = await engine.decide({ tracker, understanding: understood('greet'), text: 'hello', turnId: 't2' });
    expect(eventTypes(effects)).toEqual(['flow-cancelled', 'flow-started', 'flow-completed']);
    expect(advance(tracker, effects).flowStack).toEqual([]);
  });

  it('clears a slot left from an earlier run of the flow', async () => {
    let tracker = advance(emptyTracker('c'), await engine.decide({ tracker: emptyTracker('c'), understanding: understood('order_status', [orderNumber('12345')]), text: 'x', turnId: 't1' }));
    expect(tracker.slots.order_number).toBe('12345');
    const effects = await engine.decide({ tracker, understanding: understood('order_status'), text: 'where is my order', turnId: 't2' });
    expect(said(effects)).toEqual(['Which order?']);
    tracker = advance(tracker, effects);
    expect(tracker.slots.order_number).toBeNull();
  });

  it('says the not-found response when the connector has no record', async () => {
    const effects = await engine.decide({ tracker: emptyTracker('c'), understanding: understood('order_status', [orderNumber('99999')]), text: 'x', turnId: 't' });
    expect(said(effects)).toEqual(['No order 99999.']);
    expect(effects).toContainEqual({ kind: 'event', event: { type: 'action-executed', data: { action: 'orders.get', outcome: 'not-found', durationMs: 0 } } });
  });

  it('says the error response when the connector fails', async () => {
    const failing: ConnectorGateway = { call: async () => ({ outcome: 'error', code: 'PARLEY_CONNECTOR_FAILED', message: 'down' }) };
    const broken = createDialogueEngine(bot, failing, { now: () => 0 });
    const effects = await broken.decide({ tracker: emptyTracker('c'), understanding: understood('order_status', [orderNumber('12345')]), text: 'x', turnId: 't' });
    expect(said(effects)).toEqual(['Something broke.']);
    expect(eventTypes(effects)).toContain('flow-cancelled');
  });

  it('records a handoff request', async () => {
    const effects = await engine.decide({ tracker: emptyTracker('c'), understanding: understood('human'), text: 'agent', turnId: 't' });
    expect(effects).toContainEqual({ kind: 'event', event: { type: 'handoff-requested', data: { reason: 'asked', queue: 'support' } } });
    expect(said(effects)).toEqual(['A person will take over.']);
  });

  it('picks response variations deterministically per turn', async () => {
    const pick = async (turnId: string) => said(await engine.decide({ tracker: emptyTracker('c'), understanding: understood('greet'), text: 'hi', turnId }))[0];
    expect(await pick('turn-a')).toBe(await pick('turn-a'));
    const seen = new Set(await Promise.all(Array.from({ length: 30 }, (_, i) => pick(`turn-${i}`))));
    expect(seen.size).toBeGreaterThan(1);
  });
});

import { describe, expect, it } from 'vitest';
import { applyEvent, botConfigSchema, emptyTracker, flowSchema, type BotDefinition, type ExtractedEntity, type Tracker, type Understanding } from '../../src/core/index.js';
import { createConnectorGateway } from '../../src/connectors/index.js';
import { createDialogueEngine, type DialogueEffect } from '../../src/dialogue/index.js';

/** Digressions, cancel, confirmation with corrections, goto and several slots in one message. */

const bot: BotDefinition = {
  config: botConfigSchema.parse({ name: 'test', dialogue: { cancel_intent: 'cancel', cancelled_response: 'cancelled' } }),
  intents: [],
  entities: [],
  responses: {
    fallback: [{ text: 'Sorry?' }],
    cancelled: [{ text: 'Okay, stopped.' }],
    ask_order: [{ text: 'Which order?' }],
    ask_reason: [{ text: 'Why return it?' }],
    confirm_return: [{ text: 'Return order {order_number} because {reason}?' }],
    return_started: [{ text: 'Return for {order_number} started.' }],
    not_returned: [{ text: 'Fine, no return.' }],
    shipping: [{ text: 'Shipping takes 3 days.' }],
    handover: [{ text: 'Now the address for {order_number}.' }],
  },
  flows: [
    flowSchema.parse({
      name: 'return_order',
      trigger: { intents: ['return'] },
      steps: [
        { collect: 'order_number', ask: 'ask_order', entity: 'order_number' },
        { collect: 'reason', ask: 'ask_reason', entity: 'reason' },
        { confirm: { ask: 'confirm_return', on_no: 'not_returned' } },
        { say: 'return_started' },
      ],
    }),
    flowSchema.parse({ name: 'shipping', trigger: { intents: ['shipping'] }, digression: true, steps: [{ say: 'shipping' }] }),
    flowSchema.parse({ name: 'change_order', trigger: { intents: ['change'] }, steps: [{ collect: 'order_number', ask: 'ask_order', entity: 'order_number' }, { goto: 'address' }] }),
    flowSchema.parse({ name: 'address', trigger: { intents: ['address'] }, steps: [{ collect: 'order_number', ask: 'ask_order', entity: 'order_number' }, { say: 'handover' }] }),
  ],
  connectorData: {},
  contentHash: 'test',
};

const engine = createDialogueEngine(bot, createConnectorGateway(bot), { now: () => 0 });

function entity(name: string, value: string): ExtractedEntity {
  return { entity: name, value, text: value, start: 0, end: value.length, confidence: 1, extractor: 'test' };
}
function understood(intent: string | null, ...entities: ExtractedEntity[]): Understanding {
  return { intent, confidence: 0.9, stage: 'test', reason: 'test', ranking: [], entities };
}

/** Plays turns through the engine, folding each turn's events into the tracker like the turn engine does. */
async function conversation(turns: [text: string, understanding: Understanding][]): Promise<{ said: string[][]; tracker: Tracker }> {
  let tracker = emptyTracker('c');
  const said: string[][] = [];
  for (const [i, [text, understanding]] of turns.entries()) {
    const effects: DialogueEffect[] = await engine.decide({ tracker, understanding, text, turnId: `t${i}` });
    said.push(effects.flatMap((effect) => (effect.kind === 'say' ? [effect.message.text] : [])));
    for (const effect of effects) {
      if (effect.kind === 'event') tracker = applyEvent(tracker, { ...effect.event, id: 'e', at: '', v: 1, conversationId: 'c', seq: tracker.lastSeq + 1 } as never);
    }
  }
  return { said, tracker };
}

describe('flow control', () => {
  it('answers a digression mid-flow, then resumes the waiting question', async () => {
    const { said, tracker } = await conversation([
      ['I want to return something', understood('return')],
      ['how long does shipping take?', understood('shipping')],
      ['12345', understood(null, entity('order_number', '12345'))],
    ]);
    expect(said[1]).toEqual(['Shipping takes 3 days.', 'Which order?']);
    expect(said[2]).toEqual(['Why return it?']);
    expect(tracker.flowStack.map((frame) => frame.flow)).toEqual(['return_order']);
  });

  it('takes a weak guess at another intent as an attempt at the answer, not an interruption', async () => {
    const weak = (intent: string): Understanding => ({ ...understood(intent), confidence: 0.3 });
    const { said, tracker } = await conversation([
      ['I want to return something', understood('return')],
      ['abc', weak('shipping')],
      ['never', weak('cancel')],
    ]);
    expect(said[1]).toEqual(['Which order?']);
    expect(said[2]).toEqual(['Which order?']);
    expect(tracker.flowStack.map((frame) => [frame.flow, frame.attempts])).toEqual([['return_order', 2]]);
  });

  it('takes "no" at a confirmation and an answer that reads like "never mind" as answers, not as a cancel', async () => {
    const { said } = await conversation([
      ['I want to return order 12345', understood('return', entity('order_number', '12345'))],
      ['changed my mind', understood('cancel', entity('reason', 'changed my mind'))],
      ['no', understood('cancel')],
    ]);
    expect(said[1]).toEqual(['Return order 12345 because changed my mind?']);
    expect(said[2]).toEqual(['Fine, no return.']);
  });

  it('replaces the waiting flow when the new one is not a digression', async () => {
    const { said, tracker } = await conversation([
      ['return', understood('return')],
      ['change my address', understood('address')],
    ]);
    expect(said[1]).toEqual(['Which order?']);
    expect(tracker.flowStack.map((frame) => frame.flow)).toEqual(['address']);
  });

  it('cancels the flow on "never mind"', async () => {
    const { said, tracker } = await conversation([
      ['return', understood('return')],
      ['never mind', understood('cancel')],
    ]);
    expect(said[1]).toEqual(['Okay, stopped.']);
    expect(tracker.flowStack).toEqual([]);
  });

  it('takes several slots from one message', async () => {
    const { said } = await conversation([['return order 12345, it is broken', understood('return', entity('order_number', '12345'), entity('reason', 'broken'))]]);
    expect(said[0]).toEqual(['Return order 12345 because broken?']);
  });

  it('fills a later slot given early, while waiting for another', async () => {
    const { said } = await conversation([
      ['return', understood('return')],
      ['it arrived broken, order 12345', understood(null, entity('reason', 'broken'), entity('order_number', '12345'))],
    ]);
    expect(said[1]).toEqual(['Return order 12345 because broken?']);
  });

  it('confirms with yes, declines with no', async () => {
    const start: [string, Understanding] = ['return order 12345, broken', understood('return', entity('order_number', '12345'), entity('reason', 'broken'))];
    const yes = await conversation([start, ['yes please', understood(null)]]);
    expect(yes.said[1]).toEqual(['Return for 12345 started.']);
    expect(yes.tracker.flowStack).toEqual([]);
    const no = await conversation([start, ['no', understood(null)]]);
    expect(no.said[1]).toEqual(['Fine, no return.']);
    expect(no.tracker.flowStack).toEqual([]);
  });

  it('takes a correction at the confirmation and asks again', async () => {
    const { said, tracker } = await conversation([
      ['return order 12345, broken', understood('return', entity('order_number', '12345'), entity('reason', 'broken'))],
      ['no, order 44120', understood(null, entity('order_number', '44120'))],
      ['yes', understood(null)],
    ]);
    expect(said[1]).toEqual(['Return order 44120 because broken?']);
    expect(said[2]).toEqual(['Return for 44120 started.']);
    expect(tracker.slots.order_number).toBe('44120');
  });

  it('re-asks an unclear confirmation, then gives up', async () => {
    const { said, tracker } = await conversation([
      ['return order 12345, broken', understood('return', entity('order_number', '12345'), entity('reason', 'broken'))],
      ['hmm', understood(null)],
      ['what', understood(null)],
    ]);
    expect(said[1]).toEqual(['Return order 12345 because broken?']);
    expect(said[2]).toEqual(['Sorry?']);
    expect(tracker.flowStack).toEqual([]);
  });

  it('goes to another flow and carries its slots over', async () => {
    const { said, tracker } = await conversation([['change order 12345', understood('change', entity('order_number', '12345'))]]);
    expect(said[0]).toEqual(['Now the address for 12345.']);
    expect(tracker.flowStack).toEqual([]);
  });

  it('carries a slot another flow collected into a later flow, but asks again when the same flow runs again', async () => {
    const { said } = await conversation([
      ['new address for order 12345', understood('address', entity('order_number', '12345'))],
      ['I want to return it', understood('return')],
      ['never mind', understood('cancel')],
      ['change the address again', understood('address')],
    ]);
    expect(said[0]).toEqual(['Now the address for 12345.']);
    expect(said[1]).toEqual(['Why return it?']);
    expect(said[3]).toEqual(['Which order?']);
  });
});

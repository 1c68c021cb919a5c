import { describe, expect, it } from 'vitest';
import { applyEvent, botConfigSchema, emptyTracker, flowSchema, intentSchema, type BotDefinition, type Tracker, type Understanding } from '../../src/core/index.js';
import { createConnectorGateway } from '../../src/connectors/index.js';
import { createDialogueEngine, type DialogueEffect } from '../../src/dialogue/index.js';

function botWith(dialogue: Record<string, unknown>): BotDefinition {
  return {
    config: botConfigSchema.parse({ name: 'test', dialogue }),
    intents: [
      intentSchema.parse({ name: 'order_status', title: 'Track an order', examples: ['where is my order'] }),
      intentSchema.parse({ name: 'returns', examples: ['return policy'] }),
    ],
    entities: [],
    responses: {
      fallback: [{ text: 'Sorry?' }],
      clarify: [{ text: 'Did you mean one of these?' }],
      offer_human: [{ text: 'Shall I get a person?', buttons: [{ title: 'Yes, a person', payload: '/human' }] }],
      status: [{ text: 'Status!' }],
      returns: [{ text: 'Returns!' }],
    },
    flows: [
      flowSchema.parse({ name: 'order_status', trigger: { intents: ['order_status'] }, steps: [{ say: 'status' }] }),
      flowSchema.parse({ name: 'returns', trigger: { intents: ['returns'] }, steps: [{ say: 'returns' }] }),
    ],
    connectorData: {},
    contentHash: 'test',
  };
}

const unsure: Understanding = {
  intent: null,
  confidence: 0.4,
  stage: 'below-threshold',
  reason: 'classifier: best "order_status" at 0.400 < learned threshold 0.600',
  ranking: [
    { intent: 'order_status', confidence: 0.4 },
    { intent: 'returns', confidence: 0.3 },
  ],
  entities: [],
};
const outOfScope: Understanding = { ...unsure, stage: 'out-of-scope', reason: 'out-of-scope examples fit better' };
const understood: Understanding = { ...unsure, intent: 'returns', confidence: 0.9, stage: 'classifier' };

async function play(bot: BotDefinition, turns: Understanding[]) {
  const engine = createDialogueEngine(bot, createConnectorGateway(bot), { now: () => 0 });
  let tracker: Tracker = emptyTracker('c');
  const results: DialogueEffect[][] = [];
  for (const [i, understanding] of turns.entries()) {
    const effects = await engine.decide({ tracker, understanding, text: 'x', turnId: `t${i}` });
    results.push(effects);
    for (const effect of effects) {
      if (effect.kind === 'event') tracker = applyEvent(tracker, { ...effect.event, id: 'e', at: '', v: 1, conversationId: 'c', seq: tracker.lastSeq + 1 } as never);
    }
  }
  return results;
}

const policyOf = (effects: DialogueEffect[]) => effects.flatMap((effect) => (effect.kind === 'event' && effect.event.type === 'policy-applied' ? [effect.event.data] : []));
const messagesOf = (effects: DialogueEffect[]) => effects.flatMap((effect) => (effect.kind === 'say' ? [effect.message] : []));

describe('dialogue policies for messages no flow takes', () => {
  it('asks which of the two likeliest intents was meant, with both as buttons', async () => {
    const [effects] = await play(botWith({ clarify_response: 'clarify' }), [unsure]);
    expect(messagesOf(effects!)).toEqual([
      {
        type: 'text',
        text: 'Did you mean one of these?',
        buttons: [
          { title: 'Track an order', payload: '/order_status' },
          { title: 'returns', payload: '/returns' },
        ],
      },
    ]);
    expect(policyOf(effects!)).toEqual([expect.objectContaining({ policy: 'clarify', intents: ['order_status', 'returns'] })]);
  });

  it('falls back, not clarifies, when the message is out of scope or the second intent is too weak', async () => {
    const bot = botWith({ clarify_response: 'clarify', clarify_min_confidence: 0.35 });
    const [oos] = await play(bot, [outOfScope]);
    expect(messagesOf(oos!).map((message) => message.text)).toEqual(['Sorry?']);
    expect(policyOf(oos!)).toEqual([{ policy: 'fallback', reason: 'out-of-scope examples fit better' }]);
    const [weak] = await play(bot, [unsure]);
    expect(policyOf(weak!)[0]!.policy).toBe('fallback');
  });

  it('offers a person on the second miss in a row, and counts again after a flow', async () => {
    const results = await play(botWith({ clarify_response: 'clarify', offer_human_response: 'offer_human' }), [unsure, outOfScope, understood, outOfScope]);
    expect(policyOf(results[0]!)[0]!.policy).toBe('clarify');
    expect(policyOf(results[1]!)[0]!.policy).toBe('offer-human');
    expect(messagesOf(results[1]!)[0]!.buttons).toEqual([{ title: 'Yes, a person', payload: '/human' }]);
    expect(policyOf(results[2]!)).toEqual([]);
    expect(policyOf(results[3]!)[0]!.policy).toBe('fallback');
  });

  it('keeps the plain fallback when the bot configures no policy', async () => {
    const results = await play(botWith({}), [unsure, unsure, unsure]);
    for (const effects of results) expect(policyOf(effects)[0]!.policy).toBe('fallback');
  });

  it('asks instead of acting when the recognised intent barely leads another flow\'s intent', async () => {
    const close: Understanding = { ...unsure, intent: 'order_status', confidence: 0.41, stage: 'classifier', ranking: [{ intent: 'order_status', confidence: 0.41 }, { intent: 'returns', confidence: 0.37 }] };
    const clear: Understanding = { ...close, ranking: [{ intent: 'order_status', confidence: 0.61 }, { intent: 'returns', confidence: 0.2 }] };
    const bot = botWith({ clarify_response: 'clarify' });
    const [asked, acted] = await play(bot, [close, clear]);
    expect(messagesOf(asked!)).toEqual([expect.objectContaining({ text: 'Did you mean one of these?', buttons: [{ title: 'Track an order', payload: '/order_status' }, { title: 'returns', payload: '/returns' }] })]);
    expect(policyOf(asked!)).toEqual([expect.objectContaining({ policy: 'clarify', intents: ['order_status', 'returns'], reason: expect.stringContaining('too close to call') })]);
    expect(messagesOf(acted!).map((message) => message.text)).toEqual(['Status!']);
    const [off] = await play(botWith({ clarify_response: 'clarify', clarify_margin: 0 }), [close]);
    expect(messagesOf(off!).map((message) => message.text)).toEqual(['Status!']);
  });
});

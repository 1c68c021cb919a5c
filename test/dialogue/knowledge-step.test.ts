import { describe, expect, it } from 'vitest';
import { applyEvent, botConfigSchema, emptyTracker, flowSchema, type BotDefinition, type KnowledgeAnswerer, type KnowledgeQuestion, type Understanding } from '../../src/core/index.js';
import { createConnectorGateway } from '../../src/connectors/index.js';
import { createDialogueEngine } from '../../src/dialogue/index.js';

/** The dialogue's use of the knowledge base: an FAQ step, weak guesses, misses, and streamed answers. */

const asked: KnowledgeQuestion[] = [];
const answerer: KnowledgeAnswerer = {
  async answer(question) {
    asked.push(question);
    if (/refund/.test(question.question)) {
      question.onDelta?.('Refunds take ');
      question.onDelta?.('5 days.');
      return { kind: 'answer', text: 'Refunds take 5 days.', citations: [{ source: 'returns.md', title: 'Returns', section: null, link: null }], mode: 'generated', evidence: 0.9, reason: 'test' };
    }
    return { kind: 'unknown', evidence: 0.1, reason: 'nothing matches' };
  },
};

const bot: BotDefinition = {
  config: botConfigSchema.parse({ name: 'kb', knowledge: { dont_know_response: 'dont_know' } }),
  intents: [],
  entities: [],
  responses: { fallback: [{ text: 'Sorry?' }], dont_know: [{ text: 'I do not know; want a person?' }], status: [{ text: 'Status!' }], after: [{ text: 'Anything else?' }] },
  flows: [
    flowSchema.parse({ name: 'faq', trigger: { intents: ['faq'] }, steps: [{ answer: 'knowledge', tags: ['returns'] }, { say: 'after' }] }),
    flowSchema.parse({ name: 'status', trigger: { intents: ['order_status'] }, steps: [{ say: 'status' }] }),
  ],
  connectorData: {},
  contentHash: 'kb',
};

const understood = (intent: string | null, confidence: number, stage = 'classifier'): Understanding => ({ intent, confidence, stage, reason: 'test', ranking: [], entities: [] });

async function decide(text: string, understanding: Understanding) {
  const engine = createDialogueEngine(bot, createConnectorGateway(bot), { knowledge: answerer });
  const streamed: string[] = [];
  const effects = await engine.decide({
    tracker: emptyTracker('c'),
    understanding,
    text,
    turnId: 't',
    stream: { open: () => 'msg_streamed', delta: (id, delta) => streamed.push(`${id}:${delta}`) },
  });
  let tracker = emptyTracker('c');
  for (const effect of effects) if (effect.kind === 'event') tracker = applyEvent(tracker, { ...effect.event, id: 'e', at: '', v: 1, conversationId: 'c', seq: tracker.lastSeq + 1 } as never);
  return { effects, streamed, tracker, said: effects.flatMap((effect) => (effect.kind === 'say' ? [effect] : [])) };
}

describe('knowledge in the dialogue', () => {
  it('answers in an FAQ flow\'s step with the step\'s tags, streaming under the id the reply is said with', async () => {
    asked.length = 0;
    const { said, streamed } = await decide('how long does a refund take', understood('faq', 0.95));
    expect(asked[0]).toMatchObject({ question: 'how long does a refund take', tags: ['returns'] });
    expect(streamed).toEqual(['msg_streamed:Refunds take ', 'msg_streamed:5 days.']);
    expect(said.map((effect) => [effect.message.text, effect.messageId])).toEqual([
      ['Refunds take 5 days.\n\nSource: Returns', 'msg_streamed'],
      ['Anything else?', undefined],
    ]);
  });

  it('answers a message no flow takes, and says it does not know (a miss) when the documents cannot', async () => {
    const answered = await decide('refund please', understood(null, 0.1, 'out-of-scope'));
    expect(answered.said.map((effect) => effect.message.text)).toEqual(['Refunds take 5 days.\n\nSource: Returns']);
    expect(answered.tracker.consecutiveMisses).toBe(0);
    const unknown = await decide('weather in Berlin', understood(null, 0.1, 'out-of-scope'));
    expect(unknown.said.map((effect) => effect.message.text)).toEqual(['I do not know; want a person?']);
    expect(unknown.tracker.consecutiveMisses).toBe(1);
  });

  it('prefers a strong answer to a weak guess at an intent, but not to a confident one', async () => {
    const weak = await decide('refund for my status?', understood('order_status', 0.4));
    expect(weak.said.map((effect) => effect.message.text)).toEqual(['Refunds take 5 days.\n\nSource: Returns']);
    const confident = await decide('refund for my status?', understood('order_status', 0.9));
    expect(confident.said.map((effect) => effect.message.text)).toEqual(['Status!']);
    const weakButUnknown = await decide('where is it', understood('order_status', 0.4));
    expect(weakButUnknown.said.map((effect) => effect.message.text)).toEqual(['Status!']);
  });
});

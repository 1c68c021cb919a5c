import { describe, expect, it } from 'vitest';
import type { EntityDefinition, IntentDefinition, Understanding } from '../../src/core/index.js';
import { botConfigSchema, makeEvent, validateEventDraft } from '../../src/core/index.js';
import { createSimpleMatcher } from '../../src/nlu/index.js';
import { heldOut, outOfScope, shopEntities, shopIntents } from './shop-data.js';

const config = botConfigSchema.parse({ name: 'shop' });

function matcherFor(intents: IntentDefinition[], entities: EntityDefinition[] = [], threshold = config.nlu.threshold) {
  return createSimpleMatcher({ config: { ...config, nlu: { threshold } }, intents, entities });
}

const shop = matcherFor(shopIntents, shopEntities);

/** Everything the matcher says must be writable to the event log as it is. */
function understand(text: string, matcher = shop): Understanding {
  const understanding = matcher.understand(text);
  // The event payload's arrays are mutable types, the port's are readonly: hence the copies.
  const data = { ...understanding, ranking: [...understanding.ranking], entities: [...understanding.entities] };
  validateEventDraft(makeEvent('intent-recognized', data, 'evt_1', new Date(0)));
  expect(understanding.reason.length).toBeGreaterThan(0);
  return understanding;
}

describe('simple matcher', () => {
  it('decides by similarity above the threshold and explains why', () => {
    const result = understand("Where's my package?");
    expect(result).toMatchObject({ intent: 'track_order', stage: 'similarity' });
    expect(result.confidence).toBeGreaterThanOrEqual(config.nlu.threshold);
    expect(result.ranking[0]).toEqual({ intent: 'track_order', confidence: result.confidence });
    expect(result.reason).toContain('"track_order"');
    expect(result.reason).toContain('"where is my package"');
    expect(result.reason).toContain('threshold 0.45');
  });

  it('understands held-out utterances with accuracy above the floor', () => {
    const correct = heldOut.filter(([utterance, intent]) => understand(utterance).intent === intent);
    expect(correct.length / heldOut.length).toBeGreaterThanOrEqual(0.8);
  });

  it('answers clear out-of-scope sentences with no intent, naming the best candidate', () => {
    for (const utterance of outOfScope) {
      const result = understand(utterance);
      expect(result.intent, utterance).toBeNull();
      expect(result.stage).toBe('below-threshold');
      expect(result.confidence).toBeLessThan(config.nlu.threshold);
      if (result.ranking.length > 0) {
        expect(result.reason).toContain(`"${result.ranking[0]!.intent}"`);
        expect(result.reason).toContain('below the threshold 0.45');
      }
    }
  });

  it('follows the bot\'s threshold', () => {
    const strict = matcherFor(shopIntents, [], 0.99);
    const result = understand('wheres my pakage', strict);
    expect(result.intent).toBeNull();
    expect(result.stage).toBe('below-threshold');
    expect(result.ranking[0]?.intent).toBe('track_order');
    expect(result.reason).toMatch(/best candidate intent "track_order" scored 0\.\d{3} .*below the threshold 0\.99/);
  });

  it('tolerates typos', () => {
    expect(understand('wheres my pakage').intent).toBe('track_order');
    expect(understand('cancle my order').intent).toBe('cancel_order');
    expect(understand('what are your openng hours').intent).toBe('opening_hours');
    expect(understand('i want to talk to a humen').intent).toBe('human_agent');
    // Three typos in four words may fall short of the threshold, but still point the right way.
    expect(understand('plese cancle my ordr').ranking[0]?.intent).toBe('cancel_order');
  });

  it('lets a pattern beat similarity', () => {
    const matcher = matcherFor([
      { name: 'cancel_order', examples: ['cancel my order'], patterns: [] },
      { name: 'escalate', examples: [], patterns: ['\\bcancel my order\\b'] },
    ]);
    expect(understand('Cancel my order', matcher)).toEqual({
      intent: 'escalate',
      confidence: 1,
      stage: 'pattern',
      reason: 'pattern /\\bcancel my order\\b/ of intent "escalate" matched',
      ranking: [{ intent: 'escalate', confidence: 1 }],
      entities: [],
    });
  });

  it('decides a /intent payload, ahead of patterns', () => {
    const matcher = matcherFor([
      { name: 'greet', examples: ['hello'], patterns: ['bye'] },
      { name: 'goodbye', examples: ['bye'], patterns: [] },
    ]);
    expect(understand('/goodbye', matcher)).toMatchObject({ intent: 'goodbye', confidence: 1, stage: 'payload' });
    expect(understand('/track_order').intent).toBe('track_order');
  });

  it('lets an unknown payload fall through to the other stages', () => {
    const result = understand('/cancel_order_now');
    expect(result.stage).not.toBe('payload');
    expect(result.ranking[0]?.intent).toBe('cancel_order');
    expect(understand('/no_such_intent').stage).toBe('below-threshold');
  });

  it('extracts entities whatever the stage', () => {
    const byPattern = understand('track order ORD-123456 to NYC');
    expect(byPattern.stage).toBe('pattern');
    expect(byPattern.entities.map((entity) => [entity.entity, entity.value])).toEqual([
      ['order_id', 'ORD-123456'],
      ['city', 'New York'],
    ]);
    const bySimilarity = understand('has my order ORD-1234 shipped to Lisbn yet');
    expect(bySimilarity.stage).toBe('similarity');
    expect(bySimilarity.entities.map((entity) => [entity.entity, entity.value, entity.confidence])).toEqual([
      ['order_id', 'ORD-1234', 1],
      ['city', 'Lisbon', 0.8],
    ]);
    const belowThreshold = understand('headphones');
    expect(belowThreshold.intent).toBeNull();
    expect(belowThreshold.entities.map((entity) => entity.value)).toEqual(['headphones']);
    expect(understand('/greet ').entities).toEqual([]);
  });

  it('is deterministic, across calls and across matchers built from the same bot', () => {
    const twin = matcherFor(structuredClone(shopIntents), structuredClone(shopEntities));
    for (const text of [...heldOut.map(([utterance]) => utterance), ...outOfScope, 'ship ORD-1234 to new york city']) {
      const first = understand(text);
      expect(understand(text)).toEqual(first);
      expect(understand(text, twin)).toEqual(first);
    }
  });

  it.each([
    ['empty', ''],
    ['whitespace only', '  \n\t  '],
    ['punctuation only', '?!...'],
  ])('answers %s input with no intent', (_label, text) => {
    const result = understand(text);
    expect(result).toEqual({
      intent: null,
      confidence: 0,
      stage: 'below-threshold',
      reason: 'the message has no words to match',
      ranking: [],
      entities: [],
    });
  });

  it('answers with no intent when no example shares anything with the message', () => {
    const result = understand('zzz qqq');
    expect(result).toMatchObject({ intent: null, confidence: 0, stage: 'below-threshold', ranking: [] });
    expect(result.reason).toContain('no example shares');
  });

  it('works for a bot with patterns only, or nothing at all', () => {
    const patternsOnly = matcherFor([{ name: 'help', examples: [], patterns: ['^help$'] }]);
    expect(understand('HELP', patternsOnly).intent).toBe('help');
    expect(understand('assist me', patternsOnly).intent).toBeNull();
    expect(understand('hello', matcherFor([])).intent).toBeNull();
  });
});

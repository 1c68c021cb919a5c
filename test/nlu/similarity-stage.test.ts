import { describe, expect, it } from 'vitest';
import { createSimilarityStage, words } from '../../src/nlu/index.js';
import { heldOut, outOfScope, shopIntents } from './shop-data.js';

const threshold = 0.45;

describe('similarity stage', () => {
  const stage = createSimilarityStage(shopIntents);

  it('ranks the intended intent first for held-out utterances', () => {
    const misses = heldOut.filter(([utterance, intent]) => stage.score(words(utterance)).best?.intent !== intent);
    expect(misses).toEqual([]);
  });

  it('keeps held-out accuracy above the floor once the threshold applies', () => {
    const correct = heldOut.filter(([utterance, intent]) => {
      const best = stage.score(words(utterance)).best;
      return best?.intent === intent && best.confidence >= threshold;
    });
    expect(correct.length / heldOut.length).toBeGreaterThanOrEqual(0.8);
  });

  it('scores clear out-of-scope sentences below the threshold', () => {
    for (const utterance of outOfScope) {
      expect(stage.score(words(utterance)).best?.confidence ?? 0, utterance).toBeLessThan(threshold);
    }
  });

  it('tolerates typos and missing apostrophes through trigrams', () => {
    const best = stage.score(words('wheres my pakage')).best;
    expect(best?.intent).toBe('track_order');
    expect(best?.example).toBe('where is my package');
    expect(best?.confidence).toBeGreaterThanOrEqual(threshold);
  });

  it('gives an example written again exactly a confidence of 1', () => {
    const best = stage.score(words('Where is my PACKAGE?')).best;
    expect(best).toEqual({ intent: 'track_order', confidence: 1, example: 'where is my package' });
  });

  it('returns at most five intents, best first, with confidences within [0, 1]', () => {
    const { ranking } = stage.score(words('hello, can I cancel the order or talk to a person?'));
    expect(ranking.length).toBeLessThanOrEqual(5);
    expect(ranking.length).toBeGreaterThan(1);
    for (const [index, entry] of ranking.entries()) {
      expect(entry.confidence).toBeGreaterThan(0);
      expect(entry.confidence).toBeLessThanOrEqual(1);
      if (index > 0) expect(entry.confidence).toBeLessThanOrEqual(ranking[index - 1]!.confidence);
    }
    expect(createSimilarityStage(shopIntents, { rankingSize: 2 }).score(words('cancel or talk to a person')).ranking).toHaveLength(2);
  });

  it('breaks ties by intent name, whatever the definition order', () => {
    const tied = createSimilarityStage([
      { name: 'zeta', examples: ['order a pizza'] },
      { name: 'alpha', examples: ['order a pizza'] },
    ]);
    const result = tied.score(words('order pizza'));
    expect(result.ranking.map((entry) => entry.intent)).toEqual(['alpha', 'zeta']);
    expect(result.ranking[0]!.confidence).toBe(result.ranking[1]!.confidence);
    expect(result.best?.intent).toBe('alpha');
  });

  it('matches a short message with no trigrams against an identical example', () => {
    const short = createSimilarityStage([
      { name: 'greet', examples: ['hi', 'hello there'] },
      { name: 'agree', examples: ['ok', 'sounds good'] },
    ]);
    expect(short.score(words('Hi!')).best).toEqual({ intent: 'greet', confidence: 1, example: 'hi' });
  });

  it('answers nothing for no words, no examples, or nothing in common', () => {
    expect(stage.score([])).toEqual({ ranking: [], best: null });
    expect(createSimilarityStage([{ name: 'only_patterns', examples: [] }]).score(['hello'])).toEqual({ ranking: [], best: null });
    expect(stage.score(words('zzz qqq'))).toEqual({ ranking: [], best: null });
  });
});

import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../../src/core/index.js';
import {
  OUT_OF_SCOPE,
  classifierFromData,
  decideIntent,
  decodeModel,
  encodeModel,
  trainIntentClassifier,
  trainIntentClassifierInBackground,
  type LabelledExample,
} from '../../../src/nlu/index.js';
import { heldOut, outOfScope, shopIntents } from '../shop-data.js';

const examples: LabelledExample[] = shopIntents.flatMap((intent) => intent.examples.map((text) => ({ text, intent: intent.name })));

function accuracyOn(classifier: ReturnType<typeof trainIntentClassifier>): number {
  const right = heldOut.filter(([text, intent]) => classifier.score(text).ranking[0]?.intent === intent).length;
  return right / heldOut.length;
}

describe('trained intent classifier', () => {
  it('ranks the right intent first on held-out paraphrases, above a floor', () => {
    const classifier = trainIntentClassifier(examples);
    // A floor, not the figure: the held-out set is small and written to be hard.
    expect(accuracyOn(classifier)).toBeGreaterThanOrEqual(0.8);
    expect(classifier.intents).toEqual([...shopIntents.map((intent) => intent.name)].sort());
  });

  it('gives calibrated probabilities, most likely first, at most five', () => {
    const { ranking, outOfScope: oos } = trainIntentClassifier(examples).score('where is my parcel');
    expect(ranking.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < ranking.length; i += 1) expect(ranking[i - 1]!.confidence).toBeGreaterThanOrEqual(ranking[i]!.confidence);
    const total = ranking.reduce((sum, entry) => sum + entry.confidence, 0) + oos;
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
    expect(ranking[0]!.confidence).toBeGreaterThan(0);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const first = trainIntentClassifier(examples, { seed: 7 });
    const second = trainIntentClassifier(examples, { seed: 7 });
    expect(second.hash).toBe(first.hash);
    expect(Buffer.from(encodeModel(second.data)).equals(Buffer.from(encodeModel(first.data)))).toBe(true);
    for (const [text] of heldOut) expect(second.score(text)).toEqual(first.score(text));
    const other = trainIntentClassifier(examples, { seed: 8 });
    expect(other.hash).not.toBe(first.hash);
    expect(Buffer.from(other.data.weights.buffer).equals(Buffer.from(first.data.weights.buffer))).toBe(false);
  });

  it('versions the model by its data: changed data, changed hash', () => {
    const base = trainIntentClassifier(examples);
    const more = trainIntentClassifier([...examples, { text: 'where did my box go', intent: 'track_order' }]);
    expect(more.hash).not.toBe(base.hash);
  });

  it('learns out of scope from oos examples and chooses the threshold on validation data', () => {
    const training = [...examples, ...outOfScope.slice(0, 4).map((text) => ({ text, intent: OUT_OF_SCOPE }))];
    const validation = [
      ...heldOut.slice(0, 10).map(([text, intent]) => ({ text, intent })),
      ...outOfScope.slice(4).map((text) => ({ text, intent: OUT_OF_SCOPE })),
    ];
    const classifier = trainIntentClassifier(training, { validation });
    expect(classifier.intents).not.toContain(OUT_OF_SCOPE);
    expect(classifier.threshold).toBeGreaterThanOrEqual(0);
    expect(classifier.threshold).toBeLessThanOrEqual(1);
    const decided = validation.filter((example) => (decideIntent(classifier.score(example.text), classifier.threshold).intent ?? OUT_OF_SCOPE) === example.intent);
    // On the data it was chosen on, the threshold does at least as well as never saying out of scope.
    const never = validation.filter((example) => (decideIntent(classifier.score(example.text), 0).intent ?? OUT_OF_SCOPE) === example.intent);
    expect(decided.length).toBeGreaterThanOrEqual(never.length);
  });

  it('without oos data, keeps most in-scope messages in scope and still has a threshold', () => {
    const classifier = trainIntentClassifier(examples);
    expect(classifier.threshold).toBeGreaterThan(0);
    const kept = examples.filter((example) => decideIntent(classifier.score(example.text), classifier.threshold).intent !== null).length;
    expect(kept / examples.length).toBeGreaterThan(0.8);
    for (const text of outOfScope) expect(classifier.score(text).ranking[0]!.confidence).toBeLessThan(1);
  });

  it('round-trips through the model codec, and refuses damaged bytes', () => {
    const classifier = trainIntentClassifier(examples);
    const bytes = encodeModel(classifier.data);
    const loaded = classifierFromData(decodeModel(bytes));
    expect(loaded.hash).toBe(classifier.hash);
    expect(loaded.threshold).toBe(classifier.threshold);
    for (const [text] of heldOut) expect(loaded.score(text)).toEqual(classifier.score(text));
    for (const damaged of [bytes.subarray(0, bytes.length - 4), Buffer.from('nonsense'), Buffer.alloc(0)]) {
      let caught: unknown;
      try {
        decodeModel(damaged);
      } catch (error) {
        caught = error;
      }
      expect(isParleyError(caught, 'PARLEY_NLU_MODEL_INVALID')).toBe(true);
    }
  });

  it('refuses data it cannot learn from', () => {
    const attempt = (data: LabelledExample[], language?: string) => {
      try {
        trainIntentClassifier(data, language ? { language } : {});
        return null;
      } catch (error) {
        return error;
      }
    };
    expect(isParleyError(attempt([]), 'PARLEY_BOT_INVALID')).toBe(true);
    expect(isParleyError(attempt([{ text: 'hi', intent: 'greet' }, { text: 'hello', intent: 'greet' }]), 'PARLEY_BOT_INVALID')).toBe(true);
    expect(isParleyError(attempt([...examples, { text: '  ', intent: 'greet' }]), 'PARLEY_BOT_INVALID')).toBe(true);
    expect(isParleyError(attempt(examples, 'xx'), 'PARLEY_BOT_INVALID')).toBe(true);
  });

  it('trains beside other work when asked to, with the same result', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    const background = await trainIntentClassifierInBackground(examples);
    order.push('trained');
    expect(order).toEqual(['other work', 'trained']);
    const blocking = trainIntentClassifier(examples);
    expect(background.hash).toBe(blocking.hash);
    for (const [text] of heldOut) expect(background.score(text)).toEqual(blocking.score(text));
  });
});

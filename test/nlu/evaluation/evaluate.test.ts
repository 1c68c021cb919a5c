import { describe, expect, it } from 'vitest';
import { defaultSweepThresholds, evaluate } from '../../../src/nlu/evaluation/index.js';
import type { IntentScores, LabelledExample } from '../../../src/nlu/index.js';
import { best, fixedScoresClassifier } from './classifier-fixtures.js';

/**
 * The hand-worked case. Threshold 0.5; the decision of each item at that threshold:
 *
 * | text | gold   | best (confidence, outOfScope) | decided |
 * |------|--------|-------------------------------|---------|
 * | b1   | book   | book 0.9                      | book    |
 * | b2   | book   | book 0.6                      | book    |
 * | b3   | book   | cancel 0.7                    | cancel  |
 * | b4   | book   | book 0.4                      | oos     | (below the threshold)
 * | c1   | cancel | cancel 0.8                    | cancel  |
 * | c2   | cancel | cancel 0.55                   | cancel  |
 * | o1   | oos    | book 0.3                      | oos     |
 * | o2   | oos    | cancel 0.65                   | cancel  |
 * | o3   | oos    | book 0.7, oos 0.8             | oos     | (out of scope more likely)
 * | g1   | greet  | greet 0.95                    | greet   |
 * | o4   | oos    | cancel 0.9                    | cancel  |
 *
 * In scope: 7 items, 5 right → 5/7. All: 7 of 11 right (b1 b2 c1 c2 o1 o3 g1) → 7/11.
 * oos: 4 items, 3 decided oos (b4 o1 o3), 2 of them oos → recall 2/4, precision 2/3.
 * book: predicted 2 (both right), support 4 → P 1, R 1/2, F1 2/3.
 * cancel: predicted 5 (b3 c1 c2 o2 o4), 2 right, support 2 → P 2/5, R 1, F1 (2·0.4·1)/1.4 = 4/7.
 * greet: P 1, R 1, F1 1. Macro-F1 = (2/3 + 4/7 + 1)/3 = 47/63.
 */
const scores: Record<string, IntentScores> = {
  b1: best('book', 0.9),
  b2: best('book', 0.6),
  b3: best('cancel', 0.7),
  b4: best('book', 0.4),
  c1: best('cancel', 0.8),
  c2: best('cancel', 0.55),
  o1: best('book', 0.3),
  o2: best('cancel', 0.65),
  o3: best('book', 0.7, 0.8),
  g1: best('greet', 0.95),
  o4: best('cancel', 0.9),
};
const gold: Record<string, string> = { b1: 'book', b2: 'book', b3: 'book', b4: 'book', c1: 'cancel', c2: 'cancel', o1: 'oos', o2: 'oos', o3: 'oos', g1: 'greet', o4: 'oos' };
const test: LabelledExample[] = Object.entries(gold).map(([text, intent]) => ({ text, intent }));

describe('evaluate on a hand-worked case', () => {
  const classifier = fixedScoresClassifier(scores, 0.5);
  const report = evaluate(classifier, test);

  it('computes the headline numbers', () => {
    expect(report.threshold).toBe(0.5);
    expect(report.inScopeAccuracy).toBeCloseTo(5 / 7, 12);
    expect(report.accuracy).toBeCloseTo(7 / 11, 12);
    expect(report.oosRecall).toBeCloseTo(0.5, 12);
    expect(report.oosPrecision).toBeCloseTo(2 / 3, 12);
    expect(report.macroF1).toBeCloseTo(47 / 63, 12);
    expect(report.counts).toEqual({ items: 11, inScope: 7, outOfScope: 4, intents: 3, predictedOutOfScope: 3 });
  });

  it('computes precision, recall and F1 per in-scope intent', () => {
    expect(report.perIntent.map((row) => row.intent)).toEqual(['book', 'cancel', 'greet']);
    const [book, cancel, greet] = report.perIntent;
    expect(book).toMatchObject({ precision: 1, recall: 0.5, support: 4, predicted: 2 });
    expect(book!.f1).toBeCloseTo(2 / 3, 12);
    expect(cancel).toMatchObject({ precision: 0.4, recall: 1, support: 2, predicted: 5 });
    expect(cancel!.f1).toBeCloseTo(4 / 7, 12);
    expect(greet).toEqual({ intent: 'greet', precision: 1, recall: 1, f1: 1, support: 1, predicted: 1 });
  });

  it('lists confused pairs, most frequent first, out of scope included', () => {
    expect(report.confusedPairs).toEqual([
      { gold: 'oos', predicted: 'cancel', count: 2, examples: ['o2', 'o4'] },
      { gold: 'book', predicted: 'cancel', count: 1, examples: ['b3'] },
      { gold: 'book', predicted: 'oos', count: 1, examples: ['b4'] },
    ]);
  });

  it('sweeps 0, 0.05, …, 1 and the model threshold, and agrees with the headline at the model threshold', () => {
    expect(report.thresholdSweep.map((entry) => entry.threshold)).toEqual(defaultSweepThresholds());
    const atModel = report.thresholdSweep.filter((entry) => entry.isModelThreshold);
    expect(atModel).toEqual([
      {
        threshold: 0.5,
        isModelThreshold: true,
        inScopeAccuracy: report.inScopeAccuracy,
        accuracy: report.accuracy,
        oosRecall: report.oosRecall,
        oosPrecision: report.oosPrecision,
      },
    ]);
  });

  it('sweeps the ends by hand: at 0 only "oos more likely" rejects, at 1 everything is out of scope', () => {
    // At 0: b4 becomes book (right), o1 becomes book (wrong); only o3 is decided oos.
    expect(report.thresholdSweep[0]).toEqual({ threshold: 0, isModelThreshold: false, inScopeAccuracy: 6 / 7, accuracy: 7 / 11, oosRecall: 1 / 4, oosPrecision: 1 });
    // At 1: no confidence reaches 1, so every item is decided oos.
    expect(report.thresholdSweep.at(-1)).toEqual({ threshold: 1, isModelThreshold: false, inScopeAccuracy: 0, accuracy: 4 / 11, oosRecall: 1, oosPrecision: 4 / 11 });
  });

  it('picks the lowest threshold with the best accuracy as the reference', () => {
    // From 0.35 to 0.4 o1 (0.3) is rejected, which is right, while b4 (0.4) is still accepted:
    // b1 b2 b4 c1 c2 o1 o3 g1 are right, 8/11, more than at any other threshold.
    expect(report.bestAccuracyThreshold).toBe(0.35);
    const at = (threshold: number) => report.thresholdSweep.find((entry) => entry.threshold === threshold)!;
    expect(at(0.35).accuracy).toBeCloseTo(8 / 11, 12);
    expect(at(0.4).accuracy).toBeCloseTo(8 / 11, 12);
    expect(Math.max(...report.thresholdSweep.map((entry) => entry.accuracy))).toBeCloseTo(8 / 11, 12);
  });

  it('scores each item once, whatever the sweep', () => {
    const counting = fixedScoresClassifier(scores, 0.5);
    evaluate(counting, test, { thresholds: [0.1, 0.2, 0.3] });
    expect(counting.calls).toBe(test.length);
  });

  it('adds the model threshold to given thresholds and marks it', () => {
    const report = evaluate(fixedScoresClassifier(scores, 0.42), test, { thresholds: [0.6, 0, 0.6] });
    expect(report.thresholdSweep.map((entry) => [entry.threshold, entry.isModelThreshold])).toEqual([
      [0, false],
      [0.42, true],
      [0.6, false],
    ]);
  });

  it('returns a plain JSON object', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('times score per item with the injected clock (nearest-rank percentiles)', () => {
    let now = 0;
    let calls = 0;
    // The k-th call takes k milliseconds: durations 1..11.
    const timed = fixedScoresClassifier(scores, 0.5, () => {
      calls += 1;
      now += calls;
    });
    const report = evaluate(timed, test, { clock: () => now });
    expect(report.predictP50Ms).toBe(6);
    expect(report.predictP99Ms).toBe(11);
  });
});

describe('evaluate edge cases', () => {
  it('reports oos precision and recall as null when no test item is oos', () => {
    const report = evaluate(fixedScoresClassifier({ b1: best('book', 0.9), c1: best('book', 0.2) }, 0.5), [
      { text: 'b1', intent: 'book' },
      { text: 'c1', intent: 'cancel' },
    ]);
    expect(report.oosRecall).toBeNull();
    expect(report.oosPrecision).toBeNull();
    expect(report.inScopeAccuracy).toBe(0.5);
    expect(report.accuracy).toBe(0.5);
    // cancel was never predicted: precision 0, recall 0, F1 0; book: P 1, R 1.
    expect(report.perIntent).toEqual([
      { intent: 'book', precision: 1, recall: 1, f1: 1, support: 1, predicted: 1 },
      { intent: 'cancel', precision: 0, recall: 0, f1: 0, support: 1, predicted: 0 },
    ]);
    expect(report.macroF1).toBe(0.5);
    expect(report.thresholdSweep.every((entry) => entry.oosRecall === null && entry.oosPrecision === null)).toBe(true);
  });

  it('counts oos precision as 0 when oos items exist but none is decided out of scope', () => {
    const report = evaluate(fixedScoresClassifier({ o1: best('book', 0.9), b1: best('book', 0.9) }, 0.5), [
      { text: 'o1', intent: 'oos' },
      { text: 'b1', intent: 'book' },
    ]);
    expect(report.oosRecall).toBe(0);
    expect(report.oosPrecision).toBe(0);
  });

  it('has no in-scope numbers when every test item is oos', () => {
    const report = evaluate(fixedScoresClassifier({ o1: best('book', 0.2) }, 0.5), [{ text: 'o1', intent: 'oos' }]);
    expect(report.inScopeAccuracy).toBeNull();
    expect(report.macroF1).toBeNull();
    expect(report.perIntent).toEqual([]);
    expect(report.accuracy).toBe(1);
    expect(report.oosRecall).toBe(1);
  });

  it('keeps only the 20 most frequent confused pairs', () => {
    const many: Record<string, IntentScores> = {};
    const items: LabelledExample[] = [];
    for (let index = 0; index < 25; index += 1) {
      many[`t${index}`] = best(`wrong_${String(index).padStart(2, '0')}`, 0.9);
      items.push({ text: `t${index}`, intent: 'right' });
    }
    const report = evaluate(fixedScoresClassifier(many, 0.5), items);
    expect(report.confusedPairs).toHaveLength(20);
    expect(report.confusedPairs[0]).toEqual({ gold: 'right', predicted: 'wrong_00', count: 1, examples: ['t0'] });
  });

  it('refuses an empty test set and non-finite thresholds', () => {
    const classifier = fixedScoresClassifier({ a: best('book', 1) }, 0.5);
    expect(() => evaluate(classifier, [])).toThrow(RangeError);
    expect(() => evaluate(classifier, [{ text: 'a', intent: 'book' }], { thresholds: [Number.NaN] })).toThrow(RangeError);
  });
});

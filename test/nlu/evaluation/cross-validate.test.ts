import { describe, expect, it } from 'vitest';
import { crossValidate, evaluate, evaluateWithTrainer, kFolds, stratifiedSplit } from '../../../src/nlu/evaluation/index.js';
import type { LabelledExample } from '../../../src/nlu/index.js';
import { toyExamples, trainWordOverlap } from './classifier-fixtures.js';

describe('crossValidate', () => {
  const examples = toyExamples();

  it('trains once per fold on the fold’s train part and averages the headline metrics', async () => {
    const seen: LabelledExample[][] = [];
    const result = await crossValidate(examples, 5, 11, (train) => {
      seen.push(train);
      return trainWordOverlap(train);
    });
    const folds = kFolds(examples, 5, 11);
    expect(seen).toEqual(folds.map((fold) => fold.train));
    expect(result.k).toBe(5);
    expect(result.seed).toBe(11);
    expect(result.folds.map((fold) => [fold.fold, fold.trainSize, fold.testSize])).toEqual(folds.map((fold, index) => [index, fold.train.length, fold.test.length]));

    // Each fold's numbers are those of evaluating that fold's classifier on its test part.
    folds.forEach((fold, index) => {
      const report = evaluate(trainWordOverlap(fold.train), fold.test);
      expect(result.folds[index]).toMatchObject({
        inScopeAccuracy: report.inScopeAccuracy,
        accuracy: report.accuracy,
        macroF1: report.macroF1,
        oosRecall: report.oosRecall,
        oosPrecision: report.oosPrecision,
        threshold: 0.5,
      });
    });
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(result.mean.accuracy).toBeCloseTo(mean(result.folds.map((fold) => fold.accuracy!)), 12);
    expect(result.mean.inScopeAccuracy).toBeCloseTo(mean(result.folds.map((fold) => fold.inScopeAccuracy!)), 12);
    expect(result.mean.oosRecall).toBeCloseTo(mean(result.folds.map((fold) => fold.oosRecall!)), 12);
    const accuracies = result.folds.map((fold) => fold.accuracy!);
    const spread = Math.sqrt(mean(accuracies.map((value) => (value - mean(accuracies)) ** 2)));
    expect(result.standardDeviation.accuracy).toBeCloseTo(spread, 12);
    // The word-overlap classifier separates these vocabularies well: a sanity check on the fixture.
    expect(result.mean.inScopeAccuracy!).toBeGreaterThan(0.6);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('accepts an asynchronous trainer and gives the same numbers for the same seed', async () => {
    const clock = () => 0;
    const sync = await crossValidate(examples, 3, 2, (train) => trainWordOverlap(train), { clock });
    const async = await crossValidate(examples, 3, 2, async (train) => trainWordOverlap(train), { clock });
    expect(async).toEqual(sync);
  });

  it('averages only the folds where a metric is defined', async () => {
    // No oos examples at all: oos metrics are null in every fold, so their mean is null too.
    const inScopeOnly = examples.filter((example) => example.intent !== 'oos');
    const result = await crossValidate(inScopeOnly, 2, 1, (train) => trainWordOverlap(train));
    expect(result.mean.oosRecall).toBeNull();
    expect(result.standardDeviation.oosPrecision).toBeNull();
    expect(result.mean.accuracy).not.toBeNull();
  });
});

describe('evaluateWithTrainer', () => {
  it('trains on the train part, evaluates on the test part and times the training', async () => {
    const split = stratifiedSplit(toyExamples(), { seed: 3 });
    let now = 0;
    const result = await evaluateWithTrainer(
      (train) => {
        now += 25;
        return trainWordOverlap(train, 0.4);
      },
      split,
      { clock: () => now },
    );
    expect(result.trainMs).toBe(25);
    expect(result.classifier.threshold).toBe(0.4);
    expect(result.report).toEqual(evaluate(trainWordOverlap(split.train, 0.4), split.test, { clock: () => 0 }));
  });
});

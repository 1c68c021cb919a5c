import { describe, expect, it } from 'vitest';
import { kFolds, seededRandom, shuffled, stratifiedSplit } from '../../../src/nlu/sampling/index.js';
import type { LabelledExample } from '../../../src/nlu/index.js';

function dataset(sizes: Record<string, number>): LabelledExample[] {
  const examples: LabelledExample[] = [];
  // Interleaved, so the split cannot rely on labels coming in blocks.
  const labels = Object.keys(sizes);
  for (let round = 0; round < Math.max(...Object.values(sizes)); round += 1) {
    for (const label of labels) if (round < sizes[label]!) examples.push({ text: `${label} ${round}`, intent: label });
  }
  return examples;
}

function countBy(examples: readonly LabelledExample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const example of examples) counts[example.intent] = (counts[example.intent] ?? 0) + 1;
  return counts;
}

const texts = (examples: readonly LabelledExample[]): string[] => examples.map((example) => example.text);

describe('seededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const take = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => random());
    };
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    expect(take(7).every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it('is mulberry32', () => {
    // The first outputs of the reference implementation (Tommy Ettinger's, as published by bryc) for seed 1.
    const random = seededRandom(1);
    expect([random(), random(), random()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => seededRandom(1.5)).toThrow(RangeError);
  });

  it('shuffles a copy, keeping every item', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const result = shuffled(items, seededRandom(3));
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...result].sort((a, b) => a - b)).toEqual(items);
    expect(result).not.toEqual(items);
  });
});

describe('stratifiedSplit', () => {
  const examples = dataset({ greet: 10, order: 20, track: 5, oos: 15, rare: 2, single: 1 });

  it("keeps each label's share, oos included", () => {
    const { train, test } = stratifiedSplit(examples, { testFraction: 0.2, seed: 1 });
    expect(train.length + test.length).toBe(examples.length);
    // 53 × 0.2 = 10.6 → 11 held out: 2 + 4 + 1 + 3 whole, plus 1 for the largest remainder (rare: 0.4).
    expect(test).toHaveLength(11);
    expect(countBy(test)).toEqual({ greet: 2, order: 4, track: 1, oos: 3, rare: 1 });
    expect(countBy(train)).toEqual({ greet: 8, order: 16, track: 4, oos: 12, rare: 1, single: 1 });
  });

  it('keeps at least one example of every label with two or more in train', () => {
    const small = dataset({ a: 2, b: 2, c: 3, d: 1 });
    for (const seed of [1, 2, 3, 4, 5]) {
      const { train } = stratifiedSplit(small, { testFraction: 0.9, seed });
      expect(countBy(train)).toEqual({ a: 1, b: 1, c: 1, d: 1 });
    }
  });

  it('partitions the examples and keeps their order', () => {
    const { train, test } = stratifiedSplit(examples, { seed: 9 });
    expect(new Set([...texts(train), ...texts(test)]).size).toBe(examples.length);
    const position = new Map(examples.map((example, index) => [example.text, index]));
    const ascending = (part: readonly LabelledExample[]) => part.every((example, index) => index === 0 || position.get(example.text)! > position.get(part[index - 1]!.text)!);
    expect(ascending(train)).toBe(true);
    expect(ascending(test)).toBe(true);
  });

  it('gives the same split for the same seed and another for another seed', () => {
    const first = stratifiedSplit(examples, { testFraction: 0.2, seed: 1234 });
    const again = stratifiedSplit(examples, { testFraction: 0.2, seed: 1234 });
    const other = stratifiedSplit(examples, { testFraction: 0.2, seed: 4321 });
    expect(texts(again.test)).toEqual(texts(first.test));
    expect(texts(other.test)).not.toEqual(texts(first.test));
    expect(countBy(other.test)).toEqual(countBy(first.test));
  });

  it('refuses a fraction outside (0, 1)', () => {
    expect(() => stratifiedSplit(examples, { testFraction: 0, seed: 1 })).toThrow(RangeError);
    expect(() => stratifiedSplit(examples, { testFraction: 1, seed: 1 })).toThrow(RangeError);
  });
});

describe('kFolds', () => {
  const examples = dataset({ greet: 10, order: 7, oos: 6, pair: 2, single: 1 });

  it('tests every example exactly once and trains on the rest', () => {
    const folds = kFolds(examples, 5, 1);
    expect(folds).toHaveLength(5);
    const tested = folds.flatMap((fold) => texts(fold.test));
    expect([...tested].sort()).toEqual([...texts(examples)].sort());
    for (const fold of folds) {
      expect(fold.train.length + fold.test.length).toBe(examples.length);
      const held = new Set(texts(fold.test));
      expect(fold.train.some((example) => held.has(example.text))).toBe(false);
    }
  });

  it('is stratified: folds differ by at most one in size, and in each label by at most one', () => {
    const folds = kFolds(examples, 5, 1);
    const sizes = folds.map((fold) => fold.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (const label of ['greet', 'order', 'oos', 'pair']) {
      const perFold = folds.map((fold) => countBy(fold.test)[label] ?? 0);
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
    expect(folds.map((fold) => countBy(fold.test).greet)).toEqual([2, 2, 2, 2, 2]);
  });

  it('keeps a label with two or more examples in every train part', () => {
    for (const k of [2, 3, 5, 26]) {
      for (const fold of kFolds(examples, k, 7)) {
        const train = countBy(fold.train);
        for (const label of ['greet', 'order', 'oos', 'pair']) expect(train[label]).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('is deterministic per seed', () => {
    const folds = (seed: number) => kFolds(examples, 4, seed).map((fold) => texts(fold.test));
    expect(folds(5)).toEqual(folds(5));
    expect(folds(5)).not.toEqual(folds(6));
  });

  it('refuses k below 2, fractional, or above the number of examples', () => {
    expect(() => kFolds(examples, 1, 1)).toThrow(RangeError);
    expect(() => kFolds(examples, 2.5, 1)).toThrow(RangeError);
    expect(() => kFolds(examples, examples.length + 1, 1)).toThrow(RangeError);
  });
});

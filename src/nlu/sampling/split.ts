import type { LabelledExample } from '../intent-classifier.js';
import { seededRandom, shuffled } from './seeded-random.js';

export interface TrainTestSplit {
  readonly train: LabelledExample[];
  readonly test: LabelledExample[];
}

export interface StratifiedSplitOptions {
  /** Share of the examples held out for testing, strictly between 0 and 1. Default 0.2. */
  readonly testFraction?: number;
  readonly seed: number;
}

/**
 * Holds out `testFraction` of the examples, label by label (`oos` is a label like the others), so
 * each label keeps its share in both parts. Each label gets the whole part of its share; the
 * examples left over to reach round(total × fraction) go to the labels with the largest fractional
 * parts (ties broken by the seed). A label with 2 or more examples always keeps at least one in
 * train; a label with a single example stays in train. Which examples are held out depends only on
 * the data and the seed; both parts keep the input order.
 */
export function stratifiedSplit(examples: readonly LabelledExample[], options: StratifiedSplitOptions): TrainTestSplit {
  const testFraction = options.testFraction ?? 0.2;
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  const random = seededRandom(options.seed);
  const strata = [...groupByLabel(examples).values()].map((indices) => {
    const order = shuffled(indices, random);
    const cap = order.length >= 2 ? order.length - 1 : 0;
    const exact = cleanProduct(order.length, testFraction);
    const base = Math.min(Math.floor(exact), cap);
    return { order, cap, base, remainder: exact - base, tie: random(), held: base };
  });

  let missing = Math.round(cleanProduct(examples.length, testFraction)) - strata.reduce((sum, stratum) => sum + stratum.base, 0);
  const candidates = strata
    .filter((stratum) => stratum.base < stratum.cap && stratum.remainder > 0)
    .sort((a, b) => b.remainder - a.remainder || a.tie - b.tie);
  for (const stratum of candidates) {
    if (missing <= 0) break;
    stratum.held += 1;
    missing -= 1;
  }

  const inTest = new Set<number>();
  for (const stratum of strata) for (const index of stratum.order.slice(0, stratum.held)) inTest.add(index);
  const train: LabelledExample[] = [];
  const test: LabelledExample[] = [];
  examples.forEach((example, index) => (inTest.has(index) ? test : train).push(example));
  return { train, test };
}

/**
 * Splits the examples into k folds for cross-validation, stratified: each label's examples are
 * shuffled by the seed and dealt to the folds in turn, continuing where the previous label
 * stopped, so folds differ in size by at most one and each label is spread as evenly as it can
 * be. Fold i tests on its own examples and trains on all the others; every example is tested
 * exactly once. A label with 2 or more examples always keeps one in each fold's train part.
 */
export function kFolds(examples: readonly LabelledExample[], k: number, seed: number): TrainTestSplit[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer of at least 2, got ${k}`);
  if (k > examples.length) throw new RangeError(`k (${k}) must not exceed the number of examples (${examples.length})`);
  const random = seededRandom(seed);
  const foldOf = new Array<number>(examples.length);
  let next = 0;
  for (const indices of groupByLabel(examples).values()) {
    for (const index of shuffled(indices, random)) {
      foldOf[index] = next;
      next = (next + 1) % k;
    }
  }
  return Array.from({ length: k }, (_, fold) => {
    const train: LabelledExample[] = [];
    const test: LabelledExample[] = [];
    examples.forEach((example, index) => (foldOf[index] === fold ? test : train).push(example));
    return { train, test };
  });
}

/** count × fraction rounded to 9 places, so 3 × 0.1 is 0.3 and not 0.30000000000000004 with a remainder to claim. */
function cleanProduct(count: number, fraction: number): number {
  return Math.round(count * fraction * 1e9) / 1e9;
}

/** Indices of the examples of each label, labels in order of first appearance. */
function groupByLabel(examples: readonly LabelledExample[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  examples.forEach((example, index) => {
    const group = groups.get(example.intent);
    if (group) group.push(index);
    else groups.set(example.intent, [index]);
  });
  return groups;
}

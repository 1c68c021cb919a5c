import { performance } from 'node:perf_hooks';
import type { IntentClassifier, IntentScores, LabelledExample } from '../intent-classifier.js';
import { decideIntent, OUT_OF_SCOPE } from '../intent-classifier.js';

export interface EvaluateOptions {
  /** Thresholds to sweep; the classifier's own is always added. Default 0, 0.05, …, 1. */
  readonly thresholds?: readonly number[];
  /** Milliseconds clock for timing `score`; performance.now by default (inject one in tests). */
  readonly clock?: () => number;
}

export interface IntentMetrics {
  readonly intent: string;
  /** Share of the predictions of this intent that were right; 0 when it was never predicted. */
  readonly precision: number;
  /** Share of the items of this intent predicted as it. */
  readonly recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  readonly f1: number;
  /** Test items of this intent. */
  readonly support: number;
  /** Test items predicted as this intent. */
  readonly predicted: number;
}

export interface ConfusedPair {
  readonly gold: string;
  /** An intent, or `oos` when the item was decided out of scope. */
  readonly predicted: string;
  readonly count: number;
  /** Up to three of the texts, in test order. */
  readonly examples: string[];
}

export interface ThresholdMetrics {
  readonly threshold: number;
  readonly inScopeAccuracy: number | null;
  readonly accuracy: number;
  readonly oosRecall: number | null;
  readonly oosPrecision: number | null;
}

export interface SweepEntry extends ThresholdMetrics {
  /** True for the classifier's own threshold, the one the headline numbers use. */
  readonly isModelThreshold: boolean;
}

export interface EvaluationCounts {
  readonly items: number;
  readonly inScope: number;
  readonly outOfScope: number;
  /** Distinct in-scope intents among the test items. */
  readonly intents: number;
  /** Items decided out of scope at the classifier's threshold. */
  readonly predictedOutOfScope: number;
}

/**
 * The result of testing a classifier on labelled items, as plain JSON. Every number is measured
 * at the classifier's own threshold with `decideIntent`, exactly as production decides.
 *
 * - `inScopeAccuracy`: over the in-scope items (gold label not `oos`); deciding one out of scope
 *   is an error. Null when there are no in-scope items.
 * - `accuracy`: over all items, `oos` counted as its own class (an `oos` item is right when it is
 *   decided out of scope).
 * - `macroF1`: mean F1 of the in-scope intents present in the test items (`perIntent`); an
 *   intent predicted but absent from the test items has no row. Null without in-scope items.
 * - `oosRecall`: share of `oos` items decided out of scope; `oosPrecision`: share of the items
 *   decided out of scope that are `oos` (0 when none was). Both are null when the test items hold
 *   no `oos` item: the classifier's out-of-scope behaviour was not tested.
 * - `thresholdSweep`: the same numbers for other thresholds, from the scores stored during the
 *   one scoring pass; `bestAccuracyThreshold` is the swept threshold with the highest accuracy
 *   (the lowest such), chosen on these test items, so an optimistic reference, not a tuning result.
 * - `predictP50Ms`/`predictP99Ms`: nearest-rank percentiles of the time `score` took per item.
 */
export interface EvaluationReport {
  readonly threshold: number;
  readonly inScopeAccuracy: number | null;
  readonly accuracy: number;
  readonly macroF1: number | null;
  readonly oosPrecision: number | null;
  readonly oosRecall: number | null;
  /** In-scope intents by name. */
  readonly perIntent: IntentMetrics[];
  /** The 20 most frequent gold → predicted mistakes, most frequent first. */
  readonly confusedPairs: ConfusedPair[];
  /** Ascending thresholds. */
  readonly thresholdSweep: SweepEntry[];
  readonly bestAccuracyThreshold: number;
  readonly predictP50Ms: number;
  readonly predictP99Ms: number;
  readonly counts: EvaluationCounts;
}

/** What is kept of one scored item: all `decideIntent` reads, so a sweep needs no re-scoring. */
interface ScoredItem {
  readonly text: string;
  readonly gold: string;
  readonly scores: IntentScores;
}

export const confusedPairLimit = 20;
const examplesPerPair = 3;

/** 0, 0.05, …, 1. */
export function defaultSweepThresholds(): number[] {
  return Array.from({ length: 21 }, (_, step) => step / 20);
}

/** Scores every test item once, then measures the decisions at the classifier's threshold and across the sweep. */
export function evaluate(classifier: IntentClassifier, test: readonly LabelledExample[], options: EvaluateOptions = {}): EvaluationReport {
  if (test.length === 0) throw new RangeError('there are no test items to evaluate on');
  const clock = options.clock ?? (() => performance.now());
  for (const threshold of options.thresholds ?? []) {
    if (!Number.isFinite(threshold)) throw new RangeError(`a sweep threshold must be a finite number, got ${threshold}`);
  }
  const items: ScoredItem[] = [];
  const durations: number[] = [];
  for (const example of test) {
    const started = clock();
    const scores = classifier.score(example.text);
    durations.push(clock() - started);
    // Only the best intent matters to decideIntent; keeping one makes the sweep cheap.
    items.push({ text: example.text, gold: example.intent, scores: { ranking: scores.ranking.slice(0, 1), outOfScope: scores.outOfScope } });
  }

  const threshold = classifier.threshold;
  const predictions = predict(items, threshold);
  const headline = metricsAt(items, predictions, threshold);
  const perIntent = intentMetrics(items, predictions);
  const sweep = sweepThresholds(items, [...(options.thresholds ?? defaultSweepThresholds()), threshold], threshold);
  const best = sweep.reduce((winner, entry) => (entry.accuracy > winner.accuracy ? entry : winner));
  durations.sort((a, b) => a - b);
  const inScope = items.filter((item) => item.gold !== OUT_OF_SCOPE).length;

  return {
    threshold,
    inScopeAccuracy: headline.inScopeAccuracy,
    accuracy: headline.accuracy,
    macroF1: perIntent.length === 0 ? null : perIntent.reduce((sum, row) => sum + row.f1, 0) / perIntent.length,
    oosPrecision: headline.oosPrecision,
    oosRecall: headline.oosRecall,
    perIntent,
    confusedPairs: confusedPairs(items, predictions),
    thresholdSweep: sweep,
    bestAccuracyThreshold: best.threshold,
    predictP50Ms: percentile(durations, 50),
    predictP99Ms: percentile(durations, 99),
    counts: {
      items: items.length,
      inScope,
      outOfScope: items.length - inScope,
      intents: perIntent.length,
      predictedOutOfScope: predictions.filter((label) => label === OUT_OF_SCOPE).length,
    },
  };
}

/** The label each item gets at a threshold: an intent, or `oos`. */
function predict(items: readonly ScoredItem[], threshold: number): string[] {
  return items.map((item) => decideIntent(item.scores, threshold).intent ?? OUT_OF_SCOPE);
}

function metricsAt(items: readonly ScoredItem[], predictions: readonly string[], threshold: number): ThresholdMetrics {
  let correct = 0;
  let inScope = 0;
  let inScopeCorrect = 0;
  let oos = 0;
  let oosFound = 0;
  let decidedOos = 0;
  items.forEach((item, index) => {
    const predicted = predictions[index]!;
    const right = predicted === item.gold;
    if (right) correct += 1;
    if (predicted === OUT_OF_SCOPE) decidedOos += 1;
    if (item.gold === OUT_OF_SCOPE) {
      oos += 1;
      if (right) oosFound += 1;
    } else {
      inScope += 1;
      if (right) inScopeCorrect += 1;
    }
  });
  return {
    threshold,
    inScopeAccuracy: inScope === 0 ? null : inScopeCorrect / inScope,
    accuracy: correct / items.length,
    oosRecall: oos === 0 ? null : oosFound / oos,
    oosPrecision: oos === 0 ? null : decidedOos === 0 ? 0 : oosFound / decidedOos,
  };
}

function sweepThresholds(items: readonly ScoredItem[], thresholds: readonly number[], modelThreshold: number): SweepEntry[] {
  const unique = [...new Set(thresholds)].sort((a, b) => a - b);
  return unique.map((threshold) => ({
    ...metricsAt(items, predict(items, threshold), threshold),
    isModelThreshold: threshold === modelThreshold,
  }));
}

function intentMetrics(items: readonly ScoredItem[], predictions: readonly string[]): IntentMetrics[] {
  const support = new Map<string, number>();
  const predicted = new Map<string, number>();
  const hits = new Map<string, number>();
  items.forEach((item, index) => {
    const label = predictions[index]!;
    if (item.gold !== OUT_OF_SCOPE) support.set(item.gold, (support.get(item.gold) ?? 0) + 1);
    predicted.set(label, (predicted.get(label) ?? 0) + 1);
    if (label === item.gold) hits.set(label, (hits.get(label) ?? 0) + 1);
  });
  return [...support.keys()].sort(compareText).map((intent) => {
    const right = hits.get(intent) ?? 0;
    const count = predicted.get(intent) ?? 0;
    const precision = count === 0 ? 0 : right / count;
    const recall = right / support.get(intent)!;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { intent, precision, recall, f1, support: support.get(intent)!, predicted: count };
  });
}

function confusedPairs(items: readonly ScoredItem[], predictions: readonly string[]): ConfusedPair[] {
  const pairs = new Map<string, { gold: string; predicted: string; count: number; examples: string[] }>();
  items.forEach((item, index) => {
    const predicted = predictions[index]!;
    if (predicted === item.gold) return;
    const key = JSON.stringify([item.gold, predicted]);
    const pair = pairs.get(key) ?? { gold: item.gold, predicted, count: 0, examples: [] };
    pair.count += 1;
    if (pair.examples.length < examplesPerPair) pair.examples.push(item.text);
    pairs.set(key, pair);
  });
  return [...pairs.values()]
    .sort((a, b) => b.count - a.count || compareText(a.gold, b.gold) || compareText(a.predicted, b.predicted))
    .slice(0, confusedPairLimit);
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: readonly number[], rank: number): number {
  return sorted[Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1)] ?? 0;
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

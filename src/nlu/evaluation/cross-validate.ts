import { performance } from 'node:perf_hooks';
import type { IntentClassifier, LabelledExample } from '../intent-classifier.js';
import type { EvaluateOptions, EvaluationReport } from './evaluate.js';
import { evaluate } from './evaluate.js';
import { kFolds } from '../sampling/index.js';

/** Trains a classifier on labelled examples; injected, so evaluation works with any classifier. */
export type Trainer = (train: LabelledExample[]) => IntentClassifier | Promise<IntentClassifier>;

export interface HeadlineMetrics {
  readonly inScopeAccuracy: number | null;
  readonly accuracy: number | null;
  readonly macroF1: number | null;
  readonly oosPrecision: number | null;
  readonly oosRecall: number | null;
}

export interface FoldResult extends HeadlineMetrics {
  /** 0-based. */
  readonly fold: number;
  readonly trainSize: number;
  readonly testSize: number;
  /** The threshold the fold's classifier chose. */
  readonly threshold: number;
  readonly trainMs: number;
  readonly predictP50Ms: number;
  readonly predictP99Ms: number;
}

export interface CrossValidationReport {
  readonly k: number;
  readonly seed: number;
  readonly folds: FoldResult[];
  /** Mean over the folds where the metric is defined; null when it is defined in none. */
  readonly mean: HeadlineMetrics;
  /** Population standard deviation over the same folds. */
  readonly standardDeviation: HeadlineMetrics;
}

export interface TrainedEvaluation {
  readonly classifier: IntentClassifier;
  readonly report: EvaluationReport;
  readonly trainMs: number;
}

/** Trains on `train`, then evaluates on `test`. */
export async function evaluateWithTrainer(
  trainer: Trainer,
  data: { readonly train: readonly LabelledExample[]; readonly test: readonly LabelledExample[] },
  options: EvaluateOptions = {},
): Promise<TrainedEvaluation> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const classifier = await trainer([...data.train]);
  const trainMs = clock() - started;
  return { classifier, report: evaluate(classifier, data.test, options), trainMs };
}

/**
 * Stratified k-fold cross-validation (see `kFolds`): trains a classifier per fold, evaluates it on
 * the fold's held-out examples, and averages the headline metrics. Folds run one after another.
 */
export async function crossValidate(
  examples: readonly LabelledExample[],
  k: number,
  seed: number,
  train: Trainer,
  options: EvaluateOptions = {},
): Promise<CrossValidationReport> {
  const folds: FoldResult[] = [];
  for (const [fold, split] of kFolds(examples, k, seed).entries()) {
    const { report, trainMs } = await evaluateWithTrainer(train, split, options);
    folds.push({
      fold,
      trainSize: split.train.length,
      testSize: split.test.length,
      threshold: report.threshold,
      trainMs,
      inScopeAccuracy: report.inScopeAccuracy,
      accuracy: report.accuracy,
      macroF1: report.macroF1,
      oosPrecision: report.oosPrecision,
      oosRecall: report.oosRecall,
      predictP50Ms: report.predictP50Ms,
      predictP99Ms: report.predictP99Ms,
    });
  }
  const summarise = (statistic: (values: number[]) => number): HeadlineMetrics => {
    const over = (key: keyof HeadlineMetrics): number | null => {
      const values = folds.map((fold) => fold[key]).filter((value): value is number => value !== null);
      return values.length === 0 ? null : statistic(values);
    };
    return {
      inScopeAccuracy: over('inScopeAccuracy'),
      accuracy: over('accuracy'),
      macroF1: over('macroF1'),
      oosPrecision: over('oosPrecision'),
      oosRecall: over('oosRecall'),
    };
  };
  return { k, seed, folds, mean: summarise(mean), standardDeviation: summarise(standardDeviation) };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function standardDeviation(values: readonly number[]): number {
  const centre = mean(values);
  return Math.sqrt(mean(values.map((value) => (value - centre) ** 2)));
}

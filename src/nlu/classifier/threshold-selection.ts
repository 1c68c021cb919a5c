import { decideIntent, OUT_OF_SCOPE, type IntentScores } from '../intent-classifier.js';

/**
 * Chooses the out-of-scope threshold on validation data only.
 *
 * With out-of-scope examples in the validation data, the threshold is the one that maximises
 * accuracy over every class, out-of-scope counted as a class of its own (the standard protocol).
 * Several thresholds usually tie; the middle of the tied range is taken, which is the choice least
 * sensitive to where exactly the validation data put the edges.
 *
 * Without out-of-scope examples accuracy would always favour a threshold of 0 (never say "out of
 * scope"), which is wrong for a real bot. The threshold is then the confidence that keeps a fixed
 * share of the correctly classified validation messages in scope, so the bot falls back on the
 * least confident few percent of messages like the ones it was trained on.
 */

export const IN_SCOPE_KEPT_WITHOUT_OOS_DATA = 0.95;
const STEP = 0.005;

export interface ScoredExample {
  readonly scores: IntentScores;
  readonly intent: string;
}

export function chooseThreshold(validation: readonly ScoredExample[]): number {
  if (validation.length === 0) return 0;
  const hasOutOfScope = validation.some((example) => example.intent === OUT_OF_SCOPE);
  if (!hasOutOfScope) return keepShareInScope(validation, IN_SCOPE_KEPT_WITHOUT_OOS_DATA);

  let bestAccuracy = -1;
  let bestThresholds: number[] = [];
  for (let step = 0; step * STEP <= 1 + 1e-9; step += 1) {
    const threshold = round(step * STEP);
    let correct = 0;
    for (const example of validation) {
      const decided = decideIntent(example.scores, threshold).intent ?? OUT_OF_SCOPE;
      if (decided === example.intent) correct += 1;
    }
    if (correct > bestAccuracy) {
      bestAccuracy = correct;
      bestThresholds = [threshold];
    } else if (correct === bestAccuracy) {
      bestThresholds.push(threshold);
    }
  }
  // The middle of the longest run of consecutive best thresholds.
  let runStart = 0;
  let bestRun: [number, number] = [0, 0];
  for (let i = 1; i <= bestThresholds.length; i += 1) {
    const continues = i < bestThresholds.length && Math.abs(bestThresholds[i]! - bestThresholds[i - 1]! - STEP) < 1e-9;
    if (!continues) {
      if (i - runStart > bestRun[1] - bestRun[0]) bestRun = [runStart, i];
      runStart = i;
    }
  }
  const run = bestThresholds.slice(bestRun[0], bestRun[1]);
  return round((run[0]! + run.at(-1)!) / 2);
}

function keepShareInScope(validation: readonly ScoredExample[], share: number): number {
  const confidences = validation
    .filter((example) => example.scores.ranking[0]?.intent === example.intent)
    .map((example) => example.scores.ranking[0]!.confidence)
    .sort((a, b) => a - b);
  if (confidences.length === 0) return 0;
  const index = Math.floor((1 - share) * confidences.length);
  return round(Math.max(0, confidences[Math.min(index, confidences.length - 1)]! - 1e-6));
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

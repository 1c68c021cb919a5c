import { OUT_OF_SCOPE_INTENT, type RankedIntent } from '../core/index.js';

/**
 * The contract between the trained intent classifier and everything that uses it (the
 * understander, evaluation, benchmarks). Training data are labelled texts; the label `oos` marks
 * out-of-scope examples, which train the classifier to recognise what the bot does not handle.
 */

export const OUT_OF_SCOPE = OUT_OF_SCOPE_INTENT;

export interface LabelledExample {
  readonly text: string;
  /** An intent name, or `oos` for an out-of-scope example. */
  readonly intent: string;
}

/** What the classifier thinks of one text, before the out-of-scope rule is applied. */
export interface IntentScores {
  /** In-scope intents, most likely first, with calibrated probabilities (top N only). */
  readonly ranking: readonly RankedIntent[];
  /** Calibrated probability that the text is out of scope (0 when trained without oos examples). */
  readonly outOfScope: number;
}

export interface IntentClassifier {
  /** The confidence below which a text is out of scope, chosen on validation data at training. */
  readonly threshold: number;
  /** In-scope intents the classifier knows. */
  readonly intents: readonly string[];
  score(text: string): IntentScores;
}

export interface IntentDecision {
  /** null when the text is out of scope. */
  readonly intent: string | null;
  readonly confidence: number;
}

/**
 * The out-of-scope rule: the best in-scope intent wins when it is at least as likely as
 * "out of scope" and its confidence reaches the threshold. Evaluation sweeps the threshold with
 * this same function, so the sweep shows exactly what a threshold would do in production.
 */
export function decideIntent(scores: IntentScores, threshold: number): IntentDecision {
  const best = scores.ranking[0];
  if (!best || best.confidence < threshold || best.confidence < scores.outOfScope) {
    return { intent: null, confidence: best?.confidence ?? 0 };
  }
  return { intent: best.intent, confidence: best.confidence };
}

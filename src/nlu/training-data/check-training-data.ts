import type { IntentDefinition } from '../../core/index.js';
import type { LabelledExample } from '../intent-classifier.js';
import { OUT_OF_SCOPE } from '../intent-classifier.js';
import { normalise } from '../normalise.js';
import { examplesFromBot } from './bot-examples.js';
import { excerpt } from './source-problems.js';

export type TrainingDataProblemCode =
  | 'no-examples'
  | 'too-few-intents'
  | 'intent-without-examples'
  | 'single-example'
  | 'duplicate-example'
  | 'conflicting-example'
  | 'imbalanced-intents';

export interface TrainingDataProblem {
  /** An error means a classifier cannot (or must not) be trained on these data. */
  readonly severity: 'error' | 'warning';
  readonly code: TrainingDataProblemCode;
  readonly message: string;
  /** The labels concerned (sorted for conflicts; largest then smallest for imbalance). */
  readonly intents: readonly string[];
  /** The example concerned, for duplicates and conflicts. */
  readonly example?: string;
}

export interface CheckTrainingDataOptions {
  /** Intents that exist even without examples (from a bot folder); each one lacking examples is an error. */
  readonly declaredIntents?: readonly string[];
}

/** Above this ratio between the largest and the smallest in-scope intent, the classes are imbalanced. */
export const imbalanceRatioLimit = 10;

/**
 * What is wrong with a set of labelled examples before training on it. The label `oos` is not an
 * intent: it does not count towards the two intents a classifier needs, nor in the imbalance
 * check (out-of-scope sets are often much larger or smaller on purpose); it is checked like any
 * label for single examples, duplicates and conflicts. Duplicates within an intent are exact
 * repeats; conflicts compare normalised texts. Without any example, the only problem reported
 * is `no-examples`. Problems come errors first, then warnings, each kind in a stable order.
 */
export function checkTrainingData(examples: readonly LabelledExample[], options: CheckTrainingDataOptions = {}): TrainingDataProblem[] {
  if (examples.length === 0) {
    return [{ severity: 'error', code: 'no-examples', message: 'there are no training examples at all', intents: [] }];
  }
  const problems: TrainingDataProblem[] = [];
  const byLabel = new Map<string, string[]>();
  for (const example of examples) {
    const texts = byLabel.get(example.intent) ?? [];
    texts.push(example.text);
    byLabel.set(example.intent, texts);
  }
  const intents = [...byLabel.keys()].filter((label) => label !== OUT_OF_SCOPE);

  if (intents.length < 2) {
    problems.push({
      severity: 'error',
      code: 'too-few-intents',
      message: `a classifier needs at least 2 intents with examples, found ${intents.length}${intents.length === 1 ? ` ("${intents[0]!}")` : ''}`,
      intents,
    });
  }
  const declared = [...new Set(options.declaredIntents ?? [])].filter((intent) => !byLabel.has(intent)).sort();
  for (const intent of declared) {
    problems.push({ severity: 'error', code: 'intent-without-examples', message: `intent "${intent}" has no examples`, intents: [intent] });
  }

  for (const [label, texts] of byLabel) {
    if (texts.length === 1) {
      problems.push({
        severity: 'warning',
        code: 'single-example',
        message: `${describe(label)} has only 1 example: it cannot be both learned and tested`,
        intents: [label],
      });
    }
  }
  for (const [label, texts] of byLabel) {
    const seen = new Set<string>();
    const reported = new Set<string>();
    for (const text of texts) {
      if (seen.has(text) && !reported.has(text)) {
        reported.add(text);
        const count = texts.filter((other) => other === text).length;
        problems.push({
          severity: 'warning',
          code: 'duplicate-example',
          message: `${describe(label)} has the example ${excerpt(text)} ${count} times`,
          intents: [label],
          example: text,
        });
      }
      seen.add(text);
    }
  }

  const labelsByText = new Map<string, { text: string; labels: Set<string> }>();
  for (const example of examples) {
    const key = normalise(example.text);
    const entry = labelsByText.get(key) ?? { text: example.text, labels: new Set<string>() };
    entry.labels.add(example.intent);
    labelsByText.set(key, entry);
  }
  for (const { text, labels } of labelsByText.values()) {
    if (labels.size < 2) continue;
    const names = [...labels].sort();
    problems.push({
      severity: 'warning',
      code: 'conflicting-example',
      message: `the example ${excerpt(text)} is labelled ${names.map((name) => `"${name}"`).join(' and ')}: the classifier cannot tell them apart on it`,
      intents: names,
      example: text,
    });
  }

  if (intents.length >= 2) {
    const sizes = intents.map((intent) => ({ intent, count: byLabel.get(intent)!.length }));
    const largest = sizes.reduce((best, size) => (size.count > best.count ? size : best));
    const smallest = sizes.reduce((best, size) => (size.count < best.count ? size : best));
    if (largest.count > imbalanceRatioLimit * smallest.count) {
      problems.push({
        severity: 'warning',
        code: 'imbalanced-intents',
        message: `intent "${largest.intent}" has ${largest.count} examples, more than ${imbalanceRatioLimit}× the ${smallest.count} of intent "${smallest.intent}": the classifier will favour the large intents`,
        intents: [largest.intent, smallest.intent],
      });
    }
  }
  return problems;
}

/**
 * The checks for a bot folder's intents. An intent with patterns but no examples is served by the
 * pattern stage (the bot loader accepts it), so only intents with neither are reported as lacking
 * examples.
 */
export function checkBotTrainingData(intents: readonly IntentDefinition[]): TrainingDataProblem[] {
  return checkTrainingData(examplesFromBot(intents), { declaredIntents: intents.filter((intent) => intent.patterns.length === 0).map((intent) => intent.name) });
}

function describe(label: string): string {
  return label === OUT_OF_SCOPE ? 'the out-of-scope label "oos"' : `intent "${label}"`;
}

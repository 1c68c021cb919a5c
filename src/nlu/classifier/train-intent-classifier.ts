import { createHash } from 'node:crypto';
import { ParleyError } from '../../core/index.js';
import { OUT_OF_SCOPE, type LabelledExample } from '../intent-classifier.js';
import { fitTemperature } from './calibration.js';
import { resolveSettings, type ClassifierSettings } from './classifier-settings.js';
import { extractFeatures } from './feature-extractor.js';
import { trainAveragedHinge } from './hinge-trainer.js';
import { stratifiedSplit } from '../sampling/index.js';
import { scoreInto, type LinearModel } from './linear-model.js';
import { chooseThreshold } from './threshold-selection.js';
import { classifierFromData, type IntentModelData, type TrainedIntentClassifier } from './trained-classifier.js';
import { buildVocabulary, vectorize, type Vocabulary } from './vocabulary.js';

export interface TrainOptions extends Partial<ClassifierSettings> {
  /**
   * Held-out examples for calibrating confidences and choosing the out-of-scope threshold. When
   * absent, a seeded stratified fifth of the training data is held out for that, and the final
   * model is then trained on all of it.
   */
  readonly validation?: readonly LabelledExample[];
}

export const HOLDOUT_FRACTION = 0.2;
export const MODEL_FORMAT_VERSION = 1;

/** Trains in one go, blocking the thread (CLI, evaluation, benchmarks). */
export function trainIntentClassifier(examples: readonly LabelledExample[], options: TrainOptions = {}): TrainedIntentClassifier {
  const steps = trainingSteps(examples, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Trains in slices, giving the event loop back between them, so a server keeps answering while it
 * retrains (each slice is a few milliseconds of work).
 */
export async function trainIntentClassifierInBackground(examples: readonly LabelledExample[], options: TrainOptions = {}): Promise<TrainedIntentClassifier> {
  const steps = trainingSteps(examples, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function* trainingSteps(examples: readonly LabelledExample[], options: TrainOptions): Generator<void, TrainedIntentClassifier> {
  const { validation, ...overrides } = options;
  const settings = resolveSettings(overrides);
  checkExamples(examples);
  const hash = modelHash(examples, validation ?? null, settings);

  if (validation && validation.length > 0) {
    const fitted = yield* fit(examples, settings);
    const { temperature, threshold } = calibrate(fitted, validation, settings);
    return classifierFromData(toData(fitted, settings, hash, temperature, threshold, examples.length));
  }
  const { train, test: heldOut } = stratifiedSplit(examples, { testFraction: HOLDOUT_FRACTION, seed: settings.seed });
  const { temperature, threshold } = heldOut.length > 0 ? calibrate(yield* fit(train, settings), heldOut, settings) : { temperature: 1, threshold: 0 };
  const final = yield* fit(examples, settings);
  return classifierFromData(toData(final, settings, hash, temperature, threshold, examples.length));
}

interface FittedModel {
  readonly classes: string[];
  readonly vocabulary: Vocabulary;
  readonly model: LinearModel;
}

function* fit(examples: readonly LabelledExample[], settings: ClassifierSettings): Generator<void, FittedModel> {
  const classes = [...new Set(examples.map((example) => example.intent))].sort();
  const classIndex = new Map(classes.map((label, i) => [label, i]));
  const features = (index: number) => extractFeatures(examples[index]!.text, settings);
  const vocabulary = buildVocabulary(examples.length, features, settings.minDocumentFrequency);
  const vectors = examples.map((_, index) => vectorize(features(index), vocabulary));
  yield;
  const model = yield* trainAveragedHinge(
    vectors,
    examples.map((example) => classIndex.get(example.intent)!),
    { classes: classes.length, features: vocabulary.features.length, epochs: settings.epochs, learningRate: settings.learningRate, margin: settings.margin, seed: settings.seed },
  );
  return { classes, vocabulary, model };
}

function calibrate(fitted: FittedModel, validation: readonly LabelledExample[], settings: ClassifierSettings): { temperature: number; threshold: number } {
  const classIndex = new Map(fitted.classes.map((label, i) => [label, i]));
  // Only labels the model knows can calibrate it; validation oos examples still count for the
  // threshold even when the training data had none.
  const known = validation.filter((example) => classIndex.has(example.intent));
  const rawScores = known.map((example) => scoreInto(fitted.model, vectorize(extractFeatures(example.text, settings), fitted.vocabulary), new Float64Array(fitted.classes.length)));
  const temperature = fitTemperature(rawScores, known.map((example) => classIndex.get(example.intent)!));
  const provisional = classifierFromData(toData(fitted, settings, 'provisional', temperature, 0, 0));
  const threshold = chooseThreshold(validation.map((example) => ({ scores: provisional.score(example.text), intent: example.intent })));
  return { temperature, threshold };
}

function toData(fitted: FittedModel, settings: ClassifierSettings, hash: string, temperature: number, threshold: number, trainingExamples: number): IntentModelData {
  return {
    formatVersion: MODEL_FORMAT_VERSION,
    hash,
    settings,
    classes: fitted.classes,
    features: fitted.vocabulary.features,
    idf: fitted.vocabulary.idf,
    weights: fitted.model.weights,
    bias: fitted.model.bias,
    temperature,
    threshold,
    trainingExamples,
  };
}

function checkExamples(examples: readonly LabelledExample[]): void {
  const intents = new Set(examples.filter((example) => example.intent !== OUT_OF_SCOPE).map((example) => example.intent));
  if (intents.size < 2) {
    throw new ParleyError('PARLEY_BOT_INVALID', `Training needs examples of at least two intents; got ${intents.size === 0 ? 'none' : `only "${[...intents][0]}"`}.`);
  }
  const empty = examples.findIndex((example) => example.text.trim() === '' || example.intent.trim() === '');
  if (empty >= 0) throw new ParleyError('PARLEY_BOT_INVALID', `Training example ${empty + 1} has an empty text or intent.`);
}

/** The model's version: the same data, validation data and settings always give the same hash. */
export function modelHash(examples: readonly LabelledExample[], validation: readonly LabelledExample[] | null, settings: ClassifierSettings): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: MODEL_FORMAT_VERSION, settings }));
  for (const example of examples) hash.update(`\u0000t${example.intent}\u0001${example.text}`);
  for (const example of validation ?? []) hash.update(`\u0000v${example.intent}\u0001${example.text}`);
  return hash.digest('hex');
}

import type { RankedIntent } from '../../core/index.js';
import type { IntentClassifier, IntentScores } from '../intent-classifier.js';
import { OUT_OF_SCOPE } from '../intent-classifier.js';
import type { ClassifierSettings } from './classifier-settings.js';
import { extractFeatures } from './feature-extractor.js';
import { scoreInto, softmaxInPlace, type LinearModel } from './linear-model.js';
import { vectorize, vocabularyFrom, type Vocabulary } from './vocabulary.js';

/** Everything a trained model is: what is saved, and all that is needed to load it again. */
export interface IntentModelData {
  readonly formatVersion: 1;
  /** Hash of the training data, validation data and settings: the model's version. */
  readonly hash: string;
  readonly settings: ClassifierSettings;
  /** Class labels in weight order; may include `oos`. */
  readonly classes: readonly string[];
  readonly features: readonly string[];
  readonly idf: Float32Array;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly temperature: number;
  readonly threshold: number;
  readonly trainingExamples: number;
}

export interface TrainedIntentClassifier extends IntentClassifier {
  readonly hash: string;
  readonly data: IntentModelData;
}

export function classifierFromData(data: IntentModelData): TrainedIntentClassifier {
  const vocabulary: Vocabulary = vocabularyFrom(data.features, data.idf);
  const model: LinearModel = { classes: data.classes.length, weights: data.weights, bias: data.bias };
  const outOfScopeIndex = data.classes.indexOf(OUT_OF_SCOPE);
  const intents = data.classes.filter((label) => label !== OUT_OF_SCOPE);
  const scores = new Float64Array(data.classes.length);
  const rankingSize = data.settings.rankingSize;

  return {
    hash: data.hash,
    data,
    threshold: data.threshold,
    intents,
    score(text: string): IntentScores {
      const vector = vectorize(extractFeatures(text, data.settings), vocabulary);
      scoreInto(model, vector, scores);
      softmaxInPlace(scores, data.temperature);
      return { ranking: topIntents(scores, data.classes, outOfScopeIndex, rankingSize), outOfScope: outOfScopeIndex >= 0 ? scores[outOfScopeIndex]! : 0 };
    },
  };
}

/** The best few in-scope classes, without sorting all of them; ties go to the name first in order. */
function topIntents(probabilities: Float64Array, classes: readonly string[], skip: number, size: number): RankedIntent[] {
  const top: RankedIntent[] = [];
  for (let c = 0; c < probabilities.length; c += 1) {
    if (c === skip) continue;
    const confidence = probabilities[c]!;
    if (top.length === size && confidence <= top[size - 1]!.confidence) continue;
    let at = top.length;
    while (at > 0 && top[at - 1]!.confidence < confidence) at -= 1;
    top.splice(at, 0, { intent: classes[c]!, confidence });
    if (top.length > size) top.pop();
  }
  return top;
}

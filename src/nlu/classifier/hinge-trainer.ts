import type { LinearModel } from './linear-model.js';
import { scoreInto } from './linear-model.js';
import { seededRandom, shuffled } from '../sampling/index.js';
import type { SparseVector } from './vocabulary.js';

/**
 * A multiclass linear classifier trained with the Crammer–Singer hinge loss by stochastic
 * gradient steps, with weight averaging. An update touches only two classes (the correct one and
 * the best wrong one), so a pass costs little more than scoring the data; averaging the weights
 * over all steps makes the result far less sensitive to the order of the last examples, which is
 * what plain SGD on small data suffers from most.
 */

export interface HingeTrainingOptions {
  readonly classes: number;
  readonly features: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly margin: number;
  readonly seed: number;
}

const BIAS_RATE = 0.1;

/** Examples between two pauses when training runs beside a server (see `runInBackground`). */
export const EXAMPLES_PER_SLICE = 2000;

export function* trainAveragedHinge(vectors: readonly SparseVector[], labels: readonly number[], options: HingeTrainingOptions): Generator<void, LinearModel> {
  const { classes, features, epochs, learningRate, margin } = options;
  const weights = new Float32Array(features * classes);
  const bias = new Float32Array(classes);
  // Averaging without a second pass: keep the sum of step-weighted updates and subtract it at the end.
  const weightedUpdates = new Float32Array(features * classes);
  const weightedBiasUpdates = new Float64Array(classes);
  const model: LinearModel = { classes, weights, bias };
  const scores = new Float64Array(classes);
  let order = vectors.map((_, i) => i);
  const random = seededRandom(options.seed);
  let step = 1;

  for (let epoch = 0; epoch < epochs; epoch += 1) {
    order = shuffled(order, random);
    for (const i of order) {
      const vector = vectors[i]!;
      const gold = labels[i]!;
      scoreInto(model, vector, scores);
      let rival = -1;
      let rivalScore = -Infinity;
      for (let c = 0; c < classes; c += 1) {
        if (c !== gold && scores[c]! > rivalScore) {
          rivalScore = scores[c]!;
          rival = c;
        }
      }
      if (rival >= 0 && scores[gold]! - rivalScore < margin) {
        for (let j = 0; j < vector.indices.length; j += 1) {
          const row = vector.indices[j]! * classes;
          const delta = learningRate * vector.values[j]!;
          weights[row + gold]! += delta;
          weights[row + rival]! -= delta;
          weightedUpdates[row + gold]! += step * delta;
          weightedUpdates[row + rival]! -= step * delta;
        }
        const biasDelta = learningRate * BIAS_RATE;
        bias[gold]! += biasDelta;
        bias[rival]! -= biasDelta;
        weightedBiasUpdates[gold]! += step * biasDelta;
        weightedBiasUpdates[rival]! -= step * biasDelta;
      }
      step += 1;
      if (step % EXAMPLES_PER_SLICE === 0) yield;
    }
  }
  for (let k = 0; k < weights.length; k += 1) weights[k] = weights[k]! - weightedUpdates[k]! / step;
  for (let c = 0; c < classes; c += 1) bias[c] = bias[c]! - weightedBiasUpdates[c]! / step;
  return model;
}

import type { SparseVector } from './vocabulary.js';

/**
 * One weight per (feature, class), stored feature-major so that scoring a sparse vector reads
 * contiguous rows: the inner loop over classes is a straight run through memory.
 */
export interface LinearModel {
  readonly classes: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

export function scoreInto(model: LinearModel, vector: SparseVector, out: Float64Array): Float64Array {
  const { classes, weights, bias } = model;
  for (let c = 0; c < classes; c += 1) out[c] = bias[c]!;
  for (let j = 0; j < vector.indices.length; j += 1) {
    const row = vector.indices[j]! * classes;
    const value = vector.values[j]!;
    for (let c = 0; c < classes; c += 1) out[c]! += value * weights[row + c]!;
  }
  return out;
}

/** Softmax of scores divided by the temperature, in place. */
export function softmaxInPlace(scores: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (let c = 0; c < scores.length; c += 1) if (scores[c]! > max) max = scores[c]!;
  let sum = 0;
  for (let c = 0; c < scores.length; c += 1) {
    const e = Math.exp((scores[c]! - max) / temperature);
    scores[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c += 1) scores[c] = scores[c]! / sum;
  return scores;
}

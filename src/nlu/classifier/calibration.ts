import { softmaxInPlace } from './linear-model.js';

/**
 * Temperature scaling: one number that turns raw scores into probabilities that mean what they
 * say, fitted by minimising the negative log-likelihood of held-out labels. It does not change
 * which intent ranks first, only how sure the model claims to be, which is what the
 * out-of-scope threshold is compared with.
 */

const TEMPERATURES = [0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1, 1.5, 2, 3];

export function fitTemperature(rawScores: readonly Float64Array[], labels: readonly number[]): number {
  if (rawScores.length === 0) return 1;
  let best = 1;
  let bestLoss = Infinity;
  const probabilities = new Float64Array(rawScores[0]!.length);
  for (const temperature of TEMPERATURES) {
    let loss = 0;
    rawScores.forEach((scores, i) => {
      probabilities.set(scores);
      softmaxInPlace(probabilities, temperature);
      loss -= Math.log(probabilities[labels[i]!]! + 1e-12);
    });
    if (loss < bestLoss) {
      bestLoss = loss;
      best = temperature;
    }
  }
  return best;
}

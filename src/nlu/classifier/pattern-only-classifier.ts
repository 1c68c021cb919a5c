import { createHash } from 'node:crypto';
import type { IntentClassifier } from '../intent-classifier.js';

/**
 * What a bot gets when it has fewer than two intents with examples: nothing to tell apart, so no
 * model. Every message the payload and pattern stages do not decide is out of scope.
 */
export function patternOnlyClassifier(intents: readonly string[]): IntentClassifier & { readonly hash: string } {
  return {
    hash: `patterns-only-${createHash('sha256').update(intents.join('\u0000')).digest('hex').slice(0, 16)}`,
    threshold: 1,
    intents,
    score: () => ({ ranking: [], outOfScope: 1 }),
  };
}

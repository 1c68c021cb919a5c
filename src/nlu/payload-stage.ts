import type { IntentDefinition } from '../core/index.js';
import type { StageDecision } from './decision.js';

/**
 * Buttons send `/intent_name` as their payload: the user chose the intent, so nothing needs to be
 * guessed. A payload naming an intent the bot does not have is left to the other stages rather
 * than rejected, since a user can also type a slash by hand.
 */

export interface PayloadStage {
  /** `normalisedText` is the output of `normalise`. */
  decide(normalisedText: string): StageDecision | null;
}

const payloadPattern = /^\/([a-z][a-z0-9_]*)$/;

export function createPayloadStage(intents: readonly Pick<IntentDefinition, 'name'>[]): PayloadStage {
  const names = new Set(intents.map((intent) => intent.name));
  return {
    decide(normalisedText) {
      const name = payloadPattern.exec(normalisedText)?.[1];
      if (name === undefined || !names.has(name)) return null;
      return { intent: name, confidence: 1, stage: 'payload', reason: `payload "/${name}" names intent "${name}"` };
    },
  };
}

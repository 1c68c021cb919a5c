import type { IntentDefinition } from '../../core/index.js';
import type { LabelledExample } from '../intent-classifier.js';

/** The labelled examples a bot folder's intents give the classifier (patterns are not examples). */
export function examplesFromBot(intents: readonly IntentDefinition[]): LabelledExample[] {
  return intents.flatMap((intent) => intent.examples.map((text) => ({ text, intent: intent.name })));
}

import type { BotDefinition, Clock, ModelStore } from '../core/index.js';
import {
  classifierFromData,
  decodeModel,
  defaultClassifierSettings,
  encodeModel,
  modelHash,
  OUT_OF_SCOPE,
  patternOnlyClassifier,
  type IntentClassifier,
  trainIntentClassifierInBackground,
  type ClassifierSettings,
  type TrainedIntentClassifier,
} from '../nlu/index.js';
import { examplesFromBot } from '../nlu/training-data/index.js';
import { silentLogger, type EngineLogger } from './logger.js';

/**
 * The bot's trained model, versioned by the hash of its training data and settings: a start (or
 * a reload) whose hash is already in the store loads that model in milliseconds; otherwise it
 * trains one, in slices beside the server's other work, and stores it.
 */

export function classifierSettingsFor(bot: Pick<BotDefinition, 'config'>): ClassifierSettings {
  return { ...defaultClassifierSettings, language: bot.config.language, seed: bot.config.nlu.seed };
}

export function nluModelHash(bot: Pick<BotDefinition, 'config' | 'intents'>): string {
  return modelHash(examplesFromBot(bot.intents), null, classifierSettingsFor(bot));
}

export interface ModelSource {
  readonly classifier: IntentClassifier & { readonly hash: string };
  readonly source: 'store' | 'trained';
  readonly trainMs: number;
}

export async function loadOrTrainClassifier(
  bot: Pick<BotDefinition, 'config' | 'intents'>,
  models: ModelStore,
  clock: Clock,
  logger: EngineLogger = silentLogger,
): Promise<ModelSource> {
  const examples = examplesFromBot(bot.intents);
  const trainable = new Set(examples.filter((example) => example.intent !== OUT_OF_SCOPE).map((example) => example.intent));
  if (trainable.size < 2) {
    logger.warn({ bot: bot.config.name, intents: trainable.size }, 'fewer than two intents have examples: no NLU model, only payloads and patterns decide');
    return { classifier: patternOnlyClassifier(bot.intents.map((intent) => intent.name)), source: 'trained', trainMs: 0 };
  }
  const hash = nluModelHash(bot);
  const stored = await models.get(hash);
  if (stored) return { classifier: classifierFromData(decodeModel(stored.bytes)), source: 'store', trainMs: 0 };
  const started = performance.now();
  const classifier = await trainIntentClassifierInBackground(examples, classifierSettingsFor(bot));
  const trainMs = performance.now() - started;
  await models.save({ hash: classifier.hash, botName: bot.config.name, createdAt: clock.now().toISOString(), bytes: encodeModel(classifier.data) });
  logger.info(
    { bot: bot.config.name, model: classifier.hash.slice(0, 12), examples: examples.length, ms: Math.round(trainMs), threshold: classifier.threshold },
    'trained the NLU model',
  );
  return { classifier, source: 'trained', trainMs };
}

/** The bot's newest stored model, whatever its hash: served while a newer one trains. */
export async function latestStoredClassifier(botName: string, models: ModelStore): Promise<TrainedIntentClassifier | null> {
  const stored = await models.latest(botName);
  return stored ? classifierFromData(decodeModel(stored.bytes)) : null;
}

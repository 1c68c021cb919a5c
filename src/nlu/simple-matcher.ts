import type { BotDefinition, Understander, Understanding } from '../core/index.js';
import type { StageDecision } from './decision.js';
import { createEntityExtractor } from './entity-extractor.js';
import { normaliseWithOffsets } from './normalise.js';
import { createPatternStage } from './pattern-stage.js';
import { createPayloadStage } from './payload-stage.js';
import { createSimilarityStage } from './similarity-stage.js';
import type { SimilarityResult } from './similarity-stage.js';
import { tokeniseNormalised } from './tokenise.js';

/**
 * The first Understander: exact rules first (a button payload, then the author's patterns), then
 * the nearest example. No training step and no randomness, so the same bot always understands
 * the same message the same way, and every answer says why.
 *
 * Everything that depends only on the bot is built here, once; `understand` runs on every
 * message and only does work proportional to the message.
 */

export type SimpleMatcherBot = Pick<BotDefinition, 'config' | 'intents' | 'entities'>;

/** An Understander that answers synchronously, for callers that want to skip the await. */
export interface SimpleMatcher extends Understander {
  understand(text: string): Understanding;
}

export function createSimpleMatcher(bot: SimpleMatcherBot): SimpleMatcher {
  const threshold = bot.config.nlu.threshold;
  const payloadStage = createPayloadStage(bot.intents);
  const patternStage = createPatternStage(bot.intents);
  const similarityStage = createSimilarityStage(bot.intents);
  const entityExtractor = createEntityExtractor(bot.entities);

  return {
    understand(text) {
      const normalised = normaliseWithOffsets(text);
      const tokens = tokeniseNormalised(normalised);
      const entities = entityExtractor.extract(normalised, tokens);

      const decided = payloadStage.decide(normalised.text) ?? patternStage.decide(normalised.text);
      if (decided) return fromDecision(decided, entities);

      const similarity = similarityStage.score(tokens.map((token) => token.text));
      return fromSimilarity(similarity, threshold, tokens.length === 0, entities);
    },
  };
}

function fromDecision(decision: StageDecision, entities: Understanding['entities']): Understanding {
  return { ...decision, ranking: [{ intent: decision.intent, confidence: decision.confidence }], entities };
}

function fromSimilarity(
  similarity: SimilarityResult,
  threshold: number,
  noWords: boolean,
  entities: Understanding['entities'],
): Understanding {
  const { best, ranking } = similarity;
  if (!best) {
    return {
      intent: null,
      confidence: 0,
      stage: 'below-threshold',
      reason: noWords
        ? 'the message has no words to match'
        : `no example shares a word or trigram with the message (threshold ${threshold})`,
      ranking,
      entities,
    };
  }
  const runnerUp = ranking[1];
  const next = runnerUp ? `; next "${runnerUp.intent}" at ${score(runnerUp.confidence)}` : '';
  const evidence = `intent "${best.intent}" scored ${score(best.confidence)} via example "${best.example}"`;
  if (best.confidence < threshold) {
    return {
      intent: null,
      confidence: best.confidence,
      stage: 'below-threshold',
      reason: `best candidate ${evidence}, below the threshold ${threshold}${next}`,
      ranking,
      entities,
    };
  }
  return {
    intent: best.intent,
    confidence: best.confidence,
    stage: 'similarity',
    reason: `${evidence}, at or above the threshold ${threshold}${next}`,
    ranking,
    entities,
  };
}

// Three decimals: enough that a score just under the threshold does not print as equal to it.
function score(confidence: number): string {
  return confidence.toFixed(3);
}

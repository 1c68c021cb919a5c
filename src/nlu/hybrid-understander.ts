import type { BotDefinition, ExtractedEntity, IntentCandidate, IntentProvider, Understander } from '../core/index.js';
import { createEntityExtractor } from './entity-extractor.js';
import { decideIntent, OUT_OF_SCOPE, type IntentClassifier, type IntentScores } from './intent-classifier.js';
import { normaliseWithOffsets, type NormalisedText } from './normalise.js';
import { createPatternStage } from './pattern-stage.js';
import { createPayloadStage } from './payload-stage.js';
import { tokeniseNormalised } from './tokenise.js';

/**
 * Understanding in stages, each cheaper and more certain than the next: a button payload
 * (`/intent`), the author's exact patterns, the trained classifier, and, only for messages the
 * classifier would call out of scope, an optional provider (an embedding or LLM service). Every
 * result names the stage that decided and why.
 */

export interface BuiltinEntityExtractor {
  /** Takes the message as the understander has already normalised it. */
  extractNormalised(normalised: NormalisedText): ExtractedEntity[];
}

export interface HybridUnderstanderOptions {
  readonly bot: Pick<BotDefinition, 'config' | 'intents' | 'entities'>;
  readonly classifier: IntentClassifier;
  readonly builtinEntities?: BuiltinEntityExtractor;
  readonly provider?: IntentProvider;
  readonly providerTimeoutMs?: number;
  /** The provider's answer counts only at or above this confidence. */
  readonly providerMinConfidence?: number;
}

export function createHybridUnderstander(options: HybridUnderstanderOptions): Understander {
  const { bot, classifier, provider } = options;
  const payloadStage = createPayloadStage(bot.intents);
  const patternStage = createPatternStage(bot.intents);
  const entityExtractor = createEntityExtractor(bot.entities);
  // The author's threshold, when set, wins over the one learned from held-out examples.
  const botThreshold = bot.config.nlu.threshold ?? classifier.threshold;
  const botThresholdSource = bot.config.nlu.threshold === undefined ? 'learned' : 'set in bot.yaml';
  const intentThresholds = new Map(bot.intents.flatMap((intent) => (intent.threshold === undefined ? [] : [[intent.name, intent.threshold] as const])));
  const candidates: IntentCandidate[] = bot.intents
    .filter((intent) => intent.name !== OUT_OF_SCOPE)
    .map((intent) => ({ name: intent.name, examples: intent.examples }));
  const timeoutMs = options.providerTimeoutMs ?? 3000;

  return {
    async understand(text) {
      const normalised = normaliseWithOffsets(text);
      const tokens = tokeniseNormalised(normalised);
      const entities = [...entityExtractor.extract(normalised, tokens), ...(options.builtinEntities?.extractNormalised(normalised) ?? [])].sort(
        (left, right) => left.start - right.start || left.end - right.end,
      );

      const decided = payloadStage.decide(normalised.text) ?? patternStage.decide(normalised.text);
      if (decided) return { ...decided, ranking: [{ intent: decided.intent, confidence: decided.confidence }], entities };

      if (tokens.length === 0) {
        return { intent: null, confidence: 0, stage: 'out-of-scope', reason: 'the message has no words', ranking: [], entities };
      }
      const scores = classifier.score(text);
      const best = scores.ranking[0]?.intent;
      const own = best === undefined ? undefined : intentThresholds.get(best);
      const threshold = own ?? botThreshold;
      const thresholdSource = own === undefined ? botThresholdSource : `"${best}"'s own`;
      const decision = decideIntent(scores, threshold);
      const ranking = [...scores.ranking];
      if (decision.intent !== null) {
        return { intent: decision.intent, confidence: decision.confidence, stage: 'classifier', reason: explainAccepted(scores, threshold, thresholdSource), ranking, entities };
      }
      const rejected = explainRejected(scores, threshold, thresholdSource);
      // Close to known intents but not sure enough, as opposed to out of scope by the oos examples:
      // the dialogue may ask which intent was meant.
      const missStage = scores.ranking[0] !== undefined && scores.ranking[0].confidence >= scores.outOfScope ? 'below-threshold' : 'out-of-scope';
      if (provider) {
        const asked = await askProvider(provider, text, candidates, timeoutMs);
        if (asked.intent !== null && asked.confidence >= (options.providerMinConfidence ?? 0)) {
          return { intent: asked.intent, confidence: asked.confidence, stage: 'provider', reason: `${rejected}; ${provider.name} chose it: ${asked.reason}`, ranking, entities };
        }
        const below = asked.intent !== null ? ` (below its minimum ${fixed(options.providerMinConfidence ?? 0)})` : '';
        return { intent: null, confidence: decision.confidence, stage: missStage, reason: `${rejected}; ${provider.name}: ${asked.reason}${below}`, ranking, entities };
      }
      return { intent: null, confidence: decision.confidence, stage: missStage, reason: rejected, ranking, entities };
    },
  };
}

/** A provider that fails or is slow must not fail the turn: the message is then out of scope. */
async function askProvider(provider: IntentProvider, text: string, candidates: readonly IntentCandidate[], timeoutMs: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await provider.classify(text, candidates, controller.signal);
  } catch (error) {
    return { intent: null, confidence: 0, reason: `not available (${error instanceof Error ? error.message : String(error)})` };
  } finally {
    clearTimeout(timer);
  }
}

function explainAccepted(scores: IntentScores, threshold: number, source: string): string {
  const [best, next] = scores.ranking;
  return `classifier: "${best!.intent}" at ${fixed(best!.confidence)} ≥ ${source} threshold ${fixed(threshold)}` + (next ? `; next "${next.intent}" at ${fixed(next.confidence)}` : '');
}

function explainRejected(scores: IntentScores, threshold: number, source: string): string {
  const best = scores.ranking[0];
  if (!best) return 'classifier: no intent to rank';
  if (best.confidence < scores.outOfScope) {
    return `classifier: out-of-scope examples fit better (${fixed(scores.outOfScope)}) than "${best.intent}" (${fixed(best.confidence)})`;
  }
  return `classifier: best "${best.intent}" at ${fixed(best.confidence)} < ${source} threshold ${fixed(threshold)}`;
}

function fixed(value: number): string {
  return value.toFixed(3);
}

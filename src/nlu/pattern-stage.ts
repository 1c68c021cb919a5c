import type { IntentDefinition } from '../core/index.js';
import { compilePattern } from './compile-pattern.js';
import type { StageDecision } from './decision.js';

/**
 * An intent's `patterns` are the author's exact rules: when one matches, no statistical guess can
 * overrule it. Intents are tried in the order the bot defines them, and their patterns in the
 * order written, so when two could match the first one written wins, every time.
 */

export interface PatternStage {
  /** `normalisedText` is the output of `normalise`. */
  decide(normalisedText: string): StageDecision | null;
}

interface CompiledPattern {
  readonly intent: string;
  readonly source: string;
  readonly regex: RegExp;
}

export function createPatternStage(intents: readonly Pick<IntentDefinition, 'name' | 'patterns'>[]): PatternStage {
  const compiled: CompiledPattern[] = intents.flatMap((intent) =>
    intent.patterns.map((source) => ({
      intent: intent.name,
      source,
      regex: compilePattern(source, 'i', `intent "${intent.name}"`),
    })),
  );
  return {
    decide(normalisedText) {
      if (normalisedText.length === 0) return null;
      for (const pattern of compiled) {
        if (pattern.regex.test(normalisedText)) {
          return {
            intent: pattern.intent,
            confidence: 1,
            stage: 'pattern',
            reason: `pattern /${pattern.source}/ of intent "${pattern.intent}" matched`,
          };
        }
      }
      return null;
    },
  };
}

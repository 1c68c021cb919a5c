import type { EntityDefinition, ExtractedEntity } from '../core/index.js';
import { compilePattern } from './compile-pattern.js';
import { toOriginalSpan } from './normalise.js';
import type { NormalisedText } from './normalise.js';

/**
 * Regex entities match the normalised text, exactly as intent patterns do, so a full-width
 * "ＯＲＤ-１２３" or a lower-case "ord-123" meets the same rule as "ORD-123". The value is what the
 * user wrote at that place, not our folded copy: an order number or an e-mail address must reach
 * a connector as typed.
 */

export type RegexEntityDefinition = Extract<EntityDefinition, { type: 'regex' }>;

export interface RegexEntities {
  extract(normalised: NormalisedText): ExtractedEntity[];
}

export function createRegexEntities(definitions: readonly RegexEntityDefinition[]): RegexEntities {
  const compiled = definitions.map((definition) => ({
    entity: definition.name,
    regex: compilePattern(definition.pattern, 'gi', `entity "${definition.name}"`),
  }));
  return {
    extract(normalised) {
      const found: ExtractedEntity[] = [];
      if (normalised.text.length === 0) return found;
      for (const { entity, regex } of compiled) {
        // matchAll works on a copy of the expression, so no lastIndex leaks between messages.
        for (const match of normalised.text.matchAll(regex)) {
          if (match[0].length === 0) continue;
          const span = toOriginalSpan(normalised, match.index, match.index + match[0].length);
          const text = normalised.original.slice(span.start, span.end);
          found.push({ entity, value: text, text, start: span.start, end: span.end, confidence: 1, extractor: 'regex' });
        }
      }
      return found;
    },
  };
}

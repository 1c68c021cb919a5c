import type { EntityDefinition, ExtractedEntity } from '../core/index.js';
import { createLookupEntities } from './lookup-entities.js';
import type { LookupEntityDefinition } from './lookup-entities.js';
import type { NormalisedText } from './normalise.js';
import { compareText } from './ordering.js';
import { createRegexEntities } from './regex-entities.js';
import type { RegexEntityDefinition } from './regex-entities.js';
import type { Token } from './tokenise.js';

/**
 * All of a bot's entities over one message. Regex and lookup entities may overlap each other (an
 * order number can also be a product code); choosing between them is the dialogue's job, since
 * only it knows which slot it is filling.
 */

export interface EntityExtractor {
  /** Both arguments come from the same message: `tokens` from `tokeniseNormalised(normalised)`. */
  extract(normalised: NormalisedText, tokens: readonly Token[]): ExtractedEntity[];
}

export function createEntityExtractor(definitions: readonly EntityDefinition[]): EntityExtractor {
  const regex = createRegexEntities(definitions.filter((definition): definition is RegexEntityDefinition => definition.type === 'regex'));
  const lookup = createLookupEntities(
    definitions.filter((definition): definition is LookupEntityDefinition => definition.type === 'lookup'),
  );
  return {
    extract(normalised, tokens) {
      const found = [...regex.extract(normalised), ...lookup.extract(normalised, tokens)];
      // In reading order, with a total order behind it so equal spans always come out alike.
      return found.sort(
        (left, right) =>
          left.start - right.start ||
          left.end - right.end ||
          compareText(left.entity, right.entity) ||
          compareText(left.extractor, right.extractor) ||
          compareText(String(left.value), String(right.value)),
      );
    },
  };
}

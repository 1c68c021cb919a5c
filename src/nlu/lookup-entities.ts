import type { EntityDefinition, ExtractedEntity } from '../core/index.js';
import { withinOneEdit } from './edit-distance.js';
import type { NormalisedText } from './normalise.js';
import type { Token } from './tokenise.js';
import { words as wordsOf } from './tokenise.js';

/**
 * Lookup entities: a list of canonical values, each with synonyms. Phrases are compared as whole
 * token sequences, so "ny" never matches inside "sunny" and case, accents and apostrophes do not
 * matter. Within one entity matches never overlap and the longest wins ("new york city" over
 * "new york"); different entities are extracted independently, because two of them may well
 * share a word and only the dialogue knows which one it is asking for.
 *
 * A single-word synonym also matches a word one typo away, with lower confidence. Short words are
 * excluded: at four letters and under, one edit turns too many ordinary words into each other.
 */

export type LookupEntityDefinition = Extract<EntityDefinition, { type: 'lookup' }>;

export interface LookupEntities {
  extract(normalised: NormalisedText, tokens: readonly Token[]): ExtractedEntity[];
}

const typoConfidence = 0.8;
const typoMinimumLength = 5;
const lettersOnly = /^\p{L}+$/u;

interface Phrase {
  readonly entity: number;
  readonly value: string;
  readonly words: readonly string[];
  /** Position in the definitions; the earlier phrase wins a tie. */
  readonly order: number;
}

interface Candidate {
  readonly phrase: Phrase;
  /** Token indices, end exclusive. */
  readonly first: number;
  readonly last: number;
  readonly typo: boolean;
}

export function createLookupEntities(definitions: readonly LookupEntityDefinition[]): LookupEntities {
  const phrases: Phrase[] = [];
  definitions.forEach((definition, entity) => {
    for (const entry of definition.values) {
      for (const written of [entry.value, ...entry.synonyms]) {
        const words = wordsOf(written);
        if (words.length > 0) phrases.push({ entity, value: entry.value, words, order: phrases.length });
      }
    }
  });

  const byFirstWord = new Map<string, Phrase[]>();
  for (const phrase of phrases) appendTo(byFirstWord, phrase.words[0]!, phrase);
  // Each single word is filed under itself and under every one-deletion variant; two words within
  // one edit always share a key, so a message word needs only its own few keys looked up.
  const byDeletion = new Map<string, Phrase[]>();
  for (const phrase of phrases) {
    if (phrase.words.length !== 1) continue;
    for (const key of deletionKeys(phrase.words[0]!)) appendTo(byDeletion, key, phrase);
  }

  return {
    extract(normalised, tokens) {
      if (tokens.length === 0 || phrases.length === 0) return [];
      const candidates: Candidate[] = [];
      for (let first = 0; first < tokens.length; first += 1) {
        const word = tokens[first]!.text;
        for (const phrase of byFirstWord.get(word) ?? []) {
          if (matchesAt(phrase.words, tokens, first)) {
            candidates.push({ phrase, first, last: first + phrase.words.length, typo: false });
          }
        }
        // Exact matches outrank typo matches in `select`, so a word that is itself a synonym
        // cannot be taken over by a neighbouring one.
        if (word.length >= typoMinimumLength && lettersOnly.test(word)) {
          for (const phrase of typoMatches(word, byDeletion)) {
            candidates.push({ phrase, first, last: first + 1, typo: true });
          }
        }
      }
      return select(candidates, definitions.length).map((candidate) => {
        const start = tokens[candidate.first]!.start;
        const end = tokens[candidate.last - 1]!.end;
        return {
          entity: definitions[candidate.phrase.entity]!.name,
          value: candidate.phrase.value,
          text: normalised.original.slice(start, end),
          start,
          end,
          confidence: candidate.typo ? typoConfidence : 1,
          extractor: 'lookup',
        };
      });
    },
  };
}

function matchesAt(words: readonly string[], tokens: readonly Token[], first: number): boolean {
  if (first + words.length > tokens.length) return false;
  for (let offset = 1; offset < words.length; offset += 1) {
    if (tokens[first + offset]!.text !== words[offset]) return false;
  }
  return true;
}

/** One phrase per entity: the earliest defined among those exactly one edit away. */
function typoMatches(word: string, byDeletion: ReadonlyMap<string, Phrase[]>): Phrase[] {
  const bestPerEntity = new Map<number, Phrase>();
  for (const key of deletionKeys(word)) {
    for (const phrase of byDeletion.get(key) ?? []) {
      const current = bestPerEntity.get(phrase.entity);
      if ((current && current.order <= phrase.order) || phrase.words[0] === word) continue;
      if (withinOneEdit(word, phrase.words[0]!)) bestPerEntity.set(phrase.entity, phrase);
    }
  }
  return [...bestPerEntity.values()];
}

/** Longest first, exact before typo, then leftmost, then earliest defined; no overlaps within an entity. */
function select(candidates: Candidate[], entityCount: number): Candidate[] {
  candidates.sort(
    (left, right) =>
      right.last - right.first - (left.last - left.first) ||
      Number(left.typo) - Number(right.typo) ||
      left.first - right.first ||
      left.phrase.order - right.phrase.order,
  );
  const taken: Set<number>[] = Array.from({ length: entityCount }, () => new Set<number>());
  const chosen: Candidate[] = [];
  for (const candidate of candidates) {
    const covered = taken[candidate.phrase.entity]!;
    let free = true;
    for (let index = candidate.first; index < candidate.last && free; index += 1) free = !covered.has(index);
    if (!free) continue;
    for (let index = candidate.first; index < candidate.last; index += 1) covered.add(index);
    chosen.push(candidate);
  }
  return chosen;
}

function deletionKeys(word: string): string[] {
  const keys = [word];
  for (let index = 0; index < word.length; index += 1) keys.push(word.slice(0, index) + word.slice(index + 1));
  return keys;
}

function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

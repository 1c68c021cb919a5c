import { normaliseWithOffsets, toOriginalSpan } from './normalise.js';
import type { NormalisedText } from './normalise.js';

/**
 * Word tokens: runs of letters and digits. An apostrophe inside a word is dropped and the word
 * kept whole ("where's" → "wheres", "don't" → "dont"), so the many users who skip the apostrophe
 * type the same token as those who do not, and examples and input always split alike.
 */

export interface Token {
  /** The normalised word, apostrophes removed. */
  readonly text: string;
  /** Span in the original text. */
  readonly start: number;
  readonly end: number;
  /** Span in the normalised text. */
  readonly normalisedStart: number;
  readonly normalisedEnd: number;
}

const wordPattern = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;

export function tokenise(text: string): Token[] {
  return tokeniseNormalised(normaliseWithOffsets(text));
}

export function tokeniseNormalised(normalised: NormalisedText): Token[] {
  const tokens: Token[] = [];
  for (const match of normalised.text.matchAll(wordPattern)) {
    const normalisedStart = match.index;
    const normalisedEnd = normalisedStart + match[0].length;
    const span = toOriginalSpan(normalised, normalisedStart, normalisedEnd);
    tokens.push({
      text: match[0].includes("'") ? match[0].replaceAll("'", '') : match[0],
      start: span.start,
      end: span.end,
      normalisedStart,
      normalisedEnd,
    });
  }
  return tokens;
}

/** Just the words, for callers that need no offsets (examples, synonyms). */
export function words(text: string): string[] {
  return tokenise(text).map((token) => token.text);
}

/**
 * The features the similarity stage compares. Whole words carry meaning; character trigrams of
 * each word (padded with a space on both sides, so beginnings and endings count) survive typos
 * and inflections: "pakage" still shares " pa", "kag", "age" and "ge " with "package".
 *
 * Words shorter than three letters get no trigrams: theirs would only repeat the word and hand
 * "is", "my" and "to" a second vote, and a typo in a two-letter word cannot be recovered anyway.
 *
 * The two kinds are kept apart so each can be weighted and normalised on its own; otherwise a
 * long word's many trigrams would drown out the word itself.
 */

export interface FeatureCounts {
  readonly words: Map<string, number>;
  readonly trigrams: Map<string, number>;
}

const minimumTrigramWordLength = 3;

export function featurise(words: readonly string[]): FeatureCounts {
  const wordCounts = new Map<string, number>();
  const trigramCounts = new Map<string, number>();
  for (const word of words) {
    wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
    if (word.length < minimumTrigramWordLength) continue;
    const padded = ` ${word} `;
    for (let index = 0; index + 3 <= padded.length; index += 1) {
      const trigram = padded.slice(index, index + 3);
      trigramCounts.set(trigram, (trigramCounts.get(trigram) ?? 0) + 1);
    }
  }
  return { words: wordCounts, trigrams: trigramCounts };
}

/**
 * Typo tolerance: the words of the index (as written, spelling unified, before stemming) in a
 * trigram index, so a word of a question that no passage contains can be matched to the words
 * within a small edit distance ("recieve" → "receive", "warrenty" → "warranty") without
 * comparing it with the whole vocabulary; and in sorted order, for the words a clipped word
 * begins ("info" → "information").
 */

export interface FuzzyMatch {
  readonly word: string;
  readonly distance: number;
}

export class FuzzyVocabulary {
  private readonly words: string[] = [];
  private readonly trigrams = new Map<string, number[]>();
  private sorted: string[] | null = null;
  /** Scratch: shared-trigram counts per word, and the words counted. */
  private counts: Uint8Array | null = null;
  private touched: Int32Array | null = null;

  constructor(words: Iterable<string>) {
    for (const word of words) {
      if (word.length < 3 || !/\p{L}/u.test(word)) continue;
      const id = this.words.length;
      this.words.push(word);
      for (const gram of new Set(trigramsOf(word))) {
        const list = this.trigrams.get(gram);
        if (list) list.push(id);
        else this.trigrams.set(gram, [id]);
      }
    }
  }

  get size(): number {
    return this.words.length;
  }

  /** Words that start with `prefix` and are at least `minExtra` characters longer ("info" → "information"), at most `limit`. */
  extensions(prefix: string, minExtra: number, limit: number): string[] {
    this.sorted ??= [...this.words].sort();
    const sorted = this.sorted;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle]! < prefix) low = middle + 1;
      else high = middle;
    }
    const found: string[] = [];
    for (let i = low; i < sorted.length && found.length < limit && sorted[i]!.startsWith(prefix); i += 1) {
      if (sorted[i]!.length >= prefix.length + minExtra) found.push(sorted[i]!);
    }
    return found;
  }

  /** The words closest to `word` within `maxDistance` edits (insert, delete, replace, swap neighbours), nearest first. */
  nearest(word: string, maxDistance: number): FuzzyMatch[] {
    const grams = [...new Set(trigramsOf(word))];
    const counts = (this.counts ??= new Uint8Array(this.words.length));
    const touched = (this.touched ??= new Int32Array(this.words.length));
    let touchedCount = 0;
    for (const gram of grams) {
      const list = this.trigrams.get(gram);
      if (!list) continue;
      for (let i = 0; i < list.length; i += 1) {
        const id = list[i]!;
        if (counts[id] === 0) touched[touchedCount++] = id;
        if (counts[id]! < 255) counts[id]! += 1;
      }
    }
    // One edit changes at most three trigrams.
    const needed = Math.max(1, grams.length - 3 * maxDistance);
    const matches: FuzzyMatch[] = [];
    for (let t = 0; t < touchedCount; t += 1) {
      const id = touched[t]!;
      const count = counts[id]!;
      counts[id] = 0;
      if (count < needed) continue;
      const candidate = this.words[id]!;
      if (Math.abs(candidate.length - word.length) > maxDistance) continue;
      const distance = boundedEditDistance(word, candidate, maxDistance);
      if (distance <= maxDistance) matches.push({ word: candidate, distance });
    }
    return matches.sort((left, right) => left.distance - right.distance || (left.word < right.word ? -1 : 1));
  }
}

function trigramsOf(word: string): string[] {
  const padded = `^${word}$`;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i += 1) grams.push(padded.slice(i, i + 3));
  return grams;
}

/**
 * Optimal-string-alignment distance (Levenshtein plus swapped neighbours), or `max + 1` as soon
 * as it must exceed `max`.
 */
export function boundedEditDistance(left: string, right: string, max: number): number {
  if (left === right) return 0;
  if (Math.abs(left.length - right.length) > max) return max + 1;
  const columns = right.length + 1;
  let before = new Array<number>(columns).fill(0);
  let previous = Array.from({ length: columns }, (_, j) => j);
  let current = new Array<number>(columns).fill(0);
  for (let i = 1; i <= left.length; i += 1) {
    current[0] = i;
    let rowMinimum = i;
    for (let j = 1; j <= right.length; j += 1) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[right.length]!;
}

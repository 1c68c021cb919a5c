import type { BuiltinLanguage, NumberWordKind } from './language-table.js';
import { afterSpace, isDigitCode, readLetters } from './text-cursor.js';

/**
 * Numbers spelled out in words: "twenty-five", "one hundred and two", "a dozen", "two and a half",
 * "twenty-first". A number is read word by word while each word can follow the one before (a unit
 * after a tens word, a scale after anything smaller); the first word that cannot ends it, so
 * "five twenty" is two numbers, not one.
 */

export interface SpelledNumber {
  readonly value: number;
  /** End of the number in the normalised text. */
  readonly end: number;
  readonly ordinal: boolean;
  readonly confidence: number;
}

export interface NumberWordParser {
  /** Whether a number can begin with this word. */
  startsNumber(word: string): boolean;
  /** The longest number starting at `position`, which must be the start of a word. */
  parse(text: string, position: number): SpelledNumber | undefined;
}

type State = 'start' | 'article' | NumberWordKind;

interface Entry {
  readonly kind: NumberWordKind;
  readonly value: number;
  readonly ordinal: boolean;
}

export function createNumberWordParser(language: BuiltinLanguage): NumberWordParser {
  const { numbers } = language;
  const entries = new Map<string, Entry>();
  for (const [word, entry] of Object.entries(numbers.cardinals)) entries.set(word, { ...entry, ordinal: false });
  for (const [word, entry] of Object.entries(numbers.ordinals)) entries.set(word, { ...entry, ordinal: true });
  const articles = new Set(numbers.article);
  const conjunctions = new Set(numbers.conjunction);
  const dozens = new Set(numbers.dozen);
  const halves = new Set(numbers.half);
  const ambiguous = new Map(Object.entries(numbers.ambiguous));

  const wordAt = (text: string, position: number): [string, number] | undefined => {
    const end = readLetters(text, position);
    if (end === position || isDigitCode(text.charCodeAt(end))) return undefined;
    return [text.slice(position, end), end];
  };

  /** `article half` (" a half") at `position`: the end, or undefined. */
  const articleThen = (text: string, position: number, words: ReadonlySet<string>): number | undefined => {
    const article = wordAt(text, position);
    if (!article || !articles.has(article[0])) return undefined;
    const next = afterSpace(text, article[1]);
    const word = next === undefined ? undefined : wordAt(text, next);
    return word && words.has(word[0]) ? word[1] : undefined;
  };

  function parse(text: string, position: number): SpelledNumber | undefined {
    let total = 0;
    let current = 0;
    let state: State = 'start';
    let lastScale = Infinity;
    let afterConjunction = false;
    let wordCount = 0;
    let firstWord = '';
    let found: { value: number; end: number; ordinal: boolean } | undefined;
    let cursor = position;

    for (;;) {
      const read = wordAt(text, cursor);
      if (!read) break;
      const [word, end] = read;

      if (state === 'start' && halves.has(word)) {
        // "half a dozen"
        const next = afterSpace(text, end);
        const dozenEnd = next === undefined ? undefined : articleThen(text, next, dozens);
        if (dozenEnd !== undefined) found = { value: 6, end: dozenEnd, ordinal: false };
        break;
      }
      if (articles.has(word)) {
        if (state !== 'start') break;
        state = 'article';
        current = 1;
        const next = afterSpace(text, end);
        if (next === undefined) break;
        cursor = next;
        continue;
      }
      if (conjunctions.has(word)) {
        if (!found || found.ordinal || afterConjunction) break;
        const next = afterSpace(text, end);
        if (next === undefined) break;
        const halfEnd = articleThen(text, next, halves);
        if (halfEnd !== undefined) {
          found = { value: found.value + 0.5, end: halfEnd, ordinal: false };
          wordCount += 1;
          break;
        }
        if (state !== 'hundred' && state !== 'scale') break;
        afterConjunction = true;
        cursor = next;
        continue;
      }
      if (dozens.has(word)) {
        if (state !== 'unit' && state !== 'teen' && state !== 'tens' && state !== 'article') break;
        if (total !== 0 || current === 0) break;
        current *= 12;
        wordCount += 1;
        found = { value: current, end, ordinal: false };
        break;
      }

      const entry = entries.get(word);
      if (!entry) break;
      if (afterConjunction && entry.kind !== 'unit' && entry.kind !== 'teen' && entry.kind !== 'tens') break;
      let accepted = true;
      switch (entry.kind) {
        case 'unit':
          if (entry.value === 0) accepted = state === 'start';
          else accepted = state === 'start' || state === 'hundred' || state === 'scale' || state === 'tens';
          if (accepted) current += entry.value;
          break;
        case 'teen':
        case 'tens':
          accepted = state === 'start' || state === 'hundred' || state === 'scale';
          if (accepted) current += entry.value;
          break;
        case 'hundred':
          // "hundredth" alone is 100th; "hundred" alone needs "a" or a number before it.
          if (state === 'start' && entry.ordinal) current = 1;
          accepted =
            (state === 'start' && entry.ordinal) ||
            ((state === 'unit' || state === 'teen' || state === 'tens' || state === 'article') && current > 0 && current < 100);
          if (accepted) current *= 100;
          break;
        case 'scale':
          if (state === 'start' && entry.ordinal) current = 1;
          accepted = current > 0 && entry.value < lastScale && (state !== 'start' || entry.ordinal) && state !== 'scale';
          if (accepted) {
            total += current * entry.value;
            current = 0;
            lastScale = entry.value;
          }
          break;
      }
      if (!accepted) break;
      state = entry.kind;
      afterConjunction = false;
      wordCount += 1;
      if (wordCount === 1) firstWord = word;
      found = { value: total + current, end, ordinal: entry.ordinal };
      if (entry.ordinal || (entry.kind === 'unit' && entry.value === 0)) break;
      const separator = text.charCodeAt(end);
      if (separator !== 32 && separator !== 45) break;
      cursor = end + 1;
    }

    if (!found) return undefined;
    const confidence = wordCount === 1 && found.end === position + firstWord.length ? (ambiguous.get(firstWord) ?? 1) : 1;
    return { value: found.value, end: found.end, ordinal: found.ordinal, confidence };
  }

  return {
    startsNumber: (word) => entries.has(word) || articles.has(word) || halves.has(word),
    parse,
  };
}

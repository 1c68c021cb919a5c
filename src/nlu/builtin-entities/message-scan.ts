import type { NormalisedText } from '../normalise.js';
import type { DigitNumberScanner } from './digit-numbers.js';
import type { NumberWordParser } from './number-words.js';
import { readLetters } from './text-cursor.js';

/**
 * What the built-ins share about one message: its normalised text, where its words start and the
 * numbers in it. Each is worked out the first time a built-in asks, then kept for the others.
 */

export interface NumberMatch {
  readonly start: number;
  readonly end: number;
  readonly value: number;
  readonly ordinal: boolean;
  readonly spelled: boolean;
  readonly confidence: number;
  /** Written with the other decimal convention ("10,50" in English). */
  readonly otherConvention: boolean;
}

export interface MessageScan {
  readonly normalised: NormalisedText;
  /** The normalised text: lower case, one space between words. */
  readonly text: string;
  /** Where each run of letters and digits starts. */
  wordStarts(): readonly number[];
  /** Cardinal numbers in digits or words and ordinals in words, in reading order, never overlapping. */
  numbers(): readonly NumberMatch[];
}

export interface NumberReaders {
  readonly digits: DigitNumberScanner;
  readonly words: NumberWordParser;
}

const wordRun = /[\p{L}\p{N}]+/gu;

export function createMessageScan(normalised: NormalisedText, readers: NumberReaders): MessageScan {
  const { text } = normalised;
  let starts: number[] | undefined;
  let numbers: NumberMatch[] | undefined;

  const wordStarts = (): readonly number[] => {
    if (!starts) {
      starts = [];
      for (const match of text.matchAll(wordRun)) starts.push(match.index);
    }
    return starts;
  };

  return {
    normalised,
    text,
    wordStarts,
    numbers() {
      if (numbers) return numbers;
      const found: NumberMatch[] = [];
      for (const number of readers.digits.scan(text)) {
        const { start, end, value, confidence, otherConvention } = number;
        found.push({ start, end, value, ordinal: false, spelled: false, confidence, otherConvention });
      }
      const digitCount = found.length;
      let covered = 0;
      for (const start of wordStarts()) {
        if (start < covered) continue;
        const wordEnd = readLetters(text, start);
        if (wordEnd === start || !readers.words.startsNumber(text.slice(start, wordEnd))) continue;
        const spelled = readers.words.parse(text, start);
        if (!spelled) continue;
        const { end, value, ordinal, confidence } = spelled;
        found.push({ start, end, value, ordinal, spelled: true, confidence, otherConvention: false });
        covered = end;
      }
      numbers = digitCount === 0 || digitCount === found.length ? found : found.sort((left, right) => left.start - right.start);
      return numbers;
    },
  };
}

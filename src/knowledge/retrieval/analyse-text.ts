import { americanSpelling } from './english-spelling.js';
import { baseForm } from './irregular-forms.js';
import { stemEnglish } from './porter2-stemmer.js';
import { englishStopwords } from './stopwords.js';

/**
 * Text analysis for retrieval, the same for passages and questions: Unicode NFKC, lower case,
 * accents folded, apostrophes dropped inside words ("don't" → "dont"), British spellings made
 * American, irregular past forms to their base ("paid" → "pay"), stopwords removed, the rest
 * stemmed (Porter2). Numbers are kept as they are
 * ("4.95", "30", "4th"); dotted initialisms are joined ("P.O." → "po").
 *
 * A hyphenated or slashed compound ("pre-order", "e-gift") yields its parts, and for passages
 * also the joined word ("preorder"), so a question that writes it either way finds it.
 */

export interface AnalysedWord {
  /** The normalised word as written (spelling unified, not stemmed). */
  readonly surface: string;
  /** Its index term (the stem), or null for a stopword. */
  readonly term: string | null;
  /** For the parts of a compound: the compound's joined word, on its first part only. */
  readonly compound?: { readonly surface: string; readonly term: string; readonly parts: number };
}

const combiningMarks = /\p{M}/gu;
const apostrophes = /[\u2018\u2019\u201B\u02BC\u0060\u00B4]/g;
const hyphens = /[\u2010\u2011]/g;
const letterOrNumber = /^[\p{L}\p{N}]$/u;
const digitsOnly = /^\p{N}+$/u;
const letter = /\p{L}/u;
const decimal = /^\p{N}+(?:\.\p{N}+)+$/u;

const nonAscii = /[^\u0020-\u007e\t\n\r]/;

export function foldText(text: string): string {
  // Printable ASCII (most documents) is its own NFKC and NFD form.
  if (!nonAscii.test(text)) return text.toLowerCase().replaceAll('`', "'");
  return text.normalize('NFKC').toLowerCase().normalize('NFD').replace(combiningMarks, '').replace(apostrophes, "'").replace(hyphens, '-');
}

const termCache = new Map<string, string | null>();
/** A plain word (no separator) as it is analysed, shared by every occurrence. */
const wordCache = new Map<string, AnalysedWord>();
const separators = /['.\-/]/;

/** The index term of one normalised word (no separators), or null for a stopword. */
export function termOf(word: string): string | null {
  const cached = termCache.get(word);
  if (cached !== undefined) return cached;
  let term: string | null;
  if (englishStopwords.has(word)) {
    term = null;
  } else if (!letter.test(word)) {
    term = word;
  } else {
    const american = baseForm(americanSpelling(word));
    term = englishStopwords.has(american) ? null : stemEnglish(american);
  }
  if (termCache.size > 200_000) termCache.clear();
  termCache.set(word, term);
  return term;
}

/** The surface form a word is indexed under: spelling unified, not stemmed. */
function surfaceOf(word: string): string {
  return letter.test(word) ? americanSpelling(word) : word;
}

function plainWord(raw: string): AnalysedWord {
  let word = wordCache.get(raw);
  if (word === undefined) {
    word = Object.freeze({ surface: surfaceOf(raw), term: termOf(raw) });
    if (wordCache.size > 200_000) wordCache.clear();
    wordCache.set(raw, word);
  }
  return word;
}

/** How many UTF-16 units the letter or digit at `at` takes (0 when it is neither). */
function wordCharacterWidth(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (code < 0x80) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) ? 1 : 0;
  const point = text.codePointAt(at)!;
  const width = point > 0xffff ? 2 : 1;
  return letterOrNumber.test(String.fromCodePoint(point)) ? width : 0;
}

/**
 * The words of folded text: runs of letters and digits, joined across one apostrophe, period,
 * hyphen or slash between two of them ("don't", "4.95", "pre-order", "24/7"). A hand-written
 * scanner: this is the hot loop of index building.
 */
function scanWords(text: string): string[] {
  const words: string[] = [];
  const length = text.length;
  let at = 0;
  while (at < length) {
    const width = wordCharacterWidth(text, at);
    if (width === 0) {
      at += 1;
      continue;
    }
    const start = at;
    at += width;
    for (;;) {
      const next = at < length ? wordCharacterWidth(text, at) : 0;
      if (next > 0) {
        at += next;
        continue;
      }
      const code = text.charCodeAt(at);
      // ' . - /
      if ((code === 39 || code === 46 || code === 45 || code === 47) && at + 1 < length && wordCharacterWidth(text, at + 1) > 0) {
        at += 1;
        continue;
      }
      break;
    }
    words.push(text.slice(start, at));
  }
  return words;
}

/** Every word of `text`, stopwords included (with a null term), in order. */
export function analyseWords(text: string): AnalysedWord[] {
  const words: AnalysedWord[] = [];
  for (let raw of scanWords(foldText(text))) {
    const cached = wordCache.get(raw);
    if (cached !== undefined) {
      words.push(cached);
      continue;
    }
    if (!separators.test(raw)) {
      words.push(plainWord(raw));
      continue;
    }
    if (raw.includes("'")) raw = raw.replace(/'s$/, '').replaceAll("'", '');
    if (!/[.\-/]/.test(raw)) {
      words.push(plainWord(raw));
      continue;
    }
    if (decimal.test(raw)) {
      words.push({ surface: raw, term: raw });
      continue;
    }
    const parts = raw.split(/[.\-/]/).filter((part) => part.length > 0);
    // Initialisms: "p.o", "u.s.a"
    if (raw.includes('.') && parts.every((part) => part.length === 1 && !digitsOnly.test(part))) {
      const joined = parts.join('');
      words.push({ surface: joined, term: termOf(joined) ?? joined });
      continue;
    }
    const joined = parts.join('');
    const joinedTerm = termOf(joined);
    parts.forEach((part, index) => {
      const word: AnalysedWord = { surface: surfaceOf(part), term: termOf(part) };
      words.push(index === 0 && joinedTerm !== null && parts.length > 1 ? { ...word, compound: { surface: surfaceOf(joined), term: joinedTerm, parts: parts.length } } : word);
    });
  }
  return words;
}

/**
 * The index terms of a passage field: every non-stopword term, plus the joined form of each
 * compound; `length` counts the words (not the joined forms). Each surface form met is recorded
 * in `surfaces` with its term, for typo matching.
 */
export function analyseForIndex(text: string, surfaces: Map<string, string>): { terms: string[]; length: number } {
  const terms: string[] = [];
  let length = 0;
  for (const word of analyseWords(text)) {
    if (word.compound) {
      terms.push(word.compound.term);
      if (!surfaces.has(word.compound.surface)) surfaces.set(word.compound.surface, word.compound.term);
    }
    if (word.term === null) continue;
    terms.push(word.term);
    if (!surfaces.has(word.surface)) surfaces.set(word.surface, word.term);
    length += 1;
  }
  return { terms, length };
}

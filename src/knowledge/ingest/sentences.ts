/**
 * Sentence boundaries for chunking: after `.`, `!`, `?` or `…` (and any closing quotes or
 * brackets) followed by white space and a capital, a digit or an opening quote or bracket, unless
 * the word before the stop is a common abbreviation ("e.g.", "Dr.", "a.m.") or a single letter
 * (an initial).
 */
export function splitSentences(line: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of line.matchAll(BOUNDARY)) {
    const stopAt = match.index + match[1]!.length;
    if (isAbbreviation(line.slice(start, match.index + 1))) continue;
    sentences.push(line.slice(start, stopAt).trim());
    start = stopAt;
  }
  const rest = line.slice(start).trim();
  if (rest) sentences.push(rest);
  return sentences.filter(Boolean);
}

/** Group 1 is the stop with its closing quotes; the look-ahead needs white space and a sentence start. */
const BOUNDARY = /([.!?…]+["'”’)\]]*)(?=\s+["'“‘([]?[\p{Lu}\p{N}])/gu;

const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'vs', 'mr', 'mrs', 'ms', 'dr', 'st', 'approx', 'inc', 'ltd', 'jr', 'sr', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul',
  'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'fig', 'p', 'pp', 'cf', 'ca', 'u.s', 'u.k', 'a.m', 'p.m',
]);

function isAbbreviation(textWithStop: string): boolean {
  if (!textWithStop.endsWith('.')) return false;
  const word = /([\p{L}.]+)\.$/u.exec(textWithStop)?.[1]?.toLowerCase();
  if (!word) return false;
  return ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word);
}

/** The number of words (runs of non-space characters). */
export function countWords(text: string): number {
  const words = text.trim().split(/\s+/);
  return words[0] === '' ? 0 : words.length;
}

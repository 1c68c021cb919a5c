/**
 * Small readers over the normalised text (lower case, one space between words), shared by the
 * built-ins that parse word by word. Each takes a position and answers where what it read ends.
 */

const letterOrDigit = /^[\p{L}\p{N}]$/u;
const letter = /^\p{L}$/u;

function characterAt(text: string, index: number): string {
  const code = text.charCodeAt(index);
  if (code >= 0xdc00 && code <= 0xdfff && index > 0) {
    const high = text.charCodeAt(index - 1);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(index - 1, index + 1);
  }
  if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) return text.slice(index, index + 2);
  return text[index]!;
}

export function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Whether `text[index]` is part of a word (a letter or a digit); false outside the text. */
export function isWordCharacter(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) return isDigitCode(code) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  return letterOrDigit.test(characterAt(text, index));
}

function isLetterAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 0x80) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  return letter.test(characterAt(text, index));
}

/** End of the run of letters starting at `position` (`position` itself when there is none). */
export function readLetters(text: string, position: number): number {
  let end = position;
  while (end < text.length && isLetterAt(text, end)) end += 1;
  return end;
}

/** End of the run of ASCII digits starting at `position`. */
export function readDigits(text: string, position: number): number {
  let end = position;
  while (end < text.length && isDigitCode(text.charCodeAt(end))) end += 1;
  return end;
}

/** `position + 1` when a space is there, otherwise undefined. */
export function afterSpace(text: string, position: number): number | undefined {
  return text.charCodeAt(position) === 32 ? position + 1 : undefined;
}

export interface PhraseMatch<T> {
  readonly value: T;
  readonly end: number;
}

export interface PhraseMatcher<T> {
  /** The longest phrase that starts exactly at `position` and ends at a word boundary. */
  match(text: string, position: number): PhraseMatch<T> | undefined;
}

const specialCharacters = /[.*+?^${}()|[\]\\/-]/g;

export function escapeRegExp(text: string): string {
  return text.replace(specialCharacters, '\\$&');
}

/**
 * Phrases (lower case, words separated by one space) compiled to one sticky expression, longest
 * first. With `boundary`, a phrase must not run on into a letter or digit ("may" is not in "mayor").
 */
export function compilePhrases<T>(entries: Iterable<readonly [string, T]>, boundary = true): PhraseMatcher<T> {
  const values = new Map<string, T>();
  for (const [phrase, value] of entries) values.set(phrase, value);
  if (values.size === 0) return { match: () => undefined };
  const alternatives = [...values.keys()].sort((left, right) => right.length - left.length || (left < right ? -1 : 1)).map(escapeRegExp);
  const pattern = new RegExp(`(?:${alternatives.join('|')})${boundary ? '(?![\\p{L}\\p{N}])' : ''}`, 'uy');
  return {
    match(text, position) {
      pattern.lastIndex = position;
      const found = pattern.exec(text);
      if (!found) return undefined;
      return { value: values.get(found[0])!, end: position + found[0].length };
    },
  };
}

export function phrasesOf<T>(phrases: readonly string[], value: T): Array<readonly [string, T]> {
  return phrases.map((phrase) => [phrase, value] as const);
}

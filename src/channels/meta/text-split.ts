/**
 * Cutting long text into the pieces a platform takes (Meta counts characters; UTF-16 code units
 * are never fewer, so a piece within the limit in code units is within it in characters).
 * Cuts fall at a paragraph break when one keeps at least half a piece, else at a line break,
 * else at a space, else anywhere but inside a surrogate pair.
 */

const SEPARATORS = ['\n\n', '\n', ' '] as const;

/** `text` in pieces of at most `max` code units, in order. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const { end, next } = frontCut(rest, max);
    pieces.push(rest.slice(0, end).trimEnd());
    rest = rest.slice(next).trimStart();
  }
  if (rest !== '' || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/**
 * `text` as leading pieces of at most `headMax` and a last piece of at most `tailMax`: for a
 * message whose last part must be short (an interactive body) and whose start may go ahead as text.
 */
export function splitWithShortTail(text: string, headMax: number, tailMax: number): { readonly head: string[]; readonly tail: string } {
  if (text.length <= tailMax) return { head: [], tail: text };
  const { end, start } = tailCut(text, tailMax);
  const head = text.slice(0, end).trimEnd();
  return { head: head === '' ? [] : splitText(head, headMax), tail: text.slice(start).trimStart() };
}

/** Where the first piece of at most `max` ends (`end`) and the rest begins (`next`). */
function frontCut(text: string, max: number): { end: number; next: number } {
  for (const separator of SEPARATORS) {
    const at = text.lastIndexOf(separator, max);
    const enough = separator === ' ' ? 0 : max / 2;
    if (at > enough && text.slice(0, at).trim() !== '') return { end: at, next: at + separator.length };
  }
  const end = isLowSurrogate(text.charCodeAt(max)) ? max - 1 : max;
  return { end, next: end };
}

/** Where the head ends (`end`) and the last piece of at most `max` begins (`start`). */
function tailCut(text: string, max: number): { end: number; start: number } {
  const earliest = text.length - max;
  for (const separator of SEPARATORS) {
    const at = text.indexOf(separator, earliest - separator.length);
    const enough = separator === ' ' ? text.length : text.length - max / 2;
    if (at !== -1 && at + separator.length >= earliest && at < enough && text.slice(at + separator.length).trim() !== '') {
      return { end: at, start: at + separator.length };
    }
  }
  const start = isLowSurrogate(text.charCodeAt(earliest)) ? earliest + 1 : earliest;
  return { end: start, start };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Normalisation shared by every NLU stage: examples, patterns and user input all pass through
 * here so they meet in one form. Alongside the text it keeps, for every UTF-16 unit of the result,
 * the span of the original it came from, because entities must point into what the user wrote,
 * not into our folded copy.
 *
 * The text is processed one unit at a time (a code point plus the combining marks that follow
 * it), which keeps the offset map exact. `normalise` is defined through the same code, so the form
 * an example takes at start-up and the form a message takes at run time cannot drift apart.
 */

export interface NormalisedText {
  readonly original: string;
  /** NFKC, lower case, accents stripped, quotes folded, whitespace collapsed and trimmed. */
  readonly text: string;
  /** `starts[i]` is where the source of `text[i]` begins in `original`. */
  readonly starts: Uint32Array;
  /** `ends[i]` is where the source of `text[i]` ends (exclusive) in `original`. */
  readonly ends: Uint32Array;
}

export interface Span {
  readonly start: number;
  readonly end: number;
}

const combiningMarks = /\p{M}/gu;
const formatCharacters = /\p{Cf}/gu;
const controlCharacters = /\p{Cc}/gu;
const singleQuotes = /[\u2018\u2019\u201A\u201B\u2032\u02BC\u00B4\u0060]/g;
const doubleQuotes = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g;
const whitespace = /\s/;
const isMark = /^\p{M}$/u;

export function normalise(text: string): string {
  return normaliseWithOffsets(text).text;
}

export function normaliseWithOffsets(original: string): NormalisedText {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  // A whitespace run becomes one space, emitted only once a later character shows it is not trailing.
  let spaceStart = -1;
  let spaceEnd = -1;

  const emit = (piece: string, start: number, end: number): void => {
    for (let k = 0; k < piece.length; k += 1) {
      const character = piece[k]!;
      if (character === ' ' || (character > '\x7f' && whitespace.test(character))) {
        if (text.length === 0) continue;
        if (spaceStart < 0) spaceStart = start;
        spaceEnd = end;
        continue;
      }
      if (spaceStart >= 0) {
        text += ' ';
        starts.push(spaceStart);
        ends.push(spaceEnd);
        spaceStart = -1;
      }
      text += character;
      starts.push(start);
      ends.push(end);
    }
  };

  let index = 0;
  while (index < original.length) {
    const code = original.charCodeAt(index);
    let unitEnd = index + (code >= 0xd800 && code <= 0xdbff && index + 1 < original.length ? 2 : 1);
    // Decomposed accents belong to their base letter, so the base's span covers them.
    while (unitEnd < original.length && original.charCodeAt(unitEnd) >= 0x300 && isMark.test(codePointAt(original, unitEnd))) {
      unitEnd += codePointAt(original, unitEnd).length;
    }
    if (code < 0x80 && unitEnd === index + 1) {
      emit(foldAscii(code), index, unitEnd);
    } else {
      emit(foldUnit(original.slice(index, unitEnd)), index, unitEnd);
    }
    index = unitEnd;
  }
  return { original, text, starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) };
}

/** The span of `original` that produced `normalised.text.slice(start, end)`. */
export function toOriginalSpan(normalised: NormalisedText, start: number, end: number): Span {
  if (end <= start) {
    const at = start < normalised.starts.length ? normalised.starts[start]! : normalised.original.length;
    return { start: at, end: at };
  }
  return { start: normalised.starts[start]!, end: normalised.ends[end - 1]! };
}

function codePointAt(text: string, index: number): string {
  return String.fromCodePoint(text.codePointAt(index)!);
}

// Most messages are plain ASCII; this path avoids four string allocations per character.
function foldAscii(code: number): string {
  if (code >= 65 && code <= 90) return String.fromCharCode(code + 32);
  if (code === 0x60) return "'";
  // Control characters separate words like whitespace does.
  if (code < 32 || code === 127) return ' ';
  return String.fromCharCode(code);
}

function foldUnit(unit: string): string {
  // Quotes are folded before NFKC, which would turn the acute accent into a space and a mark.
  // Invisible format characters (zero-width spaces, soft hyphens) pasted from the web are dropped
  // so they cannot split a word in two.
  return unit
    .replace(singleQuotes, "'")
    .replace(doubleQuotes, '"')
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(combiningMarks, '')
    .replace(formatCharacters, '')
    .replace(controlCharacters, ' ');
}

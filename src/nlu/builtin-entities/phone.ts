import type { MessageScan } from './message-scan.js';
import { isDigitCode, isWordCharacter, readDigits } from './text-cursor.js';
import type { Candidate } from './types.js';

/**
 * `phone`: international numbers ("+44 20 7946 0958", "+1-202-555-0143") and the common national
 * layouts ("(202) 555-0143", "202-555-0143", "020 7946 0958"), valued as their digits with a
 * leading "+" when the user gave one ("+442079460958", "2025550143"). A national number must be
 * laid out in groups: a bare run of digits is far more often an order number or an amount than a
 * phone, so only "+…" may be written without separators. Fewer than 7 digits is never a phone.
 *
 * International numbers are certain (1); North-American groups 3-3-4 are nearly so (0.9); other
 * groups starting with a trunk 0 (0.85) could still be something else.
 */

interface Group {
  /** Including a "(" before the digits. */
  readonly start: number;
  /** Including a ")" after the digits. */
  readonly end: number;
  readonly digits: string;
  readonly parenthesised: boolean;
}

interface Run {
  readonly start: number;
  readonly plus: boolean;
  readonly groups: readonly Group[];
  /** `separators[i]` stands between `groups[i]` and `groups[i + 1]`; "" after a ")". */
  readonly separators: readonly string[];
}

const maximumDigits = 15;
const maximumGroups = 8;
const minimumDigits = 7;
const separatorCharacters = new Set([' ', '-', '.']);
/** A run cannot start right after these: it would be the tail of something else ("1/202", "v.555"). */
const badBefore = new Set(['+', '_', '/', ':', '.', ',', '-', '@', '#', '$', '€', '£']);

function readRun(text: string, position: number): Run | undefined {
  let cursor = position;
  const plus = text[cursor] === '+';
  if (plus) cursor += 1;
  const groups: Group[] = [];
  const separators: string[] = [];
  for (;;) {
    const start = cursor;
    const parenthesised = text[cursor] === '(';
    const digitsStart = parenthesised ? cursor + 1 : cursor;
    const digitsEnd = readDigits(text, digitsStart);
    if (digitsEnd === digitsStart || digitsEnd - digitsStart > maximumDigits) break;
    if (parenthesised && text[digitsEnd] !== ')') break;
    const end = parenthesised ? digitsEnd + 1 : digitsEnd;
    groups.push({ start, end, digits: text.slice(digitsStart, digitsEnd), parenthesised });
    const separatorEnd = separatorCharacters.has(text[end] ?? '') ? end + 1 : end;
    if (separatorEnd === end && !parenthesised) break;
    const next = text.charCodeAt(separatorEnd);
    if (!isDigitCode(next) && !(next === 40 && isDigitCode(text.charCodeAt(separatorEnd + 1)))) break;
    separators.push(text.slice(end, separatorEnd));
    cursor = separatorEnd;
  }
  if (groups.length === 0) return undefined;
  separators.length = groups.length - 1;
  return { start: position, plus, groups, separators };
}

interface Classified {
  readonly value: string;
  readonly confidence: number;
}

function classify(run: Run, first: number, last: number): Classified | undefined {
  const groups = run.groups.slice(first, last + 1);
  const lengths = groups.map((group) => group.digits.length);
  const digits = groups.map((group) => group.digits).join('');
  if (run.plus && first === 0) {
    if (groups[0]!.parenthesised) return undefined;
    // "+44 (0)20 …": the (0) is the national trunk prefix, dialled only from inside the country.
    const trunk = groups[1]?.parenthesised === true && groups[1].digits === '0';
    const international = trunk ? groups[0]!.digits + groups.slice(2).map((group) => group.digits).join('') : digits;
    if (international.length < minimumDigits || international.length > maximumDigits) return undefined;
    return { value: `+${international}`, confidence: 1 };
  }
  if (groups.slice(1).some((group, index) => group.parenthesised && !(index === 0 && lengths.length === 4))) return undefined;
  const shape = lengths.join('-');
  if (shape === '3-3-4' || (shape === '1-3-3-4' && digits[0] === '1' && !groups[0]!.parenthesised)) {
    return { value: digits, confidence: 0.9 };
  }
  if (groups.slice(1).some((group) => group.parenthesised)) return undefined;
  if (
    digits[0] === '0' &&
    groups.length >= 2 &&
    lengths.every((length) => length >= 2 && length <= 8) &&
    digits.length >= 9 &&
    digits.length <= 12
  ) {
    return { value: digits, confidence: 0.85 };
  }
  return undefined;
}

export function extractPhones(scan: MessageScan, out: Candidate[]): void {
  const { text } = scan;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    const startsRun = isDigitCode(code) || ((code === 43 || code === 40) && isDigitCode(text.charCodeAt(index + 1)));
    if (!startsRun || isWordCharacter(text, index - 1) || badBefore.has(text[index - 1] ?? '')) {
      index += 1;
      continue;
    }
    const run = readRun(text, index);
    if (!run) {
      index += 1;
      continue;
    }
    const runEnd = run.groups[run.groups.length - 1]!.end;
    const gluedAfter = isWordCharacter(text, runEnd);
    let first = 0;
    while (first < run.groups.length) {
      // A phone may start inside a run only after a space ("ref 12 202-555-0143").
      if (first > 0 && run.separators[first - 1] !== ' ') {
        first += 1;
        continue;
      }
      let matched = false;
      // No layout has more groups than this, so long runs of numbers cost no more than short ones.
      for (let last = Math.min(run.groups.length - 1, first + maximumGroups - 1); last > first; last -= 1) {
        if (last < run.groups.length - 1 ? run.separators[last] !== ' ' : gluedAfter) continue;
        const found = classify(run, first, last);
        if (!found) continue;
        const start = first === 0 ? run.start : run.groups[first]!.start;
        out.push({ entity: 'phone', start, end: run.groups[last]!.end, value: found.value, confidence: found.confidence });
        first = last + 1;
        matched = true;
        break;
      }
      if (!matched && first === 0 && run.plus && run.groups.length === 1 && !gluedAfter) {
        const found = classify(run, 0, 0);
        if (found) out.push({ entity: 'phone', start: run.start, end: runEnd, value: found.value, confidence: found.confidence });
      }
      if (!matched) first += 1;
    }
    index = runEnd;
  }
}

import type { BuiltinLanguage } from './language-table.js';
import { compilePhrases, escapeRegExp } from './text-cursor.js';

/**
 * Numbers written with digits: "1,250", "3.5", "-2", "10,50", "1.5 million". In English the comma
 * groups thousands and the point marks decimals; the other convention is read too when it cannot
 * be the first ("10,50" has two digits after the comma, "1.250,50" groups with points), with less
 * confidence. A number glued to letters ("abc123", "10km"), one part of a version or an address
 * ("2.0.1", "17:30", "1/2") is not read as a number.
 */

export interface DigitNumber {
  readonly start: number;
  readonly end: number;
  readonly value: number;
  readonly confidence: number;
  /** Read with the other decimal convention ("10,50"): a currency next to it removes the doubt. */
  readonly otherConvention: boolean;
}

export interface DigitNumberScanner {
  scan(text: string): DigitNumber[];
}

export function createDigitNumberScanner(language: BuiltinLanguage): DigitNumberScanner {
  const decimal = language.numbers.decimalSeparator;
  const group = decimal === '.' ? ',' : '.';
  const d = escapeRegExp(decimal);
  const g = escapeRegExp(group);
  const pattern = new RegExp(
    [
      // Not inside a word, a version, a time or a fraction; a sign only where it cannot be a dash.
      `(?<![\\p{L}\\p{N}_.]|\\p{N}[,:/])(?:(?<![\\p{L}\\p{N}_.,:/+\\-\\u2212])([-+\\u2212]))?`,
      `(?:(\\d{1,3}(?:${g}\\d{3})+(?:${d}\\d+)?)`, // 1,250 or 1,250.5
      `|(\\d{1,3}(?:${d}\\d{3})+${g}\\d{1,2})`, // 1.250,50
      `|(\\d+${d}\\d+)`, // 3.5
      `|(\\d+${g}\\d{2})`, // 10,50
      `|(\\d+))`,
      `(?![\\p{L}\\p{N}_]|[.,:/]\\d)`,
    ].join(''),
    'gu',
  );
  const scales = compilePhrases(
    Object.entries(language.numbers.cardinals)
      .filter(([, word]) => word.kind === 'hundred' || word.kind === 'scale')
      .map(([word, entry]) => [` ${word}`, entry.value] as const)
      .concat(language.numbers.dozen.map((word) => [` ${word}`, 12] as const)),
  );

  const read = (written: string, separator: string, decimalMark: string): number =>
    Number(written.replaceAll(separator, '').replace(decimalMark, '.'));

  return {
    scan(text) {
      const found: DigitNumber[] = [];
      for (const match of text.matchAll(pattern)) {
        const [, sign, grouped, otherGrouped, decimalNumber, otherDecimal, integer] = match;
        let value: number;
        let otherConvention = false;
        if (grouped !== undefined) value = read(grouped, group, decimal);
        else if (otherGrouped !== undefined) {
          value = read(otherGrouped, decimal, group);
          otherConvention = true;
        } else if (decimalNumber !== undefined) value = read(decimalNumber, group, decimal);
        else if (otherDecimal !== undefined) {
          value = read(otherDecimal, decimal, group);
          otherConvention = true;
        } else value = Number(integer);
        if (sign === '-' || sign === '\u2212') value = -value;
        let end = match.index + match[0].length;
        const scale = scales.match(text, end);
        if (scale) {
          value = Number((value * scale.value).toPrecision(15));
          end = scale.end;
        }
        if (!Number.isFinite(value)) continue;
        found.push({ start: match.index, end, value: value === 0 ? 0 : value, confidence: otherConvention ? 0.9 : 1, otherConvention });
      }
      return found;
    },
  };
}

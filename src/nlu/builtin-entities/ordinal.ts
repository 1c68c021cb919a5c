import type { BuiltinLanguage } from './language-table.js';
import type { MessageScan } from './message-scan.js';
import type { Candidate } from './types.js';

/**
 * `ordinal`: "1st", "22nd", "third", "twenty-first", valued as the number they rank. A digit
 * ordinal must carry its own suffix ("2nd", not "2th").
 */

export type OrdinalExtractor = (scan: MessageScan, out: Candidate[]) => void;

export function createOrdinalExtractor(language: BuiltinLanguage): OrdinalExtractor {
  const suffixes = language.numbers.ordinalSuffixes.join('|');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_.]|\\p{N}[,:/])(\\d{1,9})(${suffixes})(?![\\p{L}\\p{N}_])`, 'gu');
  return (scan, out) => {
    for (const { ordinal, start, end, value, confidence } of scan.numbers()) {
      if (ordinal) out.push({ entity: 'ordinal', start, end, value, confidence });
    }
    for (const match of scan.text.matchAll(pattern)) {
      const value = Number(match[1]);
      if (language.numbers.ordinalSuffix(value) !== match[2]) continue;
      out.push({ entity: 'ordinal', start: match.index, end: match.index + match[0].length, value, confidence: 1 });
    }
  };
}

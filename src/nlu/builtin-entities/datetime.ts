import { createDatetimeGrammar } from './datetime-grammar.js';
import { referenceAt, resolveDatetime } from './datetime-resolve.js';
import type { Reference } from './datetime-resolve.js';
import type { BuiltinLanguage } from './language-table.js';
import type { MessageScan } from './message-scan.js';
import type { NumberWordParser } from './number-words.js';
import { isDigitCode } from './text-cursor.js';
import type { TimeZone } from './time-zone.js';
import type { Candidate } from './types.js';

/**
 * `datetime`: dates and times, absolute or relative, resolved against the reference time in the
 * bot's time zone to `{ value, grain, date, time? }` (see `datetime-resolve.ts` for the rules).
 * The clock is read once per message, and only when the message has a date or time in it.
 */

export type DatetimeExtractor = (scan: MessageScan, out: Candidate[]) => void;

export interface DatetimeOptions {
  readonly dayFirst: boolean;
  readonly zone: TimeZone;
  readonly now: () => Date;
}

const joiners = new Set(['.', ',', ':', '/', '-', '+']);

export function createDatetimeExtractor(
  language: BuiltinLanguage,
  numberWords: NumberWordParser,
  options: DatetimeOptions,
): DatetimeExtractor {
  const grammar = createDatetimeGrammar(language, numberWords, options.dayFirst);
  return (scan, out) => {
    const { text } = scan;
    let reference: Reference | undefined;
    let covered = 0;
    for (const start of scan.wordStarts()) {
      if (start < covered || !grammar.startsExpression(text, start)) continue;
      // The tail of another number ("3.5 pm", "+1 555") is not the start of a time.
      if (joiners.has(text[start - 1] ?? '') && (text[start - 1] === '+' || isDigitCode(text.charCodeAt(start - 2)))) continue;
      const parsed = grammar.parse(text, start);
      if (!parsed) continue;
      reference ??= referenceAt(options.now().getTime(), options.zone);
      const value = resolveDatetime(parsed, reference);
      if (!value) continue;
      out.push({ entity: 'datetime', start, end: parsed.end, value, confidence: parsed.confidence });
      covered = parsed.end;
    }
  };
}

import type { BuiltinLanguage } from './language-table.js';
import type { MessageScan } from './message-scan.js';
import { compilePhrases, escapeRegExp, isWordCharacter } from './text-cursor.js';
import type { Candidate } from './types.js';

/**
 * `money`: an amount with its currency, `{ amount, currency }` with an ISO 4217 code. The currency
 * may come before the amount as a symbol or code ("$25", "€10.50", "EUR 10") or after it as a
 * symbol, code or name ("25€", "10,50 EUR", "25 usd", "five pounds"). Next to a currency a comma
 * with two digits after it is a decimal comma without doubt ("10,50 EUR" is 10.5).
 */

export type MoneyExtractor = (scan: MessageScan, out: Candidate[]) => void;

interface Currency {
  readonly currency: string;
  readonly confidence: number;
}

/** The longest symbol or code that ends at `end` (a code must be a whole word). */
function prefixMatcher(language: BuiltinLanguage): (text: string, end: number) => { start: number; currency: Currency } | undefined {
  const prefixes = [
    ...Object.entries(language.money.symbols).map(([symbol, currency]) => ({ written: symbol, currency, word: false })),
    ...language.money.codes.map((code) => ({ written: code, currency: code.toUpperCase(), word: true })),
  ].sort((left, right) => right.written.length - left.written.length);
  return (text, end) => {
    for (const prefix of prefixes) {
      const start = end - prefix.written.length;
      if (start < 0 || !text.startsWith(prefix.written, start)) continue;
      // Not the tail of a word ("abc$5", "plusd 5").
      if (isWordCharacter(text, start - 1)) continue;
      if (prefix.word && text[end] !== ' ') continue;
      return { start, currency: { currency: prefix.currency, confidence: 1 } };
    }
    return undefined;
  };
}

export function createMoneyExtractor(language: BuiltinLanguage): MoneyExtractor {
  const suffixes = compilePhrases<Currency>([
    ...language.money.codes.map((code) => [` ${code}`, { currency: code.toUpperCase(), confidence: 1 }] as const),
    ...Object.entries(language.money.names).map(([name, currency]) => [` ${name}`, currency] as const),
  ]);
  const symbolSuffixes = compilePhrases<Currency>(
    Object.entries(language.money.symbols).flatMap(([symbol, currency]) => [
      [symbol, { currency, confidence: 1 }] as const,
      [` ${symbol}`, { currency, confidence: 1 }] as const,
    ]),
    false,
  );
  const prefixAt = prefixMatcher(language);
  const anySymbol = new RegExp(
    [...Object.keys(language.money.symbols), ...language.money.codes, ...Object.keys(language.money.names)].map(escapeRegExp).join('|'),
  );

  return (scan, out) => {
    const { text } = scan;
    if (!anySymbol.test(text)) return;
    for (const number of scan.numbers()) {
      if (number.ordinal) continue;
      let start = number.start;
      let end = number.end;
      let currency: Currency | undefined;
      const before = text[start - 1] === ' ' ? start - 1 : start;
      const prefix = prefixAt(text, before);
      if (prefix) {
        currency = prefix.currency;
        start = prefix.start;
      }
      const suffix = symbolSuffixes.match(text, end) ?? suffixes.match(text, end);
      // A symbol run into a word ("25$abc") is not a currency.
      if (suffix && (!currency || currency.currency === suffix.value.currency) && !isWordCharacter(text, suffix.end)) {
        currency = currency ?? suffix.value;
        end = suffix.end;
      }
      if (!currency) continue;
      const numberConfidence = number.otherConvention ? 1 : number.confidence;
      out.push({
        entity: 'money',
        start,
        end,
        value: { amount: number.value, currency: currency.currency },
        confidence: Math.min(numberConfidence, currency.confidence),
      });
    }
  };
}

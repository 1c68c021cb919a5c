import { analyseWords } from './analyse-text.js';

/**
 * Synonym groups: words and phrases that mean the same in a question. The built-in groups are a
 * few generic ones of shop language; a bot adds its own. A phrase is matched on index terms, so
 * "money back" also matches "get my money back" ("my" is a stopword) and "refunds" matches
 * "refund".
 */
export const builtInSynonyms: readonly (readonly string[])[] = [
  ['refund', 'money back', 'reimburse'],
  ['parcel', 'package'],
  ['cost', 'price', 'fee'],
  ['deliver', 'delivery', 'ship', 'shipping'],
  ['instalments', 'pay later', 'pay in installments'],
  ['return', 'send back', 'mail back', 'post back'],
  ['basket', 'cart'],
  ['exchange', 'swap'],
  ['cancel', 'call off'],
  ['promo code', 'discount code', 'coupon', 'voucher'],
  ['faulty', 'defective', 'broken'],
  ['customer service', 'customer care', 'support'],
  ['phone', 'telephone', 'call'],
  ['purchase', 'buy'],
];

export interface SynonymPhrase {
  readonly terms: readonly string[];
  readonly group: number;
}

export interface SynonymTable {
  /** Phrases by their first term. */
  readonly byFirstTerm: ReadonlyMap<string, readonly SynonymPhrase[]>;
  /** The phrases of each group. */
  readonly groups: readonly (readonly SynonymPhrase[])[];
}

export function compileSynonyms(groups: readonly (readonly string[])[]): SynonymTable {
  const byFirstTerm = new Map<string, SynonymPhrase[]>();
  const compiled: SynonymPhrase[][] = [];
  for (const group of groups) {
    const phrases: SynonymPhrase[] = [];
    const seen = new Set<string>();
    for (const text of group) {
      const terms = analyseWords(text).flatMap((word) => (word.term === null ? [] : [word.term]));
      const key = terms.join(' ');
      if (terms.length === 0 || seen.has(key)) continue;
      seen.add(key);
      phrases.push({ terms, group: compiled.length });
    }
    if (phrases.length < 2) continue;
    compiled.push(phrases);
    for (const phrase of phrases) {
      const list = byFirstTerm.get(phrase.terms[0]!) ?? [];
      list.push(phrase);
      byFirstTerm.set(phrase.terms[0]!, list);
    }
  }
  // Longest phrase first, so "pay in installments" wins over a shorter phrase at the same place.
  for (const list of byFirstTerm.values()) list.sort((left, right) => right.terms.length - left.terms.length);
  return { byFirstTerm, groups: compiled };
}

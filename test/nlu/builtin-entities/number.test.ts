import { describe, it } from 'vitest';
import type { Expected } from './support.js';
import { expectFound, extractorAt } from './support.js';

const extractor = extractorAt();

describe('built-in number', () => {
  const cases: ReadonlyArray<readonly [string, readonly Expected[]]> = [
    ['I need 1,250 items', [['number', '1,250', 1250]]],
    ['a million is 1,000,000', [['number', 'a million', 1_000_000], ['number', '1,000,000', 1_000_000]]],
    ['about 3.5 kg', [['number', '3.5', 3.5]]],
    ['it is -2 outside', [['number', '-2', -2]]],
    ['score +5 points', [['number', '+5', 5]]],
    ['1,250.75 in total', [['number', '1,250.75', 1250.75]]],
    ['1.5 million views', [['number', '1.5 million', 1_500_000]]],
    ['twenty five people', [['number', 'twenty five', 25]]],
    ['twenty-five people', [['number', 'twenty-five', 25]]],
    ['one hundred and two', [['number', 'one hundred and two', 102]]],
    ['two thousand and twenty six', [['number', 'two thousand and twenty six', 2026]]],
    ['three million', [['number', 'three million', 3_000_000]]],
    ['a hundred', [['number', 'a hundred', 100]]],
    ['a dozen eggs', [['number', 'a dozen', 12]]],
    ['two dozen eggs', [['number', 'two dozen', 24]]],
    ['half a dozen eggs', [['number', 'half a dozen', 6]]],
    ['two and a half hours', [['number', 'two and a half', 2.5]]],
    ['zero', [['number', 'zero', 0]]],
    // "one" is often a pronoun, so alone it is less certain.
    ['the blue one', [['number', 'one', 1, 0.8]]],
    // Two numbers side by side stay two numbers.
    ['five twenty', [['number', 'five', 5], ['number', 'twenty', 20]]],
    // The other decimal convention is read, with less confidence.
    ['it weighs 10,50', [['number', '10,50', 10.5, 0.9]]],
    // Full-width digits are read; the span stays on what the user wrote.
    ['１２３ items', [['number', '１２３', 123]]],
    ['Version 2.0 is out', [['number', '2.0', 2]]],
    ['I bought 2 items', [['number', '2', 2]]],
    ['in 2026', [['number', '2026', 2026]]],
    ['order ORD-1234', [['number', '1234', 1234]]],
  ];
  it.each(cases)('%s', (text, expected) => expectFound(extractor, text, expected));

  const negatives = ['abc123 and 10km', 'release v2.0.1', 'thousand', 'someone anyone', 'a book', 'nothing at all', '.'];
  it.each(negatives)('finds no number in %j', (text) => expectFound(extractor, text, []));
});

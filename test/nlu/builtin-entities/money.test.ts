import { describe, it } from 'vitest';
import type { Expected } from './support.js';
import { expectFound, extractorAt } from './support.js';

const extractor = extractorAt();

const money = (amount: number, currency: string) => ({ amount, currency });

describe('built-in money', () => {
  const cases: ReadonlyArray<readonly [string, readonly Expected[]]> = [
    ['it costs $25', [['money', '$25', money(25, 'USD')]]],
    ['25 dollars', [['money', '25 dollars', money(25, 'USD')]]],
    ['€10.50', [['money', '€10.50', money(10.5, 'EUR')]]],
    // Next to a currency, "10,50" is certainly ten and a half.
    ['10,50 EUR', [['money', '10,50 EUR', money(10.5, 'EUR')]]],
    ['EUR 10', [['money', 'EUR 10', money(10, 'EUR')]]],
    ['£3', [['money', '£3', money(3, 'GBP')]]],
    ['25 usd', [['money', '25 usd', money(25, 'USD')]]],
    // A pound is also a weight.
    ['five pounds', [['money', 'five pounds', money(5, 'GBP'), 0.8]]],
    ['$1,250.99', [['money', '$1,250.99', money(1250.99, 'USD')]]],
    ['1.250,50 €', [['money', '1.250,50 €', money(1250.5, 'EUR')]]],
    ['5€ and € 7', [['money', '5€', money(5, 'EUR')], ['money', '€ 7', money(7, 'EUR')]]],
    ['US$5', [['money', 'US$5', money(5, 'USD')]]],
    ['$5 million', [['money', '$5 million', money(5_000_000, 'USD')]]],
    ['twenty five dollars', [['money', 'twenty five dollars', money(25, 'USD')]]],
    ['a hundred euros', [['money', 'a hundred euros', money(100, 'EUR')]]],
    [
      '¥500 or 500 yen or JPY 500',
      [
        ['money', '¥500', money(500, 'JPY')],
        ['money', '500 yen', money(500, 'JPY')],
        ['money', 'JPY 500', money(500, 'JPY')],
      ],
    ],
    ['5 bucks', [['money', '5 bucks', money(5, 'USD'), 0.9]]],
    ['20 swiss francs', [['money', '20 swiss francs', money(20, 'CHF')]]],
  ];
  it.each(cases)('%s', (text, expected) => expectFound(extractor, text, expected));

  const notMoney: ReadonlyArray<readonly [string, readonly Expected[]]> = [
    ['I have 25 apples', [['number', '25', 25]]],
    // "try" is a currency code (Turkish lira) and an everyday word: not read as one.
    ['try 5', [['number', '5', 5]]],
    ['pay in usd', []],
    ['abc$5', [['number', '5', 5]]],
  ];
  it.each(notMoney)('finds no money in %j', (text, expected) => expectFound(extractor, text, expected));
});

import { describe, it } from 'vitest';
import type { Expected } from './support.js';
import { expectFound, extractorAt } from './support.js';

const extractor = extractorAt();

describe('built-in ordinal', () => {
  const cases: ReadonlyArray<readonly [string, readonly Expected[]]> = [
    ['the 1st one', [['ordinal', '1st', 1], ['number', 'one', 1, 0.8]]],
    [
      '2nd 3rd 4th 11th 12th 13th 21st 22nd 101st',
      [
        ['ordinal', '2nd', 2],
        ['ordinal', '3rd', 3],
        ['ordinal', '4th', 4],
        ['ordinal', '11th', 11],
        ['ordinal', '12th', 12],
        ['ordinal', '13th', 13],
        ['ordinal', '21st', 21],
        ['ordinal', '22nd', 22],
        ['ordinal', '101st', 101],
      ],
    ],
    ['the third time', [['ordinal', 'third', 3]]],
    ['my twenty-first birthday', [['ordinal', 'twenty-first', 21]]],
    ['my twenty first birthday', [['ordinal', 'twenty first', 21]]],
    ['the one hundredth visitor', [['ordinal', 'one hundredth', 100]]],
    ['First, the basics', [['ordinal', 'First', 1]]],
    // "second" is as often a unit of time.
    ['wait a second', [['ordinal', 'second', 2, 0.8]]],
  ];
  it.each(cases)('%s', (text, expected) => expectFound(extractor, text, expected));

  const negatives = ['the 2th', 'the 1th', 'the 11st', 'firstly'];
  it.each(negatives)('finds no ordinal in %j', (text) => expectFound(extractor, text, []));
});

import { describe, it } from 'vitest';
import type { Expected } from './support.js';
import { expectFound, extractorAt } from './support.js';

const extractor = extractorAt();

describe('built-in phone', () => {
  const cases: ReadonlyArray<readonly [string, readonly Expected[]]> = [
    [
      'call +44 20 7946 0958 today',
      [
        ['phone', '+44 20 7946 0958', '+442079460958'],
        ['datetime', 'today', { value: '2026-03-04T00:00:00+00:00', grain: 'day', date: '2026-03-04' }],
      ],
    ],
    ['call +1-202-555-0143', [['phone', '+1-202-555-0143', '+12025550143']]],
    // The trunk 0 in brackets is dropped from the international form.
    ['+44 (0)20 7946 0958', [['phone', '+44 (0)20 7946 0958', '+442079460958']]],
    ['+442079460958', [['phone', '+442079460958', '+442079460958']]],
    ['+49 30 12345678', [['phone', '+49 30 12345678', '+493012345678']]],
    ['(202) 555-0143', [['phone', '(202) 555-0143', '2025550143', 0.9]]],
    ['202-555-0143', [['phone', '202-555-0143', '2025550143', 0.9]]],
    ['202.555.0143', [['phone', '202.555.0143', '2025550143', 0.9]]],
    ['202 555 0143', [['phone', '202 555 0143', '2025550143', 0.9]]],
    ['1-800-555-0199', [['phone', '1-800-555-0199', '18005550199', 0.9]]],
    ['020 7946 0958', [['phone', '020 7946 0958', '02079460958', 0.85]]],
    ['my mobile is 07700 900123', [['phone', '07700 900123', '07700900123', 0.85]]],
    ['room 12 202-555-0143', [['number', '12', 12], ['phone', '202-555-0143', '2025550143', 0.9]]],
  ];
  it.each(cases)('%s', (text, expected) => expectFound(extractor, text, expected));

  const notPhones: ReadonlyArray<readonly [string, readonly Expected[]]> = [
    // An order number, a year, a bare run of digits: numbers, not phones.
    ['order 12345', [['number', '12345', 12345]]],
    ['in 2026', [['number', '2026', 2026]]],
    ['2025550143', [['number', '2025550143', 2025550143]]],
    ['1,250,000', [['number', '1,250,000', 1_250_000]]],
    // Too short to be a phone number.
    ['555-0143', [['number', '555', 555], ['number', '0143', 143]]],
    ['+44 20', [['number', '+44', 44], ['number', '20', 20]]],
    // A phone number does not end inside a longer code.
    ['202-555-0143-77', [['number', '202', 202], ['number', '555', 555], ['number', '0143', 143], ['number', '77', 77]]],
    ['2026-03-05', [['datetime', '2026-03-05', { value: '2026-03-05T00:00:00+00:00', grain: 'day', date: '2026-03-05' }]]],
  ];
  it.each(notPhones)('finds no phone in %j', (text, expected) => expectFound(extractor, text, expected));
});

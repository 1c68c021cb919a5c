import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../../src/core/index.js';
import { normaliseWithOffsets } from '../../../src/nlu/index.js';
import { builtinEntityNames, createBuiltinEntityExtractor, supportedLanguages } from '../../../src/nlu/builtin-entities/index.js';
import type { BuiltinEntityOptions } from '../../../src/nlu/builtin-entities/index.js';
import { expectFound, extract, extractorAt, reference } from './support.js';

const extractor = extractorAt();

function thrown(options: BuiltinEntityOptions): unknown {
  try {
    createBuiltinEntityExtractor(options);
  } catch (error) {
    return error;
  }
  return undefined;
}

const corpus = [
  'Send 2 shirts to jane@example.com by Friday, total $25.50, call +44 20 7946 0958',
  'can I book a table for four people tomorrow at 7pm',
  'where is my order ORD-12345, it was due last friday',
  'I paid €1.250,50 on 05/03/2026 at https://shop.example.com/orders?id=7.',
  'twenty-first of march at 10:30 or the 22nd, call (202) 555-0143',
  'in 3 days, 5 bucks, 1st place, version 2.0, www.shop.co.uk',
  '',
  '   ',
  '!!!',
];

describe('built-in entity extractor', () => {
  it('lists its built-ins and languages', () => {
    expect(builtinEntityNames).toEqual(['number', 'ordinal', 'email', 'phone', 'url', 'money', 'datetime']);
    expect(supportedLanguages).toEqual(['en']);
  });

  it('finds nothing in an empty or blank message', () => {
    expect(extractor.extract('')).toEqual([]);
    expect(extractor.extract('   \n\t ')).toEqual([]);
    expect(extractor.extractNormalised(normaliseWithOffsets(''))).toEqual([]);
  });

  it('finds every kind in one message, in reading order', () => {
    expectFound(extractor, 'Send 2 shirts to jane@example.com by Friday, total $25.50, call +44 20 7946 0958', [
      ['number', '2', 2],
      ['email', 'jane@example.com', 'jane@example.com'],
      ['datetime', 'Friday', { value: '2026-03-06T00:00:00+00:00', grain: 'day', date: '2026-03-06' }, 0.85],
      ['money', '$25.50', { amount: 25.5, currency: 'USD' }],
      ['phone', '+44 20 7946 0958', '+442079460958'],
    ]);
  });

  it('takes a message normalised by the pipeline as well as raw text', () => {
    for (const text of corpus) expect(extractor.extractNormalised(normaliseWithOffsets(text))).toEqual(extractor.extract(text));
  });

  describe('overlapping readings', () => {
    it('money wins over the number inside it', () => {
      expectFound(extractor, 'that is $25', [['money', '$25', { amount: 25, currency: 'USD' }]]);
      expectFound(extractor, 'twenty five dollars', [['money', 'twenty five dollars', { amount: 25, currency: 'USD' }]]);
    });

    it('a date wins over the numbers and ordinals inside it', () => {
      expectFound(extractor, 'in 3 days', [
        ['datetime', 'in 3 days', { value: '2026-03-07T00:00:00+00:00', grain: 'day', date: '2026-03-07' }],
      ]);
      expectFound(extractor, 'March 5th', [
        ['datetime', 'March 5th', { value: '2026-03-05T00:00:00+00:00', grain: 'day', date: '2026-03-05' }],
      ]);
      expectFound(extractor, 'at 17:30', [
        ['datetime', 'at 17:30', { value: '2026-03-04T17:30:00+00:00', grain: 'minute', date: '2026-03-04', time: '17:30' }],
      ]);
    });

    it('a phone number wins over its groups of digits', () => {
      expectFound(extractor, 'call +1-202-555-0143', [['phone', '+1-202-555-0143', '+12025550143']]);
    });

    it('an e-mail address wins over the domain in it', () => {
      expectFound(extractor, 'jane@www.example.com', [['email', 'jane@www.example.com', 'jane@www.example.com']]);
    });

    it('within one type, the longer and then the surer reading wins', () => {
      expectFound(extractor, 'www.shop.co.uk', [['url', 'www.shop.co.uk', 'https://www.shop.co.uk/', 0.9]]);
    });

    it('reports what is inside when only the inner type is enabled', () => {
      const numbers = extractorAt(reference, { enabled: ['number'] });
      expectFound(numbers, 'that is $25 in 3 days', [
        ['number', '25', 25],
        ['number', '3', 3],
      ]);
    });

    it('never returns overlapping spans', () => {
      for (const text of corpus) extract(extractor, text);
    });
  });

  it('is deterministic: the same message gives the same result, whichever extractor reads it', () => {
    const other = extractorAt();
    for (const text of corpus) {
      const first = extractor.extract(text);
      expect(extractor.extract(text)).toEqual(first);
      expect(other.extract(text)).toEqual(first);
    }
  });

  it('reads the clock once per message, and only for a message with a date or time', () => {
    let reads = 0;
    const counted = createBuiltinEntityExtractor({
      language: 'en',
      now: () => {
        reads += 1;
        return new Date(reference);
      },
    });
    counted.extract('I need 1,250 items, email me at a@b.io');
    expect(reads).toBe(0);
    counted.extract('today or tomorrow, at 5pm or next week');
    expect(reads).toBe(1);
  });

  it('looks only for the built-ins enabled', () => {
    const some = extractorAt(reference, { enabled: ['email', 'datetime'] });
    expectFound(some, 'mail a@b.io 25 times tomorrow for $5', [
      ['email', 'a@b.io', 'a@b.io'],
      ['datetime', 'tomorrow', { value: '2026-03-05T00:00:00+00:00', grain: 'day', date: '2026-03-05' }],
    ]);
    expect(extractorAt(reference, { enabled: [] }).extract('25 dollars tomorrow')).toEqual([]);
  });

  it('accepts a language with a region, in any case', () => {
    expect(extract(extractorAt(reference, { language: 'EN-us' }), 'in 3 days')).toHaveLength(1);
    expect(extract(extractorAt(reference, { language: 'en_GB' }), 'in 3 days')).toHaveLength(1);
  });

  it('rejects a language it does not speak, naming the ones it does', () => {
    const error = thrown({ language: 'xx' });
    expect(isParleyError(error, 'PARLEY_BOT_INVALID')).toBe(true);
    expect((error as Error).message).toContain('"xx"');
    expect((error as Error).message).toContain('en');
  });

  it('rejects an unknown time zone and an unknown built-in', () => {
    expect(isParleyError(thrown({ language: 'en', timeZone: 'Mars/Olympus_Mons' }), 'PARLEY_BOT_INVALID')).toBe(true);
    const unknown = thrown({ language: 'en', enabled: ['colour' as never] });
    expect(isParleyError(unknown, 'PARLEY_BOT_INVALID')).toBe(true);
    expect((unknown as Error).message).toContain('colour');
  });

  it('uses the system clock and UTC by default', () => {
    const defaults = createBuiltinEntityExtractor({ language: 'en' });
    const [found] = extract(defaults, 'today');
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    // Midnight may pass between the two readings of the clock.
    expect([today, yesterday]).toContain((found!.value as { date: string }).date);
    expect((found!.value as { value: string }).value).toMatch(/T00:00:00\+00:00$/);
  });
});

import { describe, expect, it } from 'vitest';
import { normalise, normaliseWithOffsets, toOriginalSpan } from '../../src/nlu/index.js';

describe('normalise', () => {
  it('lower-cases and strips accents', () => {
    expect(normalise('Crème Brûlée à São Paulo')).toBe('creme brulee a sao paulo');
    expect(normalise('ZÜRICH')).toBe('zurich');
  });

  it('strips accents written as separate combining marks', () => {
    expect(normalise('cafe\u0301')).toBe('cafe');
  });

  it('folds full-width letters and digits and ligatures (NFKC)', () => {
    expect(normalise('Ｈｅｌｌｏ　ＷＯＲＬＤ １２３')).toBe('hello world 123');
    expect(normalise('ﬁne')).toBe('fine');
  });

  it('folds curly quotes and apostrophes', () => {
    expect(normalise('Where’s my “parcel”?')).toBe('where\'s my "parcel"?');
    expect(normalise('don‘t')).toBe("don't");
  });

  it('collapses whitespace of every kind and trims', () => {
    expect(normalise('  hello \t\n  there\u00a0 friend  ')).toBe('hello there friend');
    expect(normalise('   \n\t ')).toBe('');
    expect(normalise('')).toBe('');
  });

  it('drops invisible format characters instead of splitting words', () => {
    expect(normalise('pack\u200bage')).toBe('package');
    expect(normalise('soft\u00adhyphen')).toBe('softhyphen');
  });

  it('maps every normalised character back to its source', () => {
    const original = '  Ｃａｆé\u0301 \t OK';
    const normalised = normaliseWithOffsets(original);
    expect(normalised.text).toBe('cafe ok');
    expect(normalised.starts.length).toBe(normalised.text.length);
    // The full-width é and the extra combining mark after it are one unit of the original.
    expect(toOriginalSpan(normalised, 0, 4)).toEqual({ start: 2, end: 7 });
    expect(original.slice(2, 7)).toBe('Ｃａｆé\u0301');
    // The collapsed space stands for the whole whitespace run.
    expect(toOriginalSpan(normalised, 4, 5)).toEqual({ start: 7, end: 10 });
    expect(toOriginalSpan(normalised, 5, 7)).toEqual({ start: 10, end: 12 });
  });

  it('keeps astral characters whole', () => {
    const normalised = normaliseWithOffsets('hi 👋 there');
    expect(normalised.text).toBe('hi 👋 there');
    expect(toOriginalSpan(normalised, 3, 5)).toEqual({ start: 3, end: 5 });
  });
});

import { describe, expect, it } from 'vitest';
import { tokenise, words } from '../../src/nlu/index.js';

describe('tokenise', () => {
  it('splits on anything that is not a letter or digit', () => {
    expect(words('Hello, world! Order #123-abc.')).toEqual(['hello', 'world', 'order', '123', 'abc']);
  });

  it('keeps contractions whole, with or without the apostrophe', () => {
    expect(words("where's")).toEqual(['wheres']);
    expect(words('where’s')).toEqual(['wheres']);
    expect(words('wheres')).toEqual(['wheres']);
    expect(words("don't stop")).toEqual(['dont', 'stop']);
  });

  it('does not glue words to quotes around them', () => {
    expect(words("'quoted' words'")).toEqual(['quoted', 'words']);
  });

  it('reports spans in the original text', () => {
    const text = '  Where’s   my Café?';
    const tokens = tokenise(text);
    expect(tokens.map((token) => [token.text, token.start, token.end])).toEqual([
      ['wheres', 2, 9],
      ['my', 12, 14],
      ['cafe', 15, 19],
    ]);
    expect(tokens.map((token) => text.slice(token.start, token.end))).toEqual(['Where’s', 'my', 'Café']);
  });

  it('covers combining marks and full-width characters in the span', () => {
    const text = 'cafe\u0301 ＯＫ';
    const tokens = tokenise(text);
    expect(tokens.map((token) => token.text)).toEqual(['cafe', 'ok']);
    expect(tokens.map((token) => text.slice(token.start, token.end))).toEqual(['cafe\u0301', 'ＯＫ']);
  });

  it('tokenises scripts other than Latin', () => {
    expect(words('Привет, мир')).toEqual(['привет', 'мир']);
  });

  it('returns nothing for empty, blank or punctuation-only text', () => {
    expect(tokenise('')).toEqual([]);
    expect(tokenise(' \n\t ')).toEqual([]);
    expect(tokenise('?!…')).toEqual([]);
  });
});

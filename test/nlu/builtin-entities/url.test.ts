import { describe, it } from 'vitest';
import type { Expected } from './support.js';
import { expectFound, extractorAt } from './support.js';

const extractor = extractorAt();

describe('built-in url', () => {
  const cases: ReadonlyArray<readonly [string, readonly Expected[]]> = [
    // Scheme and host in lower case, the path as written, sentence punctuation left out.
    ['see https://Example.com/Path?x=1.', [['url', 'https://Example.com/Path?x=1', 'https://example.com/Path?x=1']]],
    ['http://localhost:3000/api', [['url', 'http://localhost:3000/api', 'http://localhost:3000/api']]],
    // A closing bracket the address opened is part of it.
    ['(https://en.wikipedia.org/wiki/A_(b))', [['url', 'https://en.wikipedia.org/wiki/A_(b)', 'https://en.wikipedia.org/wiki/A_(b)']]],
    ['visit www.shop.co.uk', [['url', 'www.shop.co.uk', 'https://www.shop.co.uk/', 0.9]]],
    ['(see www.example.com)', [['url', 'www.example.com', 'https://www.example.com/', 0.9]]],
    ['example.com/path', [['url', 'example.com/path', 'https://example.com/path', 0.8]]],
    ['Check Example.com.', [['url', 'Example.com', 'https://example.com/', 0.8]]],
    ['shop.example.de/cart?id=7', [['url', 'shop.example.de/cart?id=7', 'https://shop.example.de/cart?id=7', 0.8]]],
  ];
  it.each(cases)('%s', (text, expected) => expectFound(extractor, text, expected));

  const notUrls: ReadonlyArray<readonly [string, readonly Expected[]]> = [
    ['open file.txt, node.js or readme.md', []],
    ['e.g. this, i.e. that', []],
    ['yes.no', []],
    ['jane@example.com', [['email', 'jane@example.com', 'jane@example.com']]],
    // Only web addresses; and not the host alone out of another scheme's address.
    ['ftp://example.com', []],
  ];
  it.each(notUrls)('finds no other address in %j', (text, expected) => expectFound(extractor, text, expected));
});

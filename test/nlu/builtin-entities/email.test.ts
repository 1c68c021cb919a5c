import { describe, it } from 'vitest';
import type { Expected } from './support.js';
import { expectFound, extractorAt } from './support.js';

const extractor = extractorAt();

describe('built-in email', () => {
  const cases: ReadonlyArray<readonly [string, readonly Expected[]]> = [
    // The domain is folded to lower case, the local part kept as written.
    ['mail Jane.Doe@Example.COM now', [['email', 'Jane.Doe@Example.COM', 'Jane.Doe@example.com']]],
    ['to x+tag@sub.example.co.uk.', [['email', 'x+tag@sub.example.co.uk', 'x+tag@sub.example.co.uk']]],
    ['<bob_99@example.org>', [['email', 'bob_99@example.org', 'bob_99@example.org']]],
    ['a@b.io, c@d.dev', [['email', 'a@b.io', 'a@b.io'], ['email', 'c@d.dev', 'c@d.dev']]],
  ];
  it.each(cases)('%s', (text, expected) => expectFound(extractor, text, expected));

  const negatives = ['bob@localhost', 'user@', '@example', 'write to a@b.c', 'follow @parley', 'a@@example.com'];
  it.each(negatives)('finds no e-mail address in %j', (text) => expectFound(extractor, text, []));
});

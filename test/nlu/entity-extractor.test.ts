import { describe, expect, it } from 'vitest';
import type { ExtractedEntity } from '../../src/core/index.js';
import { extractedEntitySchema, isParleyError } from '../../src/core/index.js';
import { createEntityExtractor, normaliseWithOffsets, tokeniseNormalised } from '../../src/nlu/index.js';
import { shopEntities } from './shop-data.js';

const extractor = createEntityExtractor(shopEntities);

function extract(text: string): ExtractedEntity[] {
  const normalised = normaliseWithOffsets(text);
  const entities = extractor.extract(normalised, tokeniseNormalised(normalised));
  for (const entity of entities) {
    extractedEntitySchema.parse(entity);
    expect(text.slice(entity.start, entity.end)).toBe(entity.text);
  }
  return entities;
}

function brief(entities: readonly ExtractedEntity[]): [string, unknown, string, number][] {
  return entities.map((entity) => [entity.entity, entity.value, entity.text, entity.confidence]);
}

describe('regex entities', () => {
  it('finds every match, valued as the user wrote it', () => {
    const text = 'Orders ORD-1234 and ord-98765, not ORD-12';
    expect(extract(text)).toEqual([
      { entity: 'order_id', value: 'ORD-1234', text: 'ORD-1234', start: 7, end: 15, confidence: 1, extractor: 'regex' },
      { entity: 'order_id', value: 'ord-98765', text: 'ord-98765', start: 20, end: 29, confidence: 1, extractor: 'regex' },
    ]);
  });

  it('matches through full-width characters and keeps the span on the original', () => {
    const text = 'order ＯＲＤ-１２３４ please';
    const [entity] = extract(text);
    expect(entity).toMatchObject({ entity: 'order_id', value: 'ＯＲＤ-１２３４', start: 6, end: 14 });
  });

  it('matches case-insensitively', () => {
    expect(brief(extract('mail me at Jane.Doe@Example.COM'))).toEqual([['email', 'Jane.Doe@Example.COM', 'Jane.Doe@Example.COM', 1]]);
  });

  it('rejects an invalid pattern at construction', () => {
    let caught: unknown;
    try {
      createEntityExtractor([{ name: 'broken', type: 'regex', pattern: '[a-' }]);
    } catch (error) {
      caught = error;
    }
    expect(isParleyError(caught, 'PARLEY_BOT_INVALID')).toBe(true);
  });
});

describe('lookup entities', () => {
  it('maps synonyms to the canonical value and keeps what the user wrote as text', () => {
    expect(extract('Ship it to NYC')).toEqual([
      { entity: 'city', value: 'New York', text: 'NYC', start: 11, end: 14, confidence: 1, extractor: 'lookup' },
    ]);
    expect(brief(extract('the Big  Apple'))).toEqual([['city', 'New York', 'Big  Apple', 1]]);
  });

  it('ignores case and accents on both sides', () => {
    expect(brief(extract('from SAO PAULO to zurich and Zürich'))).toEqual([
      ['city', 'São Paulo', 'SAO PAULO', 1],
      ['city', 'Zürich', 'zurich', 1],
      ['city', 'Zürich', 'Zürich', 1],
    ]);
  });

  it('takes the longest of overlapping candidates, without overlaps', () => {
    // "new york city", "new york" and "york" all match here; only the longest is kept.
    expect(extract('I live in New York City now')).toEqual([
      { entity: 'city', value: 'New York', text: 'New York City', start: 10, end: 23, confidence: 1, extractor: 'lookup' },
    ]);
    expect(brief(extract('York or new york?'))).toEqual([
      ['city', 'York', 'York', 1],
      ['city', 'New York', 'new york', 1],
    ]);
  });

  it('matches whole words only', () => {
    expect(extract('Yorkshire pudding in Newyorkcity, sunnyc weather')).toEqual([]);
  });

  it('matches multi-word synonyms across punctuation that splits words', () => {
    expect(brief(extract('a new USB-C cable and a charging cable'))).toEqual([
      ['product', 'usb cable', 'USB-C cable', 1],
      ['product', 'usb cable', 'charging cable', 1],
    ]);
  });

  it('tolerates one typo in a word of five letters or more, with lower confidence', () => {
    expect(extract('flying to Lisbn')).toEqual([
      { entity: 'city', value: 'Lisbon', text: 'Lisbn', start: 10, end: 15, confidence: 0.8, extractor: 'lookup' },
    ]);
    expect(brief(extract('my keybaord and haedset'))).toEqual([
      ['product', 'keyboard', 'keybaord', 0.8],
      ['product', 'headphones', 'haedset', 0.8],
    ]);
    // A plural is one insertion away, so it is caught too.
    expect(brief(extract('two keyboards'))).toEqual([['product', 'keyboard', 'keyboards', 0.8]]);
  });

  it('does not guess at short words or at two typos', () => {
    // "yrok" is one swap from "york" but has only four letters; "lsbn" is two edits from "lisbon".
    expect(extract('yrok and lsbn')).toEqual([]);
  });

  it('prefers an exact match to a typo match of another value', () => {
    const extractorWithNeighbours = createEntityExtractor([
      {
        name: 'colour',
        type: 'lookup',
        values: [
          { value: 'mauve', synonyms: [] },
          { value: 'mauver', synonyms: [] },
        ],
      },
    ]);
    const normalised = normaliseWithOffsets('mauver');
    const found = extractorWithNeighbours.extract(normalised, tokeniseNormalised(normalised));
    expect(found.map((entity) => [entity.value, entity.confidence])).toEqual([['mauver', 1]]);
  });

  it('extracts different entities independently, even where they overlap', () => {
    const shared = createEntityExtractor([
      { name: 'origin', type: 'lookup', values: [{ value: 'Lisbon', synonyms: [] }] },
      { name: 'destination', type: 'lookup', values: [{ value: 'Lisbon', synonyms: [] }] },
      { name: 'code', type: 'regex', pattern: '[a-z]+' },
    ]);
    const normalised = normaliseWithOffsets('lisbon');
    const found = shared.extract(normalised, tokeniseNormalised(normalised));
    expect(found.map((entity) => entity.entity)).toEqual(['code', 'destination', 'origin']);
  });
});

describe('entity extraction', () => {
  it('returns regex and lookup entities together in reading order', () => {
    expect(brief(extract('Send ORD-5555 headphones to lisboa, mail a@b.io'))).toEqual([
      ['order_id', 'ORD-5555', 'ORD-5555', 1],
      ['product', 'headphones', 'headphones', 1],
      ['city', 'Lisbon', 'lisboa', 1],
      ['email', 'a@b.io', 'a@b.io', 1],
    ]);
  });

  it('finds nothing in empty or blank text', () => {
    expect(extract('')).toEqual([]);
    expect(extract('  \n ')).toEqual([]);
  });
});

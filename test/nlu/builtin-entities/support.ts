import { expect } from 'vitest';
import type { ExtractedEntity } from '../../../src/core/index.js';
import { extractedEntitySchema } from '../../../src/core/index.js';
import { createBuiltinEntityExtractor } from '../../../src/nlu/builtin-entities/index.js';
import type { BuiltinEntityExtractor, BuiltinEntityName, BuiltinEntityOptions } from '../../../src/nlu/builtin-entities/index.js';

/** Wednesday 4 March 2026, 10:00 UTC (11:00 in Berlin). */
export const reference = '2026-03-04T10:00:00Z';

export function extractorAt(at: string = reference, options: Partial<BuiltinEntityOptions> = {}): BuiltinEntityExtractor {
  return createBuiltinEntityExtractor({ language: 'en', now: () => new Date(at), ...options });
}

/** Extracts, checking what every result must satisfy whatever the message. */
export function extract(extractor: BuiltinEntityExtractor, text: string): ExtractedEntity[] {
  const found = extractor.extract(text);
  let previousEnd = 0;
  for (const entity of found) {
    extractedEntitySchema.parse(entity);
    expect(entity.extractor).toBe('builtin');
    expect(text.slice(entity.start, entity.end)).toBe(entity.text);
    // In reading order and never overlapping.
    expect(entity.start).toBeGreaterThanOrEqual(previousEnd);
    previousEnd = entity.end;
  }
  return found;
}

/** [entity, the text it covers, value, confidence (1 when left out)]. */
export type Expected = readonly [BuiltinEntityName, string, unknown, number?];

/**
 * The whole result for `text`: each expected piece is looked for after the previous one, so the
 * span is exact (start and end), not only the text.
 */
export function expectFound(extractor: BuiltinEntityExtractor, text: string, expected: readonly Expected[]): void {
  let from = 0;
  const wanted = expected.map(([entity, piece, value, confidence = 1]) => {
    const start = text.indexOf(piece, from);
    expect(start, `"${piece}" is not in "${text}"`).toBeGreaterThanOrEqual(0);
    from = start + piece.length;
    return { entity, value, text: piece, start, end: start + piece.length, confidence, extractor: 'builtin' };
  });
  expect(extract(extractor, text)).toEqual(wanted);
}

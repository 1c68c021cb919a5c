import type { NormalisedText } from '../normalise.js';
import { toOriginalSpan } from '../normalise.js';

const formatCharacters = /\p{Cf}/gu;

/**
 * What the user wrote where the normalised text has `start`–`end`, in its compatibility form
 * (full-width letters made plain) and without invisible format characters, but in its own case.
 */
export function originalText(normalised: NormalisedText, start: number, end: number): string {
  const span = toOriginalSpan(normalised, start, end);
  return normalised.original.slice(span.start, span.end).normalize('NFKC').replace(formatCharacters, '');
}

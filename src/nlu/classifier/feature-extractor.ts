import { normaliseWithOffsets } from '../normalise.js';
import { tokeniseNormalised } from '../tokenise.js';
import type { ClassifierSettings } from './classifier-settings.js';

/**
 * Turns a text into the names of its features. Words and word bigrams carry a prefix (`w:`,
 * `b:`) so the word "to" and the character bigram "to" stay different features; character
 * n-grams are bare slices, which can never contain ':' (the normalised words are letters and
 * digits), and skipping the prefix saves a string per n-gram on every message.
 */
export function extractFeatures(text: string, settings: Pick<ClassifierSettings, 'minCharNgram' | 'maxCharNgram'>): string[] {
  const tokens = tokeniseNormalised(normaliseWithOffsets(text)).map((token) => token.text);
  const features: string[] = [];
  for (const token of tokens) features.push(`w:${token}`);
  // The first word is a strong cue of the question type ("how", "can", "set").
  if (tokens.length > 0) features.push(`b:^ ${tokens[0]}`);
  for (let i = 0; i + 1 < tokens.length; i += 1) features.push(`b:${tokens[i]} ${tokens[i + 1]}`);
  const padded = ` ${tokens.join(' ')} `;
  for (let size = settings.minCharNgram; size <= settings.maxCharNgram; size += 1) {
    for (let start = 0; start + size <= padded.length; start += 1) features.push(padded.slice(start, start + size));
  }
  return features;
}

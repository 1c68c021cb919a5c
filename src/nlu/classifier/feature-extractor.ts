import { normalise } from '../normalise.js';
import { words } from '../tokenise.js';
import type { ClassifierSettings } from './classifier-settings.js';

/**
 * Turns a text into the names of its features. Prefixes keep the kinds apart, so the word "to"
 * and the character bigram "to" are different features.
 */
export function extractFeatures(text: string, settings: Pick<ClassifierSettings, 'minCharNgram' | 'maxCharNgram'>): string[] {
  const folded = normalise(text);
  const tokens = words(folded);
  const features: string[] = [];
  for (const token of tokens) features.push(`w:${token}`);
  // The first word is a strong cue of the question type ("how", "can", "set").
  if (tokens.length > 0) features.push(`b:^ ${tokens[0]}`);
  for (let i = 0; i + 1 < tokens.length; i += 1) features.push(`b:${tokens[i]} ${tokens[i + 1]}`);
  const padded = ` ${tokens.join(' ')} `;
  for (let size = settings.minCharNgram; size <= settings.maxCharNgram; size += 1) {
    for (let start = 0; start + size <= padded.length; start += 1) features.push(`c:${padded.slice(start, start + size)}`);
  }
  return features;
}

import { ParleyError } from '../../core/index.js';

/**
 * Training settings. The defaults were chosen for intent data in general (short utterances, tens
 * to hundreds of examples per intent), not for one benchmark: word unigrams and bigrams carry the
 * meaning, character n-grams across the whole utterance carry typos, inflections and short
 * phrases.
 */
export interface ClassifierSettings {
  readonly language: string;
  readonly seed: number;
  /** Passes over the training data. */
  readonly epochs: number;
  readonly learningRate: number;
  /** The score margin the correct intent must keep over the best wrong one. */
  readonly margin: number;
  readonly minCharNgram: number;
  readonly maxCharNgram: number;
  /** Features seen in fewer training examples are dropped (they cannot generalise). */
  readonly minDocumentFrequency: number;
  /** How many intents a ranking lists. */
  readonly rankingSize: number;
}

export const defaultClassifierSettings: ClassifierSettings = {
  language: 'en',
  seed: 42,
  epochs: 8,
  learningRate: 0.5,
  margin: 1,
  minCharNgram: 2,
  maxCharNgram: 5,
  minDocumentFrequency: 2,
  rankingSize: 5,
};

/** Languages whose tokenisation the feature extractor knows; the seam for adding more. */
export const supportedLanguages = ['en'] as const;

export function resolveSettings(overrides: Partial<ClassifierSettings> = {}): ClassifierSettings {
  const settings = { ...defaultClassifierSettings, ...overrides };
  const base = settings.language.split('-')[0]!;
  if (!(supportedLanguages as readonly string[]).includes(base)) {
    throw new ParleyError('PARLEY_BOT_INVALID', `The NLU does not support language "${settings.language}" yet; supported: ${supportedLanguages.join(', ')}.`);
  }
  if (settings.minCharNgram < 1 || settings.maxCharNgram < settings.minCharNgram) {
    throw new ParleyError('PARLEY_BOT_INVALID', 'Character n-gram sizes must satisfy 1 ≤ min ≤ max.');
  }
  return settings;
}

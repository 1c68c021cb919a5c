import { ParleyError } from '../../core/index.js';
import { english } from './english.js';
import type { BuiltinLanguage } from './language-table.js';

/** The languages the built-ins speak. Adding one is adding its table here. */

const languages: Readonly<Record<string, BuiltinLanguage>> = { en: english };

export const supportedLanguages: readonly string[] = Object.keys(languages).sort();

export interface ResolvedLanguage {
  readonly table: BuiltinLanguage;
  /** Lower-case region subtag ("gb" in "en-GB"), if given. */
  readonly region: string | undefined;
}

/** Accepts "en", "en-GB", "en_us"; anything else is a mistake in the bot's configuration. */
export function resolveLanguage(tag: string): ResolvedLanguage {
  const [primary = '', ...subtags] = tag.trim().toLowerCase().split(/[-_]/);
  // "en-GB", "en-Latn-GB", "es-419": the region is the first two-letter or three-digit subtag.
  const region = subtags.find((subtag) => /^(?:[a-z]{2}|\d{3})$/.test(subtag));
  const table = Object.hasOwn(languages, primary) ? languages[primary] : undefined;
  if (!table) {
    throw new ParleyError(
      'PARLEY_BOT_INVALID',
      `Built-in entities are not available for language "${tag}"; supported languages: ${supportedLanguages.join(', ')}`,
      { details: { language: tag, supported: supportedLanguages } },
    );
  }
  return { table, region };
}

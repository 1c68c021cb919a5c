import { ParleyError } from '../core/index.js';

/**
 * Compiles a bot author's regular expression for use against normalised text. The source gets the
 * same folding as the text (NFKC, accents stripped, curly quotes straightened) so that a pattern
 * written as "café" or "where’s" still matches; it is not lower-cased, because that would change
 * escapes such as \D or \S, and the `i` flag covers case instead.
 *
 * Unicode mode is tried first (so \p{L} and astral characters work); a pattern that is only valid
 * without it (an identity escape like \' or \-) is accepted in legacy mode rather than rejected.
 */
export function compilePattern(source: string, flags: 'i' | 'gi', where: string): RegExp {
  const folded = source
    .replace(/[\u2018\u2019\u201A\u201B\u02BC]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F]/g, '"')
    .normalize('NFKC')
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
  try {
    return new RegExp(folded, `${flags}u`);
  } catch {
    try {
      return new RegExp(folded, flags);
    } catch (error) {
      throw new ParleyError('PARLEY_BOT_INVALID', `${where}: /${source}/ is not a valid regular expression`, {
        cause: error,
        details: { pattern: source },
      });
    }
  }
}


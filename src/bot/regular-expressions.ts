/**
 * A pattern is accepted when the runtime can compile it: Unicode mode first (so \p{L} works), then
 * legacy mode (so identity escapes such as \- or \' still do), the same rule the NLU applies.
 * The error reported is legacy mode's, since that is the attempt that finally failed.
 */
export function regexError(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch {
    try {
      new RegExp(pattern);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
}

export const regexHint =
  'fix the pattern; in YAML write it in single quotes so backslashes stay as typed, e.g. \'^\\d{5}$\'';

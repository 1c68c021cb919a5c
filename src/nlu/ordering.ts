/**
 * Plain UTF-16 code-unit order for tie-breaks. Unlike localeCompare it cannot vary with the host's
 * locale or ICU version, so two servers rank equal scores the same way.
 */
export function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

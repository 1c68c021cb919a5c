/**
 * Whether two words are at most one typo apart in the Damerau-Levenshtein sense: one character
 * inserted, deleted, replaced, or two neighbours swapped. Only "distance ≤ 1" is ever asked, and
 * answering that directly is a single linear scan instead of a full distance table, which matters
 * when every word of every message is checked against every synonym of similar length.
 */
export function withinOneEdit(left: string, right: string): boolean {
  if (left === right) return true;
  const lengthDifference = left.length - right.length;
  if (lengthDifference > 1 || lengthDifference < -1) return false;

  let prefix = 0;
  const shorter = Math.min(left.length, right.length);
  while (prefix < shorter && left.charCodeAt(prefix) === right.charCodeAt(prefix)) prefix += 1;

  if (lengthDifference === 0) {
    // Replacement: everything after the first difference is equal.
    if (left.slice(prefix + 1) === right.slice(prefix + 1)) return true;
    // Transposition: the first two differences are a swapped pair and the rest is equal.
    return (
      prefix + 1 < left.length &&
      left[prefix] === right[prefix + 1] &&
      left[prefix + 1] === right[prefix] &&
      left.slice(prefix + 2) === right.slice(prefix + 2)
    );
  }
  // Insertion or deletion: skipping one character of the longer word makes the rest equal.
  const longer = lengthDifference > 0 ? left : right;
  const other = lengthDifference > 0 ? right : left;
  return longer.slice(prefix + 1) === other.slice(prefix);
}

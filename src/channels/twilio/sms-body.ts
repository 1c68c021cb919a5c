/**
 * Twilio takes a message Body of at most 1,600 characters (it splits an SMS into segments itself
 * and the phone joins them). A longer reply is sent as several messages, cut at a blank line, a
 * line break or a space where one falls in the second half of the window, else mid-word, never
 * inside a surrogate pair. Lengths are counted in UTF-16 code units, which is never less than the
 * number of characters, so every part is within the limit however Twilio counts.
 */

export const MAX_BODY_CHARS = 1600;

export function splitBody(text: string, limit = MAX_BODY_CHARS): string[] {
  if (limit < 2) throw new RangeError('the body limit must be at least 2');
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const cut = cutPoint(rest, limit);
    const part = rest.slice(0, cut).trimEnd();
    if (part !== '') parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '' || parts.length === 0) parts.push(rest);
  return parts;
}

/** Where to cut `text` (longer than `limit`) so the first part has at most `limit` code units. */
function cutPoint(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(separator);
    if (at >= limit / 2 && at <= limit) return at;
  }
  // No good break: cut at the limit, but not between the halves of a surrogate pair.
  const last = text.charCodeAt(limit - 1);
  return last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit;
}

import type { MessageScan } from './message-scan.js';
import { originalText } from './spans.js';
import type { Candidate } from './types.js';

/**
 * `url`: web addresses, valued in their canonical form (WHATWG URL: scheme and host in lower case,
 * a "/" path when none is given), the path kept as written. An address without a scheme is taken
 * to be https. Besides "http(s)://…" and "www.…", a bare domain ("example.com/path") counts only
 * with a well-known top-level domain: ".md", ".sh", ".py", ".it" or ".no" are more often a file name
 * or a word run into the next than an address, so they are left out.
 */

const label = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}\\-]*[\\p{L}\\p{N}])?';
const rest = `(?::\\d{1,5})?(?:[/?#][^\\s<>"{}|\\\\^\`]*)?`;

const bareTopLevelDomains = [
  // generic
  'com', 'org', 'net', 'edu', 'gov', 'info', 'biz', 'io', 'ai', 'app', 'dev', 'co', 'me', 'tv', 'fm', 'ly', 'gg', 'cc',
  'shop', 'store', 'online', 'site', 'tech', 'xyz', 'blog', 'cloud', 'page', 'news', 'travel', 'club', 'live',
  // countries whose code is not an everyday word or a file extension
  'uk', 'de', 'fr', 'es', 'nl', 'ch', 'se', 'dk', 'fi', 'ie', 'pt', 'pl', 'cz', 'ru', 'ua', 'jp', 'cn', 'au', 'nz',
  'ca', 'br', 'mx', 'ar', 'za', 'eu', 'gr', 'hu', 'ro', 'bg', 'hr', 'sk', 'si', 'lt', 'lv', 'ee', 'tr', 'il', 'kr',
  'tw', 'hk', 'sg', 'ph', 'vn',
];
const tlds = [...bareTopLevelDomains].sort((left, right) => right.length - left.length).join('|');

const withScheme = new RegExp(`(?<![\\p{L}\\p{N}])https?://[^\\s<>"{}|\\\\^\`]+`, 'gu');
const withWww = new RegExp(`(?<![\\p{L}\\p{N}@._\\-/])www\\.(?:${label}\\.)+\\p{L}{2,63}${rest}(?![\\p{L}\\p{N}\\-@_])`, 'gu');
const bare = new RegExp(
  `(?<![\\p{L}\\p{N}@._\\-/:])(?:${label}\\.)+(?:${tlds})${rest}(?![\\p{L}\\p{N}\\-@_]|\\.[\\p{L}\\p{N}])`,
  'gu',
);

const trailing = new Set(['.', ',', ';', ':', '!', '?', "'", '"']);

/** Punctuation after an address belongs to the sentence, and so does a ")" it did not open. */
function trimEnd(text: string, start: number, end: number): number {
  let stop = end;
  for (;;) {
    const last = text[stop - 1];
    if (last === undefined || stop <= start) return stop;
    if (trailing.has(last)) stop -= 1;
    else if (last === ')' || last === ']') {
      const open = last === ')' ? '(' : '[';
      const inside = text.slice(start, stop);
      if (inside.split(open).length >= inside.split(last).length) return stop;
      stop -= 1;
    } else return stop;
  }
}

function canonical(address: string): string | undefined {
  try {
    const url = new URL(address);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname.length === 0) return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

export function extractUrls(scan: MessageScan, out: Candidate[]): void {
  const { text } = scan;
  const add = (pattern: RegExp, hasScheme: boolean, confidence: number): void => {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = trimEnd(text, start, start + match[0].length);
      const written = originalText(scan.normalised, start, end);
      const value = canonical(hasScheme ? written : `https://${written}`);
      if (value === undefined) continue;
      out.push({ entity: 'url', start, end, value, confidence });
    }
  };
  if (text.includes('http')) add(withScheme, true, 1);
  if (!text.includes('.')) return;
  if (text.includes('www.')) add(withWww, false, 0.9);
  add(bare, false, 0.8);
}

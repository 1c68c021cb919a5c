import type { MessageScan } from './message-scan.js';
import { originalText } from './spans.js';
import type { Candidate } from './types.js';

/**
 * `email`: an address as the user wrote it, with the domain in lower case (domains are not case
 * sensitive; the local part may be, so it is kept).
 */

const localAtom = '[\\p{L}\\p{N}_%+\\-]+';
const label = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}\\-]*[\\p{L}\\p{N}])?';
const emailPattern = new RegExp(
  `(?<![\\p{L}\\p{N}._%+\\-])${localAtom}(?:\\.${localAtom})*@(?:${label}\\.)+\\p{L}{2,63}(?![\\p{L}\\p{N}\\-@_]|\\.[\\p{L}\\p{N}])`,
  'gu',
);

export function extractEmails(scan: MessageScan, out: Candidate[]): void {
  if (!scan.text.includes('@')) return;
  for (const match of scan.text.matchAll(emailPattern)) {
    const start = match.index;
    const end = start + match[0].length;
    const written = originalText(scan.normalised, start, end);
    const at = written.lastIndexOf('@');
    if (at <= 0) continue;
    const value = `${written.slice(0, at)}@${written.slice(at + 1).toLowerCase()}`;
    out.push({ entity: 'email', start, end, value, confidence: 1 });
  }
}

import type { MessageScan } from './message-scan.js';
import type { Candidate } from './types.js';

/** `number`: cardinals in digits or words, valued as a JavaScript number. */
export function extractNumbers(scan: MessageScan, out: Candidate[]): void {
  for (const number of scan.numbers()) {
    if (number.ordinal) continue;
    out.push({ entity: 'number', start: number.start, end: number.end, value: number.value, confidence: number.confidence });
  }
}

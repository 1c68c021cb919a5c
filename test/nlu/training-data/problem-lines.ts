import { expect } from 'vitest';
import { isParleyError } from '../../../src/core/index.js';

/** Runs a reader expected to fail and returns its problems as "line: message" (the source prefix removed). */
export function problemsOf(read: () => unknown, source: string): string[] {
  let caught: unknown;
  try {
    read();
  } catch (error) {
    caught = error;
  }
  expect(isParleyError(caught, 'PARLEY_BOT_INVALID')).toBe(true);
  const message = (caught as Error).message;
  const prefix = `  ${source}:`;
  return message
    .split('\n')
    .slice(1)
    .map((line) => (line.startsWith(prefix) ? line.slice(prefix.length) : line.trim()));
}

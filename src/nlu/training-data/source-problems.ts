import { ParleyError } from '../../core/index.js';

/** One mistake in a training data file, pinned to its 1-based line. */
export interface SourceProblem {
  readonly line: number;
  readonly message: string;
}

/** How many problems an error message lists before it summarises the rest. */
export const listedProblemLimit = 20;

/**
 * Readers collect every problem of a file before giving up, so an author fixes them in one pass.
 * The error lists them as `source:line: message`, the form editors and terminals link to.
 */
export function throwIfProblems(source: string, problems: readonly SourceProblem[]): void {
  if (problems.length === 0) return;
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const listed = sorted.slice(0, listedProblemLimit);
  const lines = listed.map((problem) => `  ${source}:${problem.line}: ${problem.message}`);
  if (sorted.length > listed.length) lines.push(`  and ${sorted.length - listed.length} more`);
  const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
  throw new ParleyError('PARLEY_BOT_INVALID', `${source}: ${count} in the training data:\n${lines.join('\n')}`, {
    details: { source, problemCount: sorted.length, lines: [...new Set(listed.map((problem) => problem.line))] },
  });
}

/** A short, one-line excerpt of a text for a problem message. */
export function excerpt(text: string, limit = 40): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(oneLine.length > limit ? `${oneLine.slice(0, limit - 1)}…` : oneLine);
}

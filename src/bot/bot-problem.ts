import type { BotDefinition } from '../core/index.js';

export type ProblemSeverity = 'error' | 'warning';

/** One mistake in a bot folder, pinned to the place an author has to edit. */
export interface BotProblem {
  readonly severity: ProblemSeverity;
  /** Path relative to the bot folder, with forward slashes. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly message: string;
  /** What to do about it; never empty. */
  readonly hint: string;
}

export interface BotFolderResult {
  /** Null as soon as there is one error: a half-valid bot must never start. */
  readonly bot: BotDefinition | null;
  readonly problems: BotProblem[];
}

export function hasErrors(problems: readonly BotProblem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}

/**
 * Stable order for output and tests: by file, then position, errors before warnings. Exact
 * repeats go: a YAML alias makes one written mistake show up at every place that uses it.
 */
export function sortProblems(problems: readonly BotProblem[]): BotProblem[] {
  const unique = new Map(problems.map((problem) => [JSON.stringify(problem), problem]));
  return [...unique.values()].sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compareText(a.severity, b.severity) ||
      compareText(a.message, b.message),
  );
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

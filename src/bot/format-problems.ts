import type { BotProblem } from './bot-problem.js';

/**
 * Problems in the `file:line:column severity: message` shape editors and terminals make
 * clickable, each followed by its hint.
 */
export function formatProblems(botDir: string, problems: readonly BotProblem[]): string {
  return problems.map((problem) => formatProblem(botDir, problem)).join('\n');
}

export function formatProblem(botDir: string, problem: BotProblem): string {
  return `${problemPath(botDir, problem.file)}:${problem.line}:${problem.column} ${problem.severity}: ${problem.message}\n    hint: ${problem.hint}`;
}

/** "2 errors and 1 warning", or "no problems". */
export function summarizeProblems(problems: readonly BotProblem[]): string {
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  const parts = [count(errors, 'error'), count(warnings, 'warning')].filter((part) => part !== '');
  return parts.length === 0 ? 'no problems' : parts.join(' and ');
}

function count(amount: number, noun: string): string {
  if (amount === 0) return '';
  return `${amount} ${noun}${amount === 1 ? '' : 's'}`;
}

function problemPath(botDir: string, file: string): string {
  const directory = botDir.replace(/[\\/]+$/, '');
  if (file === '.' || file === '') return directory === '' ? '.' : directory;
  return directory === '' ? file : `${directory}/${file}`;
}

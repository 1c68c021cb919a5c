import type { BotProblem, ProblemSeverity } from './bot-problem.js';
import type { DataPath, SourceFile } from './source-file.js';
import { keyPosition, valuePosition } from './source-file.js';

/** A problem at the value found at `path` (or at its key, for problems about the name itself). */
export function problemAt(
  severity: ProblemSeverity,
  file: SourceFile,
  path: DataPath,
  text: { readonly message: string; readonly hint: string },
  options: { readonly atKey?: boolean } = {},
): BotProblem {
  const position = options.atKey ? keyPosition(file, path) : valuePosition(file, path);
  return { severity, file: file.path, line: position.line, column: position.column, message: text.message, hint: text.hint };
}

/** "file:line" of a place, for hints that point at the other half of a conflict. */
export function placeOf(file: SourceFile, path: DataPath): string {
  const position = valuePosition(file, path);
  return `${file.path}:${position.line}`;
}

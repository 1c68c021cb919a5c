export { loadBotFolder, loadBotOrThrow } from './load-bot-folder.js';
export { formatProblem, formatProblems, summarizeProblems } from './format-problems.js';
export { hasErrors } from './bot-problem.js';
export type { BotFolderResult, BotProblem, ProblemSeverity } from './bot-problem.js';

import type { BotModel } from './bot-model.js';
import type { BotProblem } from './bot-problem.js';
import { problemAt } from './problem-at.js';
import { regexError, regexHint } from './regular-expressions.js';

export function checkEntities(model: BotModel): BotProblem[] {
  const problems: BotProblem[] = [];
  for (const { value: entity, file, path } of model.entities) {
    if (entity.type !== 'regex') continue;
    const error = regexError(entity.pattern);
    if (error !== undefined) {
      problems.push(problemAt('error', file, [...path, 'pattern'], { message: `entity "${entity.name}": ${error}`, hint: regexHint }));
    }
  }
  return problems;
}

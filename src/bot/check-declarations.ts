import type { BotModel, Declaration } from './bot-model.js';
import type { BotProblem } from './bot-problem.js';
import { placeOf, problemAt } from './problem-at.js';

/** Intent, entity and flow names are global across files: a second definition is an error. */
export function checkDuplicateNames(model: BotModel): BotProblem[] {
  return [
    ...duplicates('intent', model.declared.intents),
    ...duplicates('entity', model.declared.entities),
    ...duplicates('flow', model.declared.flows),
  ];
}

function duplicates(kind: string, declarations: readonly Declaration[] | null): BotProblem[] {
  const first = new Map<string, Declaration>();
  const problems: BotProblem[] = [];
  for (const declaration of declarations ?? []) {
    const earlier = first.get(declaration.name);
    if (earlier === undefined) {
      first.set(declaration.name, declaration);
      continue;
    }
    problems.push(
      problemAt('error', declaration.file, [...declaration.path, 'name'], {
        message: `${kind} "${declaration.name}" is defined twice`,
        hint: `it is first defined at ${placeOf(earlier.file, [...earlier.path, 'name'])}; rename one or merge them`,
      }),
    );
  }
  return problems;
}

import type { BotModel } from './bot-model.js';
import type { BotProblem } from './bot-problem.js';
import { quote } from './describe-value.js';
import { placeOf, problemAt } from './problem-at.js';
import { regexError, regexHint } from './regular-expressions.js';

/** Intents the classifier can learn: enough examples, no example claimed twice, patterns that compile. */
export function checkIntents(model: BotModel): BotProblem[] {
  const problems: BotProblem[] = [];
  const examples = new Map<string, { intent: string; place: string }>();
  for (const { value: intent, file, path } of model.intents) {
    if (intent.examples.length === 0 && intent.patterns.length === 0) {
      problems.push(
        problemAt('error', file, path, {
          message: `intent "${intent.name}" has no examples and no patterns`,
          hint: 'add example messages under "examples:" (8–15 varied ones work well), or an exact regular expression under "patterns:"',
        }),
      );
    } else if (intent.patterns.length === 0 && intent.examples.length < 2) {
      problems.push(
        problemAt('warning', file, path, {
          message: `intent "${intent.name}" has only ${intent.examples.length} example and no patterns`,
          hint: 'add more varied examples (8–15 work well) so the classifier can recognise it',
        }),
      );
    }
    intent.patterns.forEach((pattern, index) => {
      const error = regexError(pattern);
      if (error !== undefined) {
        problems.push(problemAt('error', file, [...path, 'patterns', index], { message: `intent "${intent.name}": ${error}`, hint: regexHint }));
      }
    });
    intent.examples.forEach((example, index) => {
      const key = example.trim().replace(/\s+/g, ' ').toLowerCase();
      const examplePath = [...path, 'examples', index];
      const earlier = examples.get(key);
      if (earlier === undefined) {
        examples.set(key, { intent: intent.name, place: placeOf(file, examplePath) });
        return;
      }
      const same = earlier.intent === intent.name;
      problems.push(
        problemAt('warning', file, examplePath, {
          message: same
            ? `example ${quote(example)} appears twice in intent "${intent.name}"`
            : `example ${quote(example)} is in both intent "${earlier.intent}" and intent "${intent.name}"`,
          hint: same
            ? `remove one (the other is at ${earlier.place})`
            : `keep it in one intent only (the other is at ${earlier.place}): the classifier cannot tell the two apart on it`,
        }),
      );
    });
  }
  return problems;
}

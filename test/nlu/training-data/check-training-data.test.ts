import { describe, expect, it } from 'vitest';
import type { IntentDefinition } from '../../../src/core/index.js';
import type { LabelledExample } from '../../../src/nlu/index.js';
import { checkBotTrainingData, checkTrainingData, examplesFromBot } from '../../../src/nlu/training-data/index.js';

const make = (intent: string, texts: string[]): LabelledExample[] => texts.map((text) => ({ text, intent }));
const intent = (name: string, examples: string[], patterns: string[] = []): IntentDefinition => ({ name, examples, patterns });

describe('examplesFromBot', () => {
  it('labels every example with its intent, in order, and leaves patterns out', () => {
    expect(examplesFromBot([intent('greet', ['hi', 'hello']), intent('order_status', [], ['^status$']), intent('bye', ['bye'])])).toEqual([
      { text: 'hi', intent: 'greet' },
      { text: 'hello', intent: 'greet' },
      { text: 'bye', intent: 'bye' },
    ]);
  });
});

describe('checkTrainingData', () => {
  it('finds nothing wrong with clean data', () => {
    expect(checkTrainingData([...make('greet', ['hi', 'hello']), ...make('bye', ['bye', 'see you']), ...make('oos', ['weather?', 'news'])])).toEqual([]);
  });

  it('reports no examples at all as the only error', () => {
    expect(checkTrainingData([], { declaredIntents: ['greet'] })).toEqual([
      { severity: 'error', code: 'no-examples', message: 'there are no training examples at all', intents: [] },
    ]);
  });

  it('needs two in-scope intents: oos does not count', () => {
    expect(checkTrainingData([...make('greet', ['hi', 'hello']), ...make('oos', ['weather', 'news'])])).toEqual([
      { severity: 'error', code: 'too-few-intents', message: 'a classifier needs at least 2 intents with examples, found 1 ("greet")', intents: ['greet'] },
    ]);
  });

  it('reports declared intents without examples as errors', () => {
    const problems = checkTrainingData([...make('greet', ['hi', 'hello']), ...make('bye', ['bye', 'ciao'])], { declaredIntents: ['greet', 'thanks', 'bye', 'help'] });
    expect(problems).toEqual([
      { severity: 'error', code: 'intent-without-examples', message: 'intent "help" has no examples', intents: ['help'] },
      { severity: 'error', code: 'intent-without-examples', message: 'intent "thanks" has no examples', intents: ['thanks'] },
    ]);
  });

  it('warns about an intent with a single example, oos included', () => {
    const problems = checkTrainingData([...make('greet', ['hi']), ...make('bye', ['bye', 'ciao']), ...make('oos', ['news'])]);
    expect(problems.map((problem) => [problem.severity, problem.code, problem.intents])).toEqual([
      ['warning', 'single-example', ['greet']],
      ['warning', 'single-example', ['oos']],
    ]);
    expect(problems[0]!.message).toBe('intent "greet" has only 1 example: it cannot be both learned and tested');
  });

  it('warns once about an exact duplicate within an intent, with its count', () => {
    const problems = checkTrainingData([...make('greet', ['hi', 'hi', 'Hi', 'hi', 'hello']), ...make('bye', ['bye', 'ciao'])]);
    expect(problems).toEqual([
      { severity: 'warning', code: 'duplicate-example', message: 'intent "greet" has the example "hi" 3 times', intents: ['greet'], example: 'hi' },
    ]);
  });

  it('warns about the same normalised text in two intents, naming both', () => {
    const problems = checkTrainingData([...make('greet', ['Good  Morning', 'hi']), ...make('wake_up', ['good morning', 'wake me']), ...make('oos', ['good morning!', 'news'])]);
    expect(problems).toEqual([
      {
        severity: 'warning',
        code: 'conflicting-example',
        message: 'the example "Good Morning" is labelled "greet" and "wake_up": the classifier cannot tell them apart on it',
        intents: ['greet', 'wake_up'],
        example: 'Good  Morning',
      },
    ]);
  });

  it('warns when the largest intent has more than 10× the examples of the smallest (oos aside)', () => {
    const many = (count: number) => Array.from({ length: count }, (_, index) => `text ${index}`);
    const balanced = checkTrainingData([...make('big', many(20)), ...make('small', ['a', 'b']), ...make('oos', many(500).map((text) => `oos ${text}`))]);
    expect(balanced).toEqual([]);
    const imbalanced = checkTrainingData([...make('big', many(21)), ...make('small', ['a', 'b']), ...make('middle', ['c', 'd', 'e'])]);
    expect(imbalanced).toEqual([
      {
        severity: 'warning',
        code: 'imbalanced-intents',
        message: 'intent "big" has 21 examples, more than 10× the 2 of intent "small": the classifier will favour the large intents',
        intents: ['big', 'small'],
      },
    ]);
  });

  it('lists errors before warnings', () => {
    const problems = checkTrainingData([...make('greet', ['hi', 'hi'])], { declaredIntents: ['bye'] });
    expect(problems.map((problem) => `${problem.severity} ${problem.code}`)).toEqual([
      'error too-few-intents',
      'error intent-without-examples',
      'warning duplicate-example',
    ]);
  });
});

describe('checkBotTrainingData', () => {
  it('reports intents with neither examples nor patterns; pattern-only intents are served by the pattern stage', () => {
    const problems = checkBotTrainingData([intent('greet', ['hi', 'hello']), intent('bye', ['bye', 'ciao']), intent('status', [], ['^status$']), intent('empty', [])]);
    expect(problems).toEqual([{ severity: 'error', code: 'intent-without-examples', message: 'intent "empty" has no examples', intents: ['empty'] }]);
  });
});

import { describe, expect, it } from 'vitest';
import { readRasaNluYaml, stripEntityAnnotations } from '../../../src/nlu/training-data/index.js';
import { problemsOf } from './problem-lines.js';

describe('stripEntityAnnotations', () => {
  it('strips [text](entity) and points at the words in the stripped text', () => {
    const result = stripEntityAnnotations('fly to [New York](city) tomorrow');
    expect(result).toEqual({
      text: 'fly to New York tomorrow',
      annotations: [{ entity: 'city', value: 'New York', text: 'New York', start: 7, end: 15 }],
      problems: [],
    });
    expect(result.text.slice(7, 15)).toBe('New York');
  });

  it('reads a value from [text](entity:value)', () => {
    expect(stripEntityAnnotations('money in my [pink pig](account:savings)').annotations).toEqual([
      { entity: 'account', value: 'savings', text: 'pink pig', start: 12, end: 20 },
    ]);
  });

  it('reads [text]{"entity", "value", "role", "group"}', () => {
    const result = stripEntityAnnotations('from [Berlin]{"entity": "city", "role": "departure", "group": 1} to [Paris]{"entity": "city", "value": "PAR"}');
    expect(result.text).toBe('from Berlin to Paris');
    expect(result.annotations).toEqual([
      { entity: 'city', value: 'Berlin', text: 'Berlin', start: 5, end: 11, role: 'departure', group: '1' },
      { entity: 'city', value: 'PAR', text: 'Paris', start: 15, end: 20 },
    ]);
  });

  it('reads several entities on the same words with [text][{…}, {…}]', () => {
    const result = stripEntityAnnotations('I want [ice cream][{"entity": "food"}, {"entity": "dessert", "value": "gelato"}]!');
    expect(result.text).toBe('I want ice cream!');
    expect(result.annotations).toEqual([
      { entity: 'food', value: 'ice cream', text: 'ice cream', start: 7, end: 16 },
      { entity: 'dessert', value: 'gelato', text: 'ice cream', start: 7, end: 16 },
    ]);
  });

  it('leaves brackets without markup alone', () => {
    expect(stripEntityAnnotations('choose [a] or (b)')).toEqual({ text: 'choose [a] or (b)', annotations: [], problems: [] });
  });

  it('keeps the words and reports unreadable markup', () => {
    const result = stripEntityAnnotations('a [pizza]{"entity": } and [cola]{"value": "coke"}');
    expect(result.text).toBe('a pizza and cola');
    expect(result.annotations).toEqual([]);
    expect(result.problems).toEqual([
      'annotation [pizza]{"entity": } is not valid JSON after the [text]',
      'annotation [cola]{"value": "coke"}: "entity" must be a non-empty string',
    ]);
  });
});

const goodFile = `version: "3.1"
nlu:
- intent: greet
  examples: |
    - hey
    - hello there

    # a comment line inside the block is skipped
- intent: check_balance
  examples: |
    - what is my [savings](account) balance
    - how much is in my [credit card]{"entity": "account", "value": "credit", "role": "source"}
    - money in [pink pig](account:savings)
- intent: greet
  examples: |
    - good morning
- synonym: savings
  examples: |
    - pink pig
    - piggy bank
- regex: account_number
  examples: |
    - \\d{10,12}
    - [a-z]{2}\\d{8}
- lookup: city
  examples: |
    - London
    - Paris
- intent: inform
  metadata:
    sentiment: neutral
  examples:
  - text: |
      I live in [Berlin](city)
    metadata:
      source: chat
  - text: "from [Paris](city)"
stories:
- story: ignored
  steps: []
`;

describe('readRasaNluYaml', () => {
  it('reads intents, synonyms, regexes and lookups, merging items with the same name', () => {
    const data = readRasaNluYaml(goodFile, 'data/nlu.yml');
    expect(data.examples).toEqual([
      { text: 'hey', intent: 'greet' },
      { text: 'hello there', intent: 'greet' },
      { text: 'what is my savings balance', intent: 'check_balance' },
      { text: 'how much is in my credit card', intent: 'check_balance' },
      { text: 'money in pink pig', intent: 'check_balance' },
      { text: 'good morning', intent: 'greet' },
      { text: 'I live in Berlin', intent: 'inform' },
      { text: 'from Paris', intent: 'inform' },
    ]);
    expect(data.synonyms).toEqual([{ value: 'savings', synonyms: ['pink pig', 'piggy bank'] }]);
    // Regular expressions are not entity markup: their brackets stay.
    expect(data.regexes).toEqual([{ name: 'account_number', patterns: ['\\d{10,12}', '[a-z]{2}\\d{8}'] }]);
    expect(data.lookups).toEqual([{ name: 'city', values: ['London', 'Paris'] }]);
  });

  it('returns the annotations with the index of their example and spans in the stripped text', () => {
    const data = readRasaNluYaml(goodFile, 'data/nlu.yml');
    expect(data.entities).toEqual([
      { example: 2, entity: 'account', value: 'savings', text: 'savings', start: 11, end: 18 },
      { example: 3, entity: 'account', value: 'credit', text: 'credit card', start: 18, end: 29, role: 'source' },
      { example: 4, entity: 'account', value: 'savings', text: 'pink pig', start: 9, end: 17 },
      { example: 6, entity: 'city', value: 'Berlin', text: 'Berlin', start: 10, end: 16 },
      { example: 7, entity: 'city', value: 'Paris', text: 'Paris', start: 5, end: 10 },
    ]);
    for (const annotation of data.entities) {
      expect(data.examples[annotation.example]!.text.slice(annotation.start, annotation.end)).toBe(annotation.text);
    }
  });

  it('reads an empty file, or one without nlu, as nothing', () => {
    const empty = { examples: [], entities: [], synonyms: [], regexes: [], lookups: [] };
    expect(readRasaNluYaml('', 'empty.yml')).toEqual(empty);
    expect(readRasaNluYaml('version: "3.1"\nrules: []\n', 'rules.yml')).toEqual(empty);
  });

  it('reports every problem with its line', () => {
    const text = `version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    hello without a dash
    -
- intent: ask
  exmples: |
    - what
- intent: order
  examples: |
    - a [pizza]{"entity": } please
    - a [cola]{"value": "coke"} please
- foo: bar
- intent: both
  regex: kinds
  examples: |
    - z
- intent: inform
  examples:
  - text: ""
  - txt: hello
- intent: ""
  examples: |
    - nameless
- lookup: empty
  examples: |
    # nothing here
- just a string
`;
    expect(problemsOf(() => readRasaNluYaml(text, 'data/nlu.yml'), 'data/nlu.yml')).toEqual([
      '6: an example line must start with "- ", found "hello without a dash"',
      '7: empty example after "-"',
      '8: intent "ask" has no "examples"',
      '9: unknown key "exmples" in this item (allowed with "intent": intent, examples, metadata)',
      '13: annotation [pizza]{"entity": } is not valid JSON after the [text]',
      '14: annotation [cola]{"value": "coke"}: "entity" must be a non-empty string',
      '15: an "nlu" item needs one of "intent", "synonym", "regex" or "lookup"',
      '16: an "nlu" item has one kind, not "intent" and "regex": split it in two',
      '22: "text" must be a non-empty string',
      '23: each entry of an examples list must be a map with "text" (and optionally "metadata")',
      '24: "intent" must name the intent',
      '28: lookup "empty" has no examples',
      '30: each "nlu" item must be a map such as "- intent: greet" with "examples:"',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const duplicate = 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n- intent: greet\n  intent: again\n';
    expect(problemsOf(() => readRasaNluYaml(duplicate, 'nlu.yml'), 'nlu.yml')).toEqual(['7: YAML: Map keys must be unique']);
    const unclosed = 'version: "3.1"\nnlu:\n- intent: greet\n  examples: [unclosed\n';
    expect(problemsOf(() => readRasaNluYaml(unclosed, 'nlu.yml'), 'nlu.yml')[0]).toMatch(/^\d+: YAML: Flow sequence/);
  });

  it('reports an unsupported version and a wrong shape', () => {
    expect(problemsOf(() => readRasaNluYaml('version: "1.0"\nnlu: []\n', 'old.yml'), 'old.yml')).toEqual([
      '1: version "1.0" is not supported: this reader understands Rasa 2.x and 3.x training data',
    ]);
    expect(problemsOf(() => readRasaNluYaml('version: "3.1"\n\nnlu:\n  intent: greet\n', 'shape.yml'), 'shape.yml')).toEqual([
      '4: "nlu" must be a list of items such as "- intent: greet"',
    ]);
    expect(problemsOf(() => readRasaNluYaml('- intent: greet\n', 'list.yml'), 'list.yml')).toEqual([
      '1: expected a map with "version" and "nlu" at the top of the file',
    ]);
  });
});

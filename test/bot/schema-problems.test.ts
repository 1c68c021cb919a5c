import { afterAll, describe, expect, it } from 'vitest';
import { loadBotFolder } from '../../src/bot/index.js';
import { expectProblem, removeWrittenBots, writeBot, yaml } from './bot-fixture.js';

afterAll(removeWrittenBots);

async function problemsOf(files: Record<string, string | null>) {
  const { bot, problems } = await loadBotFolder(await writeBot(files));
  expect(bot).toBeNull();
  return problems;
}

describe('YAML syntax errors', () => {
  it('are reported with their line and column', async () => {
    const problems = await problemsOf({
      'intents/main.yaml': yaml(`
        intents:
          - name: greet
            examples:
              - hi
             - hello
      `),
    });
    expectProblem(problems, { file: 'intents/main.yaml', line: 5, column: 6, severity: 'error', message: 'YAML:', hint: 'indentation' });
  });

  it('explain that a text starting with "{" must be quoted', async () => {
    const problems = await problemsOf({
      'responses.yaml': yaml(`
        responses:
          fallback:
            - text: {order_number} is not a valid order
      `),
    });
    expectProblem(problems, { file: 'responses.yaml', line: 3, severity: 'error', hint: 'put the whole text in quotes, e.g. "{order_number} is not a valid order"' });
  });

  it('suggest spaces instead of tabs', async () => {
    const problems = await problemsOf({ 'intents/main.yaml': 'intents:\n\t- name: greet\n' });
    expectProblem(problems, { file: 'intents/main.yaml', line: 2, column: 1, severity: 'error', hint: 'spaces, not tabs' });
  });

  it('suggest single quotes for a regular expression with backslashes', async () => {
    const problems = await problemsOf({
      'intents/main.yaml': yaml(`
        intents:
          - name: greet
            examples: [hi, hello]
            patterns: ["^\\d+$"]
      `),
    });
    expectProblem(problems, { file: 'intents/main.yaml', line: 4, severity: 'error', hint: 'single quotes' });
  });

  it('name a duplicated key', async () => {
    const problems = await problemsOf({ 'bot.yaml': 'name: mini\nlanguage: en\nname: other\n' });
    expectProblem(problems, { file: 'bot.yaml', line: 3, column: 1, severity: 'error', message: 'unique', hint: 'only once' });
  });

  it('do not cascade into "unknown" references to what the broken file declares', async () => {
    const problems = await problemsOf({
      'intents/main.yaml': yaml(`
        intents:
          - name: greet
            examples: [hi, hello
      `),
    });
    expect(problems.every((problem) => problem.file === 'intents/main.yaml')).toBe(true);
  });
});

describe('schema problems', () => {
  it('point at an unknown key and suggest the allowed one', async () => {
    const problems = await problemsOf({
      'intents/main.yaml': yaml(`
        intents:
          - name: greet
            exmaples: [hi, hello]
      `),
    });
    expectProblem(problems, {
      file: 'intents/main.yaml',
      line: 3,
      column: 5,
      severity: 'error',
      message: 'unknown key "exmaples"',
      hint: 'did you mean "examples"? Allowed keys here: examples, name, patterns',
    });
  });

  it('explain a text that YAML read as a mapping', async () => {
    const problems = await problemsOf({
      'responses.yaml': yaml(`
        responses:
          fallback:
            - text: Sorry?
          greet:
            - text: {user_name}
      `),
    });
    expectProblem(problems, { file: 'responses.yaml', line: 5, column: 13, severity: 'error', message: 'YAML read {user_name} as a mapping', hint: 'text: "{user_name}"' });
  });

  it('report a missing required key at its parent', async () => {
    const problems = await problemsOf({
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            steps:
              - say: greet
      `),
    });
    expectProblem(problems, { file: 'flows/main.yaml', line: 2, severity: 'error', message: 'missing "trigger"', hint: 'trigger: { intents: [' });
  });

  it('suggest a valid name', async () => {
    const problems = await problemsOf({ 'bot.yaml': 'name: Parley Shop\n' });
    expectProblem(problems, { file: 'bot.yaml', line: 1, column: 7, severity: 'error', message: '"Parley Shop" is not a valid name', hint: 'e.g. "parley_shop"' });
  });

  it('suggest a valid response name for an invalid key', async () => {
    const problems = await problemsOf({
      'responses.yaml': yaml(`
        responses:
          fallback:
            - text: Sorry?
          greet:
            - text: Hi!
          OrderFound:
            - text: Found it.
      `),
    });
    expectProblem(problems, { file: 'responses.yaml', line: 6, column: 3, severity: 'error', message: '"OrderFound" is not a valid name', hint: 'e.g. "order_found"' });
  });

  it('suggest the closest entity type', async () => {
    const problems = await problemsOf({
      'entities.yaml': yaml(`
        entities:
          - name: zip_code
            type: regexp
            pattern: '\\d{5}'
      `),
    });
    expectProblem(problems, { file: 'entities.yaml', line: 3, column: 11, severity: 'error', message: 'unknown type "regexp"', hint: 'did you mean "regex"? Use one of: regex, lookup' });
  });

  it('name the connector types', async () => {
    const problems = await problemsOf({
      'bot.yaml': yaml(`
        name: mini
        connectors:
          crm:
            type: soap
            url: https://crm.example
      `),
    });
    expectProblem(problems, { file: 'bot.yaml', line: 4, severity: 'error', message: 'unknown type "soap"', hint: 'use one of: static, http' });
  });

  it('check an HTTP connector against its own keys', async () => {
    const problems = await problemsOf({
      'bot.yaml': yaml(`
        name: mini
        connectors:
          crm:
            type: http
            url: https://crm.example
            operations: {}
      `),
    });
    expectProblem(problems, { file: 'bot.yaml', line: 5, severity: 'error', message: 'unknown key "url"', hint: 'did you mean "base_url"?' });
  });

  it('validate a flow step as the kind its action key says', async () => {
    const problems = await problemsOf({
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [greet] }
            steps:
              - say: greet
              - collect: name
                entity: person
      `),
    });
    // Only the collect step's own issue, not one per kind of step.
    expect(problems).toHaveLength(1);
    expectProblem(problems, { file: 'flows/main.yaml', line: 6, severity: 'error', message: 'missing "ask"', hint: 'the response that asks for the value' });
  });

  it('recognise a misspelt step action', async () => {
    const problems = await problemsOf({
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [greet] }
            steps:
              - sya: greet
      `),
    });
    expectProblem(problems, { file: 'flows/main.yaml', line: 5, severity: 'error', message: 'this step has no action', hint: 'did you mean "say" instead of "sya"?' });
  });

  it('tell that a step does one thing', async () => {
    const problems = await problemsOf({
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [greet] }
            steps:
              - say: greet
                handoff: { reason: asked }
      `),
    });
    expectProblem(problems, { file: 'flows/main.yaml', line: 5, severity: 'error', message: 'unknown key "say"', hint: 'move "say" to a step of its own' });
  });

  it('explain a text where a list is expected', async () => {
    const problems = await problemsOf({
      'intents/main.yaml': yaml(`
        intents:
          - name: greet
            examples: hello
      `),
    });
    expectProblem(problems, { file: 'intents/main.yaml', line: 3, column: 15, severity: 'error', message: '"examples" should be a list', hint: '"- hello"' });
  });

  it('explain an empty value', async () => {
    const problems = await problemsOf({
      'intents/main.yaml': yaml(`
        intents:
          - name: greet
            examples:
      `),
    });
    expectProblem(problems, { file: 'intents/main.yaml', line: 3, severity: 'error', message: '"examples" is empty', hint: 'a list' });
  });

  it('report an empty list and an out-of-range number', async () => {
    const problems = await problemsOf({
      'bot.yaml': yaml(`
        name: mini
        nlu:
          threshold: 1.5
      `),
      'responses.yaml': yaml(`
        responses:
          fallback: []
      `),
    });
    expectProblem(problems, { file: 'bot.yaml', line: 3, column: 14, severity: 'error', message: '"threshold" must be at most 1' });
    expectProblem(problems, { file: 'responses.yaml', line: 2, severity: 'error', message: '"fallback" needs at least 1 item' });
  });

  it('report an empty file', async () => {
    const problems = await problemsOf({ 'flows/main.yaml': '# nothing yet\n' });
    expectProblem(problems, { file: 'flows/main.yaml', line: 1, column: 1, severity: 'error', message: 'the file is empty', hint: 'flows' });
  });
});

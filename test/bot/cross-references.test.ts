import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBotFolder } from '../../src/bot/index.js';
import { errorsOf, expectProblem, removeWrittenBots, writeBot, yaml } from './bot-fixture.js';

afterAll(removeWrittenBots);

async function problemsOf(files: Record<string, string | null>) {
  return (await loadBotFolder(await writeBot(files))).problems;
}

const withOrders = {
  'bot.yaml': yaml(`
    name: mini
    connectors:
      orders:
        type: static
        file: data/orders.yaml
  `),
  'data/orders.yaml': yaml(`
    - id: "10001"
      status: shipped
      carrier: DHL
  `),
  'entities.yaml': yaml(`
    entities:
      - name: order_number
        type: regex
        pattern: '\\b\\d{5}\\b'
  `),
};

const respond = (...names: string[]): string =>
  `responses:\n  fallback:\n    - text: Sorry?\n${names.map((name) => `  ${name}:\n    - text: ${name}\n`).join('')}`;

describe('flow references', () => {
  it('report a trigger naming an unknown intent, with the closest name', async () => {
    const problems = await problemsOf({
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger:
              intents: [greet, gret]
            steps:
              - say: greet
          - name: other
            trigger: { intents: [bye] }
            steps:
              - say: greet
      `),
    });
    expectProblem(problems, { file: 'flows/main.yaml', line: 4, column: 24, severity: 'error', message: 'unknown intent "gret"', hint: 'did you mean "greet"?' });
    expectProblem(problems, { file: 'flows/main.yaml', line: 8, severity: 'error', message: 'unknown intent "bye"', hint: 'define "bye" in a file under intents/' });
  });

  it('report an unknown response wherever a step names one', async () => {
    const problems = await problemsOf({
      ...withOrders,
      'responses.yaml': respond('greet', 'ask_number'),
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [greet] }
            steps:
              - say: greeet
              - collect: order_number
                ask: ask_numbr
                validate:
                  pattern: '^\\d{5}$'
                  invalid: bad_number
              - call: orders.get
                with: { id: "{order_number}" }
                save_as: order
                on_not_found: not_found
                on_error: unavailable
              - handoff:
                  reason: asked
                  say: handed_over
              - end: true
                say: bye_now
      `),
    });
    const unknown = (line: number, name: string, hint: string) =>
      expectProblem(problems, { file: 'flows/main.yaml', line, severity: 'error', message: `unknown response "${name}"`, hint });
    unknown(5, 'greeet', 'did you mean "greet"?');
    unknown(7, 'ask_numbr', 'did you mean "ask_number"?');
    unknown(10, 'bad_number', 'add "bad_number" to responses.yaml');
    unknown(14, 'not_found', 'add "not_found" to responses.yaml');
    unknown(15, 'unavailable', 'add "unavailable" to responses.yaml');
    unknown(18, 'handed_over', 'add "handed_over" to responses.yaml');
    unknown(20, 'bye_now', 'add "bye_now" to responses.yaml');
    expect(errorsOf(problems)).toHaveLength(7);
  });

  it('report an unknown entity in a collect step', async () => {
    const problems = await problemsOf({
      ...withOrders,
      'responses.yaml': respond('greet', 'ask_number'),
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [greet] }
            steps:
              - collect: number
                entity: order_numbr
                ask: ask_number
      `),
    });
    expectProblem(problems, { file: 'flows/main.yaml', line: 6, column: 17, severity: 'error', message: 'unknown entity "order_numbr"', hint: 'did you mean "order_number"?' });
  });

  it('report calls to an unknown connector, an unknown operation, and a missing key argument', async () => {
    const problems = await problemsOf({
      ...withOrders,
      'responses.yaml': respond('greet'),
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [greet] }
            steps:
              - call: order.get
                with: { id: "1" }
                save_as: a
              - call: orders.find
                with: { id: "1" }
                save_as: b
              - call: orders.get
                with: { number: "1", idd: "1" }
                save_as: c
              - call: orders.get
                save_as: d
      `),
    });
    expectProblem(problems, { file: 'flows/main.yaml', line: 5, severity: 'error', message: 'unknown connector "order"', hint: 'did you mean "orders"?' });
    expectProblem(problems, { file: 'flows/main.yaml', line: 8, severity: 'error', message: 'connector "orders" (static) has no operation "find"', hint: 'static connectors have: orders.get' });
    expectProblem(problems, { file: 'flows/main.yaml', line: 12, severity: 'error', message: 'orders.get needs the argument "id"', hint: 'did you mean "id" instead of "idd"?' });
    expectProblem(problems, { file: 'flows/main.yaml', line: 12, severity: 'warning', message: 'orders.get ignores the argument "number"' });
    expectProblem(problems, { file: 'flows/main.yaml', line: 14, severity: 'error', message: 'orders.get needs the argument "id"', hint: 'add with: { id: "{slot}" }' });
  });

  it('uses the connector\'s own key for the argument a static get needs', async () => {
    const problems = await problemsOf({
      ...withOrders,
      'bot.yaml': yaml(`
        name: mini
        connectors:
          orders: { type: static, file: data/orders.yaml, key: carrier }
      `),
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [greet] }
            steps:
              - call: orders.get
                with: { id: "1" }
                save_as: order
      `),
    });
    expectProblem(problems, { file: 'flows/main.yaml', line: 6, severity: 'error', message: 'needs the argument "carrier"' });
  });

  it('report two flows started by the same intent', async () => {
    const problems = await problemsOf({
      'flows/other.yaml': yaml(`
        flows:
          - name: welcome
            trigger: { intents: [greet] }
            steps:
              - say: greet
      `),
    });
    expectProblem(problems, { file: 'flows/other.yaml', line: 3, severity: 'error', message: 'intent "greet" triggers both flow "greet" and flow "welcome"', hint: 'flows/main.yaml:3' });
  });
});

describe('regular expressions', () => {
  it('report invalid intent patterns, regex entities and validation patterns with the RegExp error', async () => {
    const problems = await problemsOf({
      'intents/main.yaml': yaml(`
        intents:
          - name: greet
            examples: [hi, hello]
            patterns: ['^(hi|hello$']
      `),
      'entities.yaml': yaml(`
        entities:
          - name: code
            type: regex
            pattern: '[A-Z'
      `),
      'responses.yaml': respond('greet', 'ask', 'invalid'),
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [greet] }
            steps:
              - collect: code
                ask: ask
                validate: { pattern: 'a{2,1}', invalid: invalid }
      `),
    });
    expectProblem(problems, { file: 'intents/main.yaml', line: 4, column: 16, severity: 'error', message: 'Invalid regular expression: /^(hi|hello$/: Unterminated group', hint: 'single quotes' });
    expectProblem(problems, { file: 'entities.yaml', line: 4, column: 14, severity: 'error', message: 'Unterminated character class' });
    expectProblem(problems, { file: 'flows/main.yaml', line: 7, severity: 'error', message: 'numbers out of order' });
  });

  it('accept a pattern only legacy mode compiles, as the runtime does', async () => {
    const problems = await problemsOf({
      'intents/main.yaml': yaml(`
        intents:
          - name: greet
            examples: [hi, hello]
            patterns: ['^hi\\-ya$', '^\\p{L}+$']
      `),
    });
    expect(problems).toEqual([]);
  });
});

describe('names and examples', () => {
  it('report intents, flows and entities defined twice, pointing at the first', async () => {
    const problems = await problemsOf({
      'intents/more.yaml': yaml(`
        intents:
          - name: bye
            examples: [bye, see you]
          - name: greet
            examples: [good morning, good evening]
      `),
      'flows/more.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [bye] }
            steps:
              - say: greet
      `),
      'entities.yaml': yaml(`
        entities:
          - name: colour
            type: lookup
            values: [{ value: red }]
          - name: colour
            type: regex
            pattern: 'blue'
      `),
    });
    expectProblem(problems, { file: 'intents/more.yaml', line: 4, column: 11, severity: 'error', message: 'intent "greet" is defined twice', hint: 'first defined at intents/main.yaml:2' });
    expectProblem(problems, { file: 'flows/more.yaml', line: 2, severity: 'error', message: 'flow "greet" is defined twice', hint: 'first defined at flows/main.yaml:2' });
    expectProblem(problems, { file: 'entities.yaml', line: 5, severity: 'error', message: 'entity "colour" is defined twice', hint: 'entities.yaml:2' });
  });

  it('report an intent with neither examples nor patterns (error) and one with a single example (warning)', async () => {
    const problems = await problemsOf({
      'intents/more.yaml': yaml(`
        intents:
          - name: bye
          - name: thanks
            examples: [thanks]
          - name: yes
            patterns: ['^(yes|yep)$']
      `),
    });
    expectProblem(problems, { file: 'intents/more.yaml', line: 2, severity: 'error', message: 'intent "bye" has no examples and no patterns', hint: 'add example messages' });
    expectProblem(problems, { file: 'intents/more.yaml', line: 3, severity: 'warning', message: 'intent "thanks" has only 1 example', hint: 'add more varied examples' });
    expect(problems).toHaveLength(2);
  });

  it('warn about the same example in two intents, ignoring case and spaces', async () => {
    const problems = await problemsOf({
      'intents/more.yaml': yaml(`
        intents:
          - name: bye
            examples:
              - bye
              - '  Hello '
      `),
    });
    expectProblem(problems, { file: 'intents/more.yaml', line: 5, column: 9, severity: 'warning', message: 'example "  Hello " is in both intent "greet" and intent "bye"', hint: 'intents/main.yaml:3' });
  });
});

describe('responses', () => {
  it('require the fallback response and the error response', async () => {
    const problems = await problemsOf({
      'bot.yaml': yaml(`
        name: mini
        fallback:
          response: not_understood
        error_response: oops
      `),
    });
    expectProblem(problems, { file: 'bot.yaml', line: 3, column: 13, severity: 'error', message: 'the fallback response "not_understood" is not in responses.yaml', hint: 'add "not_understood" to responses.yaml' });
    expectProblem(problems, { file: 'bot.yaml', line: 4, column: 17, severity: 'error', message: 'the error response "oops" is not in responses.yaml' });
  });

  it('require the default fallback response when bot.yaml names none', async () => {
    const problems = await problemsOf({ 'responses.yaml': respond('greet', 'fallbak').replace(/ {2}fallback:\n.*\n/, '') });
    expectProblem(problems, { file: 'bot.yaml', line: 1, severity: 'error', message: '"fallback"', hint: 'did you mean "fallbak"?' });
  });

  it('warn about placeholders naming slots no flow fills, and fields no record has', async () => {
    const problems = await problemsOf({
      ...withOrders,
      'responses.yaml': yaml(`
        responses:
          fallback:
            - text: Sorry, {name}?
          greet:
            - text: Hi {name}, order {order.status} with {order.carier} for {customer}
          ask:
            - text: Which order?
      `),
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [greet] }
            steps:
              - collect: order_number
                ask: ask
              - call: orders.get
                with: { id: "{order_numbr}" }
                save_as: order
              - set: { name: friend }
              - if: { slot: order.state, equals: shipped }
                say: greet
      `),
    });
    const placeholderWarnings = problems.filter((problem) => problem.severity === 'warning');
    expect(placeholderWarnings).toHaveLength(4);
    expectProblem(problems, { file: 'responses.yaml', line: 5, severity: 'warning', message: 'uses {customer}, but no flow collects, saves or sets a slot "customer"' });
    expectProblem(problems, { file: 'responses.yaml', line: 5, severity: 'warning', message: 'uses {order.carier}, but no record of connector "orders" has "carier"', hint: 'did you mean {order.carrier}?' });
    expectProblem(problems, { file: 'flows/main.yaml', line: 8, severity: 'warning', message: 'uses {order_numbr}', hint: 'did you mean "order_number"?' });
    expectProblem(problems, { file: 'flows/main.yaml', line: 11, severity: 'warning', message: 'uses order.state', hint: 'did you mean order.status?' });
  });

  it('report a button payload naming an unknown intent', async () => {
    const problems = await problemsOf({
      'responses.yaml': yaml(`
        responses:
          fallback:
            - text: Sorry?
              buttons:
                - { title: Say hi, payload: /greet }
                - { title: Track, payload: /gret }
                - { title: Plain text, payload: hello there }
          greet:
            - text: Hi!
      `),
    });
    expect(problems).toHaveLength(1);
    expectProblem(problems, { file: 'responses.yaml', line: 6, column: 36, severity: 'error', message: 'a button sends "/gret"', hint: 'did you mean "/greet"?' });
  });
});

/** Problems of a temporary copy of the demo bot after `edit` changed it. */
async function problemsOfShopCopy(edit: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'parley-shop-copy-'));
  try {
    await cp('bots/shop', dir, { recursive: true });
    await edit(dir);
    return (await loadBotFolder(dir)).problems;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('out-of-scope examples', () => {
  it('refuse a flow triggered by oos, and say where such messages go', async () => {
    const problems = await problemsOfShopCopy((dir) =>
      writeFile(join(dir, 'flows', 'oos.yaml'), 'flows:\n  - name: chit_chat\n    trigger:\n      intents: [oos]\n    steps:\n      - say: fallback\n'),
    );
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'error', file: 'flows/oos.yaml', line: 4, message: expect.stringContaining('never recognised'), hint: expect.stringContaining('fallback') }),
    ]);
  });
});

describe('confirm and goto steps', () => {
  it('check the responses a confirmation says and the flow a goto names', async () => {
    const problems = await problemsOfShopCopy(async (dir) => {
      await writeFile(
        join(dir, 'flows', 'extra.yaml'),
        'flows:\n  - name: extra\n    trigger:\n      intents: [thanks]\n    steps:\n      - confirm: { ask: sure_q }\n      - goto: order_stauts\n',
      );
      await writeFile(join(dir, 'flows', 'small-talk.yaml'), 'flows:\n  - name: greet\n    trigger: { intents: [greet] }\n    steps:\n      - say: greet\n  - name: goodbye\n    trigger: { intents: [goodbye] }\n    steps:\n      - say: goodbye\n  - name: help\n    trigger: { intents: [help] }\n    steps:\n      - say: help\n');
    });
    const errors = problems.filter((problem) => problem.severity === 'error');
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'flows/extra.yaml', line: 6, message: expect.stringContaining('unknown response "sure_q"') }),
        expect.objectContaining({ file: 'flows/extra.yaml', line: 7, message: expect.stringContaining('unknown flow "order_stauts"'), hint: expect.stringContaining('order_status') }),
      ]),
    );
  });
});

describe('unreachable steps', () => {
  it('are errors at the first step that can never run', async () => {
    const problems = await problemsOfShopCopy((dir) =>
      writeFile(
        join(dir, 'flows', 'small-talk.yaml'),
        'flows:\n  - name: greet\n    trigger: { intents: [greet] }\n    steps:\n      - end: true\n        say: greet\n      - say: goodbye\n  - name: goodbye\n    trigger: { intents: [goodbye] }\n    steps:\n      - if: { slot: order_number, exists: true }\n        end: true\n      - say: goodbye\n  - name: thanks\n    trigger: { intents: [thanks] }\n    steps:\n      - say: thanks\n  - name: help\n    trigger: { intents: [help] }\n    steps:\n      - say: help\n',
      ),
    );
    const unreachable = problems.filter((problem) => problem.message.includes('can never run'));
    expect(unreachable).toEqual([expect.objectContaining({ severity: 'error', file: 'flows/small-talk.yaml', line: 7, message: expect.stringContaining('step 2 of flow "greet"') })]);
  });
});

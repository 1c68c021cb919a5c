import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isParleyError } from '../../src/core/index.js';
import { formatProblems, loadBotFolder, loadBotOrThrow } from '../../src/bot/index.js';
import { readSeedOrders } from '../../src/demo/index.js';
import { errorsOf, expectProblem, removeWrittenBots, writeBot, yaml } from './bot-fixture.js';

const shopDir = path.resolve('bots/shop');

afterAll(removeWrittenBots);

describe('the demo bot (bots/shop)', () => {
  it('loads with no errors and no warnings', async () => {
    const { bot, problems } = await loadBotFolder(shopDir);
    expect(formatProblems('bots/shop', problems)).toBe('');
    expect(bot).not.toBeNull();
  });

  it('defines the shop intents, each with 8–15 examples', async () => {
    const { bot } = await loadBotOrThrow(shopDir);
    expect(bot.config.name).toBe('shop');
    expect(bot.intents.map((intent) => intent.name).sort()).toEqual(
      ['cancel', 'change_address', 'delivery_times', 'goodbye', 'greet', 'help', 'human', 'leave_message', 'oos', 'order_status', 'returns_policy', 'shipping_info', 'start_return', 'thanks'].sort(),
    );
    for (const intent of bot.intents) {
      if (intent.name === 'oos') continue;
      expect(intent.examples.length, intent.name).toBeGreaterThanOrEqual(8);
      expect(intent.examples.length, intent.name).toBeLessThanOrEqual(15);
    }
    const orderExamples = bot.intents.find((intent) => intent.name === 'order_status')!.examples;
    expect(orderExamples).toEqual(expect.arrayContaining(["where's my order", 'wheres my package', 'track order 12345']));
    const greet = bot.intents.find((intent) => intent.name === 'greet')!;
    expect(greet.patterns.some((pattern) => new RegExp(pattern, 'u').test('hello!'))).toBe(true);
  });

  it('has one flow per intent (out-of-scope examples go to the fallback), and an order_status flow that collects, validates, looks up and answers', async () => {
    const { bot } = await loadBotOrThrow(shopDir);
    const triggers = bot.flows.flatMap((flow) => flow.trigger.intents);
    // oos examples go to the fallback; cancel is dialogue.cancel_intent, which stops the flow in progress.
    expect([...triggers].sort()).toEqual(bot.intents.map((intent) => intent.name).filter((name) => name !== 'oos' && name !== 'cancel').sort());
    expect(bot.config.dialogue.cancel_intent).toBe('cancel');
    expect(bot.intents.find((intent) => intent.name === 'oos')!.examples.length).toBeGreaterThanOrEqual(10);

    const orderFlow = bot.flows.find((flow) => flow.name === 'order_status')!;
    const [collect, call, ...answers] = orderFlow.steps;
    expect(collect).toMatchObject({ collect: 'order_number', entity: 'order_number', ask: 'ask_order_number', validate: { pattern: '^\\d{5}$', invalid: 'invalid_order_number' } });
    expect(call).toMatchObject({ call: 'orders.get', with: { id: '{order_number}' }, save_as: 'order', on_not_found: 'order_not_found', on_error: 'orders_unavailable' });
    const statuses = answers.map((step) => step.if?.equals);
    expect(statuses).toEqual(['processing', 'shipped', 'out_for_delivery', 'delivered', 'cancelled']);
    expect(bot.responses.ask_order_number![0]!.text).toBe("What's your order number? It's the 5-digit number in your confirmation email.");
    expect(bot.responses.order_not_found!.every((variation) => variation.text.includes('{order_number}'))).toBe(true);

    const human = bot.flows.find((flow) => flow.name === 'human')!;
    expect(human.steps[0]).toMatchObject({ handoff: { reason: 'user asked for a human', say: 'handoff_requested' } });
  });

  it('extracts order numbers with a 5-digit regex entity', async () => {
    const { bot } = await loadBotOrThrow(shopDir);
    const entity = bot.entities.find((candidate) => candidate.name === 'order_number');
    expect(entity).toMatchObject({ type: 'regex' });
    const pattern = new RegExp(entity!.type === 'regex' ? entity!.pattern : '', 'u');
    expect(pattern.exec('track order 12345')?.[0]).toBe('12345');
    expect(pattern.test('call me at 0612345678')).toBe(false);
  });

  it('offers the same topic buttons in help and in the fallback', async () => {
    const { bot } = await loadBotOrThrow(shopDir);
    const payloads = ['/order_status', '/shipping_info', '/returns_policy', '/human'];
    expect(bot.responses.help![0]!.buttons!.map((button) => button.payload)).toEqual(payloads);
    for (const variation of bot.responses.fallback!) expect(variation.buttons!.map((button) => button.payload)).toEqual(payloads);
    expect(bot.config.fallback.response).toBe('fallback');
  });

  it('calls its orders service over HTTP, whose seed has an order in every status', async () => {
    const { bot } = await loadBotOrThrow(shopDir);
    const orders = bot.config.connectors.orders!;
    expect(orders.type).toBe('http');
    expect(orders.type === 'http' ? Object.keys(orders.operations).sort() : []).toEqual(['create_return', 'get', 'update_address']);
    expect(Object.keys(bot.actions ?? {}).sort()).toEqual(['check_return_eligibility', 'parse_address']);
    const seed = [...(await readSeedOrders(path.join(shopDir, 'data/orders.yaml'))).values()];
    expect(seed.length).toBeGreaterThanOrEqual(6);
    for (const order of seed) expect(order.id).toMatch(/^\d{5}$/);
    expect(new Set(seed.map((order) => order.status))).toEqual(new Set(['processing', 'shipped', 'out_for_delivery', 'delivered', 'cancelled']));
  });

  it('has a content hash that is stable and changes with any file', async () => {
    const first = await loadBotOrThrow(shopDir);
    const second = await loadBotOrThrow(shopDir);
    expect(first.bot.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.bot.contentHash).toBe(first.bot.contentHash);

    const copy = await writeBot({}, {});
    await cp(shopDir, copy, { recursive: true });
    expect((await loadBotOrThrow(copy)).bot.contentHash).toBe(first.bot.contentHash);
    const actionFile = path.join(copy, 'actions/parse-address.ts');
    await writeFile(actionFile, (await readFile(actionFile, 'utf8')).replace('tidy(city)', 'tidy(city).toUpperCase()'));
    expect((await loadBotOrThrow(copy)).bot.contentHash).not.toBe(first.bot.contentHash);
  });
});

describe('loadBotFolder', () => {
  it('loads the mini fixture clean (the baseline every other test breaks)', async () => {
    const { bot, problems } = await loadBotFolder(await writeBot());
    expect(problems).toEqual([]);
    expect(bot?.config).toMatchObject({ name: 'mini', language: 'en', fallback: { response: 'fallback' }, nlu: { seed: 42, time_zone: 'UTC' } });
    expect(bot?.config.nlu.threshold).toBeUndefined();
  });

  it('ignores files it does not know', async () => {
    const dir = await writeBot({ 'README.md': '# notes {', 'intents/notes.txt': 'not yaml: [', 'scratch.yaml': 'broken: [' });
    const { bot, problems } = await loadBotFolder(dir);
    expect(problems).toEqual([]);
    expect(bot).not.toBeNull();
  });

  it('accepts .yml files in intents/ and flows/', async () => {
    const dir = await writeBot({
      'intents/more.yml': yaml(`
        intents:
          - name: bye
            examples: [bye, see you]
      `),
    });
    const { bot, problems } = await loadBotFolder(dir);
    expect(problems).toEqual([]);
    expect(bot?.intents.map((intent) => intent.name)).toEqual(['greet', 'bye']);
  });

  it('reports a missing folder', async () => {
    const { bot, problems } = await loadBotFolder(path.join(await writeBot(), 'nope'));
    expect(bot).toBeNull();
    expectProblem(problems, { file: '.', line: 1, severity: 'error', message: 'does not exist' });
  });

  it('reports a missing bot.yaml and a missing responses.yaml', async () => {
    const { bot, problems } = await loadBotFolder(await writeBot({ 'bot.yaml': null, 'responses.yaml': null }));
    expect(bot).toBeNull();
    expectProblem(problems, { file: 'bot.yaml', line: 1, column: 1, severity: 'error', message: 'bot.yaml is missing', hint: 'create bot.yaml' });
    expectProblem(problems, { file: 'responses.yaml', line: 1, column: 1, severity: 'error', message: 'responses.yaml is missing', hint: 'fallback' });
  });

  it('suggests renaming bot.yml', async () => {
    const { problems } = await loadBotFolder(await writeBot({ 'bot.yaml': null, 'bot.yml': 'name: mini\n' }));
    expectProblem(problems, { file: 'bot.yaml', line: 1, severity: 'error', hint: 'rename bot.yml to bot.yaml' });
  });

  it('returns the bot with its warnings when there are only warnings', async () => {
    const dir = await writeBot({
      'intents/main.yaml': yaml(`
        intents:
          - name: greet
            examples: [hi]
      `),
    });
    const { bot, problems } = await loadBotFolder(dir);
    expect(bot).not.toBeNull();
    expect(problems).toHaveLength(1);
    const loaded = await loadBotOrThrow(dir);
    expect(loaded.warnings).toEqual(problems);
  });

  it('reports every problem in one pass, across all files', async () => {
    const dir = await writeBot({
      'bot.yaml': yaml(`
        name: mini
        langauge: en
        error_response: oops
      `),
      'intents/main.yaml': yaml(`
        intents:
          - name: greet
            examples: [hi, hello]
          - name: bye
            patterns: ['(']
      `),
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [greet, farewell] }
            steps:
              - say: greeting
              - colect: name
      `),
      'responses.yaml': yaml(`
        responses:
          fallback:
            - text: {name}
      `),
    });
    const { bot, problems } = await loadBotFolder(dir);
    expect(bot).toBeNull();
    const places = problems.map((problem) => `${problem.file}:${problem.line} ${problem.severity}`);
    expect(places).toEqual([
      'bot.yaml:2 error', // unknown key langauge
      'bot.yaml:3 error', // error response oops missing
      'flows/main.yaml:3 error', // unknown intent farewell
      'flows/main.yaml:5 error', // unknown response greeting, though the flow has a broken step
      'flows/main.yaml:6 error', // step without an action
      'intents/main.yaml:5 error', // bye: invalid pattern
      'responses.yaml:3 error', // {name} read as a mapping
    ]);
  });
});

describe('loadBotOrThrow', () => {
  it('throws PARLEY_BOT_INVALID with every problem formatted and attached', async () => {
    const dir = await writeBot({ 'responses.yaml': null, 'flows/main.yaml': 'flows: []\n' });
    const error = await loadBotOrThrow(dir).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isParleyError(error, 'PARLEY_BOT_INVALID')).toBe(true);
    if (!isParleyError(error)) return;
    expect(error.message).toContain(`${dir}/responses.yaml:1:1 error: responses.yaml is missing`);
    expect(error.message).toContain(`${dir}/flows/main.yaml:1:8 error:`);
    expect(error.message).toContain('2 errors');
    const problems = error.details?.problems as unknown[];
    expect(errorsOf(problems as never)).toHaveLength(2);
  });

  it('returns the bot and no warnings for a clean folder', async () => {
    const { bot, warnings } = await loadBotOrThrow(await writeBot());
    expect(bot.flows).toHaveLength(1);
    expect(warnings).toEqual([]);
  });
});

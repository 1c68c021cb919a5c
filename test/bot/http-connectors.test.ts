import { afterAll, describe, expect, it } from 'vitest';
import { loadBotFolder } from '../../src/bot/index.js';
import { errorsOf, expectProblem, removeWrittenBots, writeBot, yaml } from './bot-fixture.js';

afterAll(removeWrittenBots);

const httpBot = (extra = ''): string =>
  yaml(`
    name: mini
    connectors:
      orders:
        type: http
        base_url: \${ORDERS_API_URL}/v1
        auth: { type: bearer, token_env: ORDERS_API_TOKEN }
        operations:
          get_order:
            path: /customers/{customer}/orders/{id}
            response:
              type: object
              properties: { status: { type: string } }
              required: [status]
          cancel_order:
            method: POST
            path: /orders/{id}/cancel
  `) + extra;

const flowCalling = (call: string, withArgs: string): string =>
  yaml(`
    flows:
      - name: greet
        trigger: { intents: [greet] }
        steps:
          - collect: order_number
            ask: greet
          - call: ${call}
            with: ${withArgs}
            save_as: order
          - say: greet
  `);

async function problemsOf(files: Record<string, string | null>) {
  return (await loadBotFolder(await writeBot(files))).problems;
}

describe('HTTP connectors in the bot validator', () => {
  it('accept a call that names an operation and gives every path placeholder, extra arguments included', async () => {
    const { bot, problems } = await loadBotFolder(
      await writeBot({
        'bot.yaml': httpBot(),
        'flows/main.yaml': flowCalling('orders.get_order', '{ customer: "c1", id: "{order_number}", verbose: "yes" }'),
      }),
    );
    expect(problems).toEqual([]);
    expect(bot?.config.connectors.orders).toMatchObject({ type: 'http', base_url: '${ORDERS_API_URL}/v1', timeout_ms: 3000, retries: 2 });
    expect(bot?.connectorData).toEqual({});
  });

  it('report an operation the connector does not declare, with the closest name', async () => {
    const problems = await problemsOf({ 'bot.yaml': httpBot(), 'flows/main.yaml': flowCalling('orders.get_ordr', '{ customer: "c1", id: "1" }') });
    expectProblem(problems, {
      file: 'flows/main.yaml',
      line: 7,
      severity: 'error',
      message: 'connector "orders" (http) has no operation "get_ordr"',
      hint: 'did you mean "get_order"?',
    });
    expectProblem(problems, { file: 'flows/main.yaml', line: 7, severity: 'error', hint: '"orders" has: orders.get_order, orders.cancel_order' });
  });

  it('report a path placeholder that "with" does not give, at the step', async () => {
    const problems = await problemsOf({ 'bot.yaml': httpBot(), 'flows/main.yaml': flowCalling('orders.get_order', '{ customr: "c1", id: "1" }') });
    expect(errorsOf(problems)).toHaveLength(1);
    expectProblem(problems, {
      file: 'flows/main.yaml',
      line: 8,
      severity: 'error',
      message: 'orders.get_order needs the argument "customer" in "with"',
      hint: 'did you mean "customer" instead of "customr"?',
    });
  });

  it('report a call without "with" to an operation with placeholders', async () => {
    const problems = await problemsOf({
      'bot.yaml': httpBot(),
      'flows/main.yaml': yaml(`
        flows:
          - name: greet
            trigger: { intents: [greet] }
            steps:
              - call: orders.cancel_order
                save_as: cancelled
      `),
    });
    expectProblem(problems, { file: 'flows/main.yaml', line: 5, severity: 'error', message: 'orders.cancel_order needs the argument "id"', hint: 'POST /orders/{id}/cancel' });
  });

  it('report a malformed environment reference, credentials in the URL, a non-HTTP URL and a bad header name', async () => {
    const problems = await problemsOf({
      'bot.yaml': yaml(`
        name: mini
        connectors:
          lower:
            type: http
            base_url: https://\${orders_host}/api
            operations: { ping: { path: /ping } }
          secret:
            type: http
            base_url: https://user:hunter2@orders.example
            operations: { ping: { path: /ping } }
          ftp:
            type: http
            base_url: ftp://orders.example
            operations: { ping: { path: /ping } }
          header:
            type: http
            base_url: https://orders.example
            auth: { type: header, header: "X Api Key", value_env: ORDERS_KEY }
            operations: { ping: { path: /ping } }
      `),
    });
    expectProblem(problems, { file: 'bot.yaml', line: 5, severity: 'error', message: 'connector "lower": base_url refers to the environment as "${orders_host}"', hint: 'upper case' });
    expectProblem(problems, { file: 'bot.yaml', line: 9, severity: 'error', message: 'connector "secret": base_url contains a user name or password', hint: '"auth"' });
    expectProblem(problems, { file: 'bot.yaml', line: 13, severity: 'error', message: 'connector "ftp": base_url "ftp://orders.example" is not an http(s) URL' });
    expectProblem(problems, { file: 'bot.yaml', line: 18, severity: 'error', message: 'connector "header": "X Api Key" is not an HTTP header name' });
    expect(errorsOf(problems)).toHaveLength(4);
  });

  it('keep the static checks for static connectors next to HTTP ones', async () => {
    const problems = await problemsOf({
      'bot.yaml': httpBot('  lookup:\n    type: static\n    file: data/lookup.yaml\n'),
      'data/lookup.yaml': '- id: "1"\n',
      'flows/main.yaml': flowCalling('lookup.get', '{ number: "1" }'),
    });
    expectProblem(problems, { file: 'flows/main.yaml', line: 8, severity: 'error', message: 'lookup.get needs the argument "id"' });
    expectProblem(problems, { file: 'flows/main.yaml', line: 8, severity: 'warning', message: 'lookup.get ignores the argument "number"' });
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { loadBotFolder } from '../../src/bot/index.js';
import { expectProblem, removeWrittenBots, writeBot, yaml } from './bot-fixture.js';

afterAll(removeWrittenBots);

const botWith = (file: string, key?: string): string =>
  yaml(`
    name: mini
    connectors:
      orders:
        type: static
        file: ${file}
  `) + (key === undefined ? '' : `    key: ${key}\n`);

describe('static connector data', () => {
  it('loads the records of a YAML file', async () => {
    const { bot, problems } = await loadBotFolder(
      await writeBot({ 'bot.yaml': botWith('data/orders.yaml'), 'data/orders.yaml': '- id: "10001"\n  status: shipped\n- id: "10002"\n  status: delivered\n' }),
    );
    expect(problems).toEqual([]);
    expect(bot?.connectorData).toEqual({
      orders: [
        { id: '10001', status: 'shipped' },
        { id: '10002', status: 'delivered' },
      ],
    });
  });

  it('loads the records of a JSON file, looked up by another key', async () => {
    const { bot, problems } = await loadBotFolder(
      await writeBot({ 'bot.yaml': botWith('data/orders.json', 'number'), 'data/orders.json': '[{ "number": "A1", "total": 12.5 }]' }),
    );
    expect(problems).toEqual([]);
    expect(bot?.connectorData.orders).toEqual([{ number: 'A1', total: 12.5 }]);
    expect(bot?.config.connectors.orders).toEqual({ type: 'static', file: 'data/orders.json', key: 'number' });
  });

  it('reports a missing file at the "file" of bot.yaml, with the closest existing file', async () => {
    const { bot, problems } = await loadBotFolder(await writeBot({ 'bot.yaml': botWith('data/order.yaml'), 'data/orders.yaml': '- id: "1"\n' }));
    expect(bot).toBeNull();
    expectProblem(problems, { file: 'bot.yaml', line: 5, column: 11, severity: 'error', message: 'data file data/order.yaml not found', hint: 'did you mean "data/orders.yaml"?' });
  });

  it('reports data that is not a list of records', async () => {
    const { problems } = await loadBotFolder(await writeBot({ 'bot.yaml': botWith('data/orders.yaml'), 'data/orders.yaml': 'orders:\n  - id: "1"\n' }));
    expectProblem(problems, { file: 'data/orders.yaml', line: 1, column: 1, severity: 'error', message: 'should be a list of records, found a mapping', hint: '- id:' });
  });

  it('reports a record that is not a mapping', async () => {
    const { problems } = await loadBotFolder(
      await writeBot({ 'bot.yaml': botWith('data/orders.json'), 'data/orders.json': '[\n  { "id": "1" },\n  "2"\n]\n' }),
    );
    expectProblem(problems, { file: 'data/orders.json', line: 3, column: 3, severity: 'error', message: 'record 2 should be a mapping of fields, found the text "2"', hint: '{ "id": … }' });
  });

  it('reports YAML errors in the data file', async () => {
    const { problems } = await loadBotFolder(await writeBot({ 'bot.yaml': botWith('data/orders.yaml'), 'data/orders.yaml': '- id: "1"\n  status: [shipped\n' }));
    expect(problems.some((problem) => problem.file === 'data/orders.yaml' && problem.severity === 'error' && problem.line >= 2)).toBe(true);
  });

  it('refuses a file outside the bot folder', async () => {
    const { problems } = await loadBotFolder(await writeBot({ 'bot.yaml': botWith('../elsewhere.yaml') }));
    expectProblem(problems, { file: 'bot.yaml', line: 5, severity: 'error', message: 'outside the bot folder' });
  });

  it('warns about records a lookup cannot find or cannot tell apart', async () => {
    const { bot, problems } = await loadBotFolder(
      await writeBot({
        'bot.yaml': botWith('data/orders.yaml'),
        'data/orders.yaml': yaml(`
          - id: "10001"
          - ID: "10002"
          - id: 01234
          - id: "10001"
        `),
      }),
    );
    expect(bot).not.toBeNull();
    expectProblem(problems, { file: 'data/orders.yaml', line: 2, severity: 'warning', message: 'record 2 has no "id"', hint: 'did you mean "ID"?' });
    expectProblem(problems, { file: 'data/orders.yaml', line: 3, column: 7, severity: 'warning', message: '01234 is read as the number 1234', hint: '"01234"' });
    expectProblem(problems, { file: 'data/orders.yaml', line: 4, severity: 'warning', message: '"10001" appears twice', hint: 'data/orders.yaml:1' });
  });
});

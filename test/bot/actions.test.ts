import { afterEach, describe, expect, it } from 'vitest';
import { loadBotFolder } from '../../src/bot/index.js';
import { removeWrittenBots, writeBot, yaml } from './bot-fixture.js';

/** TypeScript actions in the bot folder: compiled at load, named by file, checked against the flows. */

afterEach(removeWrittenBots);

const flowRunning = (action: string, extra = '') =>
  yaml(`
    flows:
      - name: greet
        trigger: { intents: [greet] }
        steps:
          - action: ${action}
            sets: [mood]${extra}
          - say: greet
  `);

const setsMood = `
import type { Action } from 'parley/actions';
import { moodOf } from './lib/mood.js';
const action: Action = {
  run(ctx) {
    ctx.setSlot('mood', moodOf(ctx.context.text));
  },
};
export default action;
`;

describe('bot folder actions', () => {
  it('loads a TypeScript action, bundling what it imports from the bot folder', async () => {
    const dir = await writeBot({
      'flows/main.yaml': flowRunning('cheer_up'),
      'actions/cheer-up.ts': setsMood,
      'actions/lib/mood.ts': 'export function moodOf(text: string): string { return text.includes("!") ? "happy" : "calm"; }\n',
    });
    const { bot, problems } = await loadBotFolder(dir);
    expect(problems).toEqual([]);
    const action = bot?.actions?.cheer_up;
    expect(action).toBeDefined();
    const set: [string, unknown][] = [];
    await action!.run({
      slots: {},
      entities: [],
      context: { conversationId: 'c', turnId: 't', text: 'hi!', intent: 'greet', confidence: 1, flow: 'greet', recentTurns: [] },
      connectors: { call: () => Promise.reject(new Error('no connectors')) },
      reply: () => undefined,
      setSlot: (name, value) => set.push([name, value]),
      signal: new AbortController().signal,
    });
    expect(set).toEqual([['mood', 'happy']]);
  });

  it('reports an action a flow runs that the folder does not have, with a suggestion', async () => {
    const dir = await writeBot({ 'flows/main.yaml': flowRunning('cheer_upp'), 'actions/cheer-up.ts': setsMood, 'actions/lib/mood.ts': 'export const moodOf = () => "calm";\n' });
    const { bot, problems } = await loadBotFolder(dir);
    expect(bot).toBeNull();
    const problem = problems.find((candidate) => candidate.message.includes('unknown action'));
    expect(problem).toMatchObject({ severity: 'error', file: 'flows/main.yaml', line: 5, message: 'flow "greet" runs unknown action "cheer_upp"' });
    expect(problem?.hint).toContain('cheer_up');
    // The file that is there is then never run: a warning of its own.
    expect(problems.some((candidate) => candidate.severity === 'warning' && candidate.message === 'no flow runs the action "cheer_up"')).toBe(true);
  });

  it('reports a syntax error in an action with its file, line and column', async () => {
    const dir = await writeBot({
      'flows/main.yaml': flowRunning('broken'),
      'actions/broken.ts': 'import type { Action } from "parley/actions";\nconst action: Action = {\n  run(ctx) { ctx.setSlot("mood" "x") }\n};\nexport default action;\n',
    });
    const { bot, problems } = await loadBotFolder(dir);
    expect(bot).toBeNull();
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', file: 'actions/broken.ts', line: 3 })]);
  });

  it('reports a file without an action as its default export, and a file name that is no action name', async () => {
    const dir = await writeBot({
      'flows/main.yaml': flowRunning('no_default'),
      'actions/no-default.ts': 'export const run = () => undefined;\n',
      'actions/Bad Name.ts': 'export default { run() {} };\n',
    });
    const { problems } = await loadBotFolder(dir);
    expect(problems.map((problem) => [problem.file, problem.message])).toEqual(
      expect.arrayContaining([
        ['actions/no-default.ts', 'actions/no-default.ts does not export an action as default'],
        ['actions/Bad Name.ts', '"Bad Name.ts" is not a valid action file name'],
      ]),
    );
  });

  it('reports an action that throws while loading', async () => {
    const dir = await writeBot({ 'flows/main.yaml': flowRunning('explodes'), 'actions/explodes.ts': 'throw new Error("kaboom");\nexport default { run() {} };\n' });
    const { problems } = await loadBotFolder(dir);
    expect(problems).toEqual([expect.objectContaining({ file: 'actions/explodes.ts', message: 'the action failed while loading: kaboom' })]);
  });

  it('counts slots an action declares under "sets" as filled, and an action file in the content hash', async () => {
    const flows = yaml(`
      flows:
        - name: greet
          trigger: { intents: [greet] }
          steps:
            - action: cheer_up
              sets: [mood]
            - if: { slot: mood, equals: happy }
              say: greet
    `);
    const action = 'export default { run(ctx: { setSlot(name: string, value: unknown): void }) { ctx.setSlot("mood", "happy"); } };\n';
    const first = await loadBotFolder(await writeBot({ 'flows/main.yaml': flows, 'actions/cheer-up.ts': action }));
    expect(first.problems).toEqual([]);
    const changed = await loadBotFolder(await writeBot({ 'flows/main.yaml': flows, 'actions/cheer-up.ts': action.replace('happy', 'glad') }));
    expect(changed.bot?.contentHash).not.toBe(first.bot?.contentHash);
  });

  it('changes the content hash when a file an action imports changes', async () => {
    const files = { 'flows/main.yaml': flowRunning('cheer_up'), 'actions/cheer-up.ts': setsMood };
    const calm = await loadBotFolder(await writeBot({ ...files, 'actions/lib/mood.ts': 'export const moodOf = (_text: string) => "calm";\n' }));
    const glad = await loadBotFolder(await writeBot({ ...files, 'actions/lib/mood.ts': 'export const moodOf = (_text: string) => "glad";\n' }));
    expect(calm.problems).toEqual([]);
    expect(glad.bot?.contentHash).not.toBe(calm.bot?.contentHash);
  });
});

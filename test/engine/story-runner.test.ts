import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStories } from '../../src/engine/index.js';
import { slotValue, valueMatches } from '../../src/engine/stories/expectations.js';
import { parseStoryFile } from '../../src/engine/stories/story-file.js';
import { startDemoServices } from '../../src/demo/index.js';

/** A small bot whose patterns decide every intent, so the stories below do not depend on training. */
const tinyBot: Record<string, string> = {
  'bot.yaml': 'name: tiny\n',
  'intents/main.yaml': `intents:
  - name: greet
    patterns: ['^(hi|hello)[!. ]*$']
    examples: [hi, hello, hello there, good morning]
  - name: human
    patterns: ['^(agent|human)[!. ]*$']
    examples: [agent, human, talk to a person, a real human please]
`,
  'responses.yaml': `responses:
  fallback:
    - text: Sorry, I did not get that.
  greet:
    - text: Hello! How can I help?
      buttons:
        - { title: Talk to a person, payload: /human }
  handoff:
    - text: A person will take over.
`,
  'flows/main.yaml': `flows:
  - name: greet
    trigger: { intents: [greet] }
    steps:
      - say: greet
  - name: human
    trigger: { intents: [human] }
    steps:
      - handoff: { reason: asked for a person, say: handoff }
`,
};

const passingStories = `stories:
  - name: greeting
    steps:
      - user: hello
        intent: greet
        bot: [Hello! How can I help?]
        buttons: [Talk to a person]
        actions: []
        handoff: false
  - name: a person, by button
    steps:
      - user: hi
        bot: /how can i help/i
      - user: /human
        intent: human
        bot: [/person will take over/]
        buttons: []
        handoff: true
`;

const created: string[] = [];

async function writeBot(files: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'parley-stories-'));
  created.push(directory);
  for (const [relative, content] of Object.entries({ ...tinyBot, ...files })) {
    await mkdir(dirname(join(directory, relative)), { recursive: true });
    await writeFile(join(directory, relative), content);
  }
  return directory;
}

afterAll(async () => {
  await Promise.all(created.map((directory) => rm(directory, { recursive: true, force: true })));
});

describe('runStories', () => {
  it('passes stories whose every expectation holds', async () => {
    const report = await runStories(await writeBot({ 'tests/basics.yaml': passingStories }));
    expect(report.problems).toEqual([]);
    expect(report.bot).toBe('tiny');
    expect(report.files).toEqual(['tests/basics.yaml']);
    expect(report.stories.map((story) => [story.name, story.passed])).toEqual([
      ['greeting', true],
      ['a person, by button', true],
    ]);
    expect(report).toMatchObject({ passed: 2, failed: 0, skipped: 0 });
  });

  it('reports the failing step with every difference, expected against actual, and goes on with the next story', async () => {
    const directory = await writeBot({
      'tests/failing.yaml': `stories:
  - name: wrong expectations
    steps:
      - user: hello
        intent: greet
      - user: hi
        intent: human
        bot:
          - /goodbye/
        buttons: []
        actions: [crm.lookup]
        handoff: true
      - user: never reached
  - name: a good one
    steps:
      - user: agent
        handoff: true
`,
    });
    const report = await runStories(directory);
    expect(report).toMatchObject({ passed: 1, failed: 1 });
    const failed = report.stories[0]!;
    expect(failed).toMatchObject({ name: 'wrong expectations', file: 'tests/failing.yaml', line: 2, passed: false, steps: 3 });
    expect(failed.failure).toMatchObject({ step: 2, line: 6, user: 'hi', error: null });
    const mismatches = failed.failure!.mismatches;
    expect(mismatches.map((mismatch) => mismatch.field)).toEqual(['intent', 'bot', 'buttons', 'actions', 'handoff']);
    const byField = Object.fromEntries(mismatches.map((mismatch) => [mismatch.field, mismatch]));
    expect(byField.intent).toMatchObject({ expected: 'human', actual: 'greet' });
    expect(byField.intent!.diff[0]).toEqual({ sign: '-', text: 'human' });
    expect(byField.intent!.diff[1]!.sign).toBe('+');
    expect(byField.intent!.diff[1]!.text).toMatch(/^greet \(confidence 1\.00, pattern\)$/);
    // Replies are shown in full.
    expect(byField.bot!.diff).toEqual([
      { sign: '-', text: '/goodbye/' },
      { sign: '+', text: 'Hello! How can I help?' },
    ]);
    expect(byField.buttons).toMatchObject({ expected: [], actual: ['Talk to a person'] });
    expect(byField.actions).toMatchObject({ expected: ['crm.lookup'], actual: [] });
    expect(byField.handoff!.diff).toEqual([
      { sign: '-', text: 'handoff requested' },
      { sign: '+', text: 'no handoff' },
    ]);
    expect(report.stories[1]).toMatchObject({ name: 'a good one', passed: true });
  });

  it('compares entities and slots as subsets, with dotted paths into a slot, on the demo bot', async () => {
    const demo = await startDemoServices({ seedFile: 'bots/shop/data/orders.yaml' });
    const report = await runStories('bots/shop', { filter: 'order status with the number in the first message', env: { ...process.env, PARLEY_URL: demo.url } }).finally(() => demo.close());
    expect(report.problems).toEqual([]);
    expect(report.stories).toHaveLength(1);
    expect(report.stories[0]!.passed).toBe(true);
    expect(report.skipped).toBeGreaterThan(10);
  });

  it('turns a step that throws into a failure with its message, not a crash', async () => {
    const directory = await writeBot({
      'tests/throws.yaml': `stories:
  - name: a message too long for the engine
    steps:
      - user: ${'x'.repeat(4001)}
  - name: greeting
    steps:
      - user: hi
        intent: greet
`,
    });
    const report = await runStories(directory);
    expect(report.stories[0]).toMatchObject({ passed: false, failure: { step: 1, line: 4, mismatches: [] } });
    expect(report.stories[0]!.failure!.error).toMatch(/at most 4000 characters/);
    expect(report.stories[1]!.passed).toBe(true);
  });

  it('runs only the stories whose name or file contains the filter', async () => {
    const directory = await writeBot({ 'tests/basics.yaml': passingStories });
    const report = await runStories(directory, { filter: 'BUTTON' });
    expect(report.stories.map((story) => story.name)).toEqual(['a person, by button']);
    expect(report).toMatchObject({ passed: 1, failed: 0, skipped: 1 });
    const none = await runStories(directory, { filter: 'no such story' });
    expect(none).toMatchObject({ stories: [], passed: 0, failed: 0, skipped: 2, bot: null });
  });

  it('reports a mistake in a story file with its file and line, and runs nothing', async () => {
    const directory = await writeBot({
      'tests/basics.yaml': passingStories,
      'tests/broken.yaml': `stories:
  - name: typo
    steps:
      - usr: hello
        intent: greet
      - user: hi
        handoff: yes please
        bot:
          - /unclosed(/
`,
    });
    const report = await runStories(directory);
    expect(report.stories).toEqual([]);
    expect(report.bot).toBeNull();
    expect(report.problems).toEqual([
      expect.objectContaining({ file: 'tests/broken.yaml', line: 4, message: expect.stringMatching(/step 1 of story 1 has no "user"/) }),
      expect.objectContaining({ file: 'tests/broken.yaml', line: 4, message: expect.stringMatching(/unknown key "usr".*did you mean "user"/) }),
      expect.objectContaining({ file: 'tests/broken.yaml', line: 7, message: expect.stringMatching(/handoff .*expected true or false/) }),
      expect.objectContaining({ file: 'tests/broken.yaml', line: 9, message: expect.stringMatching(/invalid regular expression \/unclosed\(\//) }),
    ]);
  });

  it('reports an intent the bot does not have, and "oos" written for out of scope, at their lines', async () => {
    const directory = await writeBot({
      'tests/intents.yaml': `stories:
  - name: typo in an intent
    steps:
      - user: hi
        intent: greeet
      - user: bye
        intent: oos
`,
    });
    const report = await runStories(directory);
    expect(report.stories).toEqual([]);
    expect(report.problems).toEqual([
      { file: 'tests/intents.yaml', line: 5, column: 17, message: expect.stringMatching(/no intent "greeet"; its intents are greet, human/) },
      { file: 'tests/intents.yaml', line: 7, column: 17, message: expect.stringMatching(/intent: null/) },
    ]);
  });

  it('finds no stories in a bot folder without tests/', async () => {
    const report = await runStories(await writeBot({}));
    expect(report).toMatchObject({ files: [], stories: [], problems: [], passed: 0, failed: 0 });
  });
});

describe('story files', () => {
  it('report YAML syntax errors and empty files, and give stories and steps their lines', () => {
    expect(parseStoryFile('tests/a.yaml', 'stories:\n  - name: "open\n').problems[0]).toMatchObject({ file: 'tests/a.yaml', line: 3 });
    expect(parseStoryFile('tests/a.yaml', '').problems[0]!.message).toMatch(/empty/);
    expect(parseStoryFile('tests/a.yaml', 'stories: []\n').problems[0]!.message).toMatch(/no stories/);
    const { stories, problems } = parseStoryFile('tests/a.yaml', 'stories:\n  - name: one\n    steps:\n      - user: hi\n        bot: /HI/i\n');
    expect(problems).toEqual([]);
    expect(stories[0]).toMatchObject({ name: 'one', line: 2, steps: [{ index: 1, line: 4, user: 'hi' }] });
    expect(stories[0]!.steps[0]!.bot![0]).toMatchObject({ kind: 'pattern', source: '/HI/i' });
  });
});

describe('expected values', () => {
  it('compare scalars as text, maps as subsets, and null as not set', () => {
    expect(valueMatches('20481', '20481')).toBe(true);
    expect(valueMatches(20481, '20481')).toBe(true);
    expect(valueMatches('20481', '20482')).toBe(false);
    expect(valueMatches({ status: 'shipped' }, { status: 'shipped', carrier: 'DHL' })).toBe(true);
    expect(valueMatches({ status: 'shipped' }, 'shipped')).toBe(false);
    expect(valueMatches(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(valueMatches(['a'], ['a', 'b'])).toBe(false);
    expect(valueMatches(null, undefined)).toBe(true);
    expect(valueMatches(null, '')).toBe(false);
  });

  it('read a slot by name or a field inside it by a dotted path', () => {
    const slots = { order: { status: 'shipped', carrier: { name: 'DHL' } }, 'odd.name': 1 };
    expect(slotValue(slots, 'order.status')).toBe('shipped');
    expect(slotValue(slots, 'order.carrier.name')).toBe('DHL');
    expect(slotValue(slots, 'odd.name')).toBe(1);
    expect(slotValue(slots, 'order.missing')).toBeUndefined();
    expect(slotValue(slots, 'nothing')).toBeUndefined();
  });
});

import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/server-process.js';

/** `parley test` as CI runs it: the demo bot's conversation tests, through the CLI, in a child process. */

function parley(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, PARLEY_LOG_LEVEL: 'silent' },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'parley-test-command-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('parley test', () => {
  it('runs the demo bot stories: every one passes', () => {
    const result = parley(['test', 'bots/shop', '--demo']);
    if (result.code !== 0) console.error(result.stdout, result.stderr);
    expect(result.code).toBe(0);
    const summary = /^(\d+) passed, 0 failed$/m.exec(result.stdout);
    expect(summary).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThanOrEqual(45);
    expect(result.stdout).toContain('✓ order status with the number in the first message');
    expect(result.stdout).not.toContain('✗');
    // The summary is the last line.
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed$/);
  });

  it('shows a failing story with a diff and exits 1', async () => {
    const bot = join(scratch, 'failing');
    await cp(join(repoRoot, 'bots/shop'), bot, { recursive: true });
    await writeFile(
      join(bot, 'tests', 'zz-broken.yaml'),
      `stories:
  - name: a story that expects the wrong carrier
    steps:
      - user: where is my order 20481?
        intent: order_status
        slots: { order.carrier: UPS }
        bot:
          - /shipped with UPS/
`,
    );
    const result = parley(['test', bot, '--filter', 'wrong carrier', '--demo']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ a story that expects the wrong carrier');
    expect(result.stdout).toContain('tests/zz-broken.yaml:2');
    expect(result.stdout).toMatch(/step 1 of 1 \(.*tests\/zz-broken\.yaml:4\), user: "where is my order 20481\?"/);
    expect(result.stdout).toMatch(/^ {6}slots\n {8}- order\.carrier: "UPS"\n {8}\+ order\.carrier: "DHL"$/m);
    expect(result.stdout).toMatch(/^ {8}- \/shipped with UPS\/$/m);
    // The actual reply is shown in full.
    expect(result.stdout).toMatch(/^ {8}\+ .*order 20481 \(trail running shoes, size 42\).*tracking number:? JD014600003828749301\.$/im);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });

  it('reports a mistake in a story file with file and line, and exits 1', async () => {
    const bot = join(scratch, 'invalid');
    await cp(join(repoRoot, 'bots/shop'), bot, { recursive: true });
    await writeFile(join(bot, 'tests', 'typo.yaml'), 'stories:\n  - name: typo\n    steps:\n      - user: hi\n        intnt: greet\n');
    const result = parley(['test', bot]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/tests\/typo\.yaml:5:9 error unknown key "intnt" in step 1 of story 1 \(did you mean "intent"\?\)/);
    expect(result.stdout).toContain('no story was run');
  });

  it('prints one JSON object with --json', () => {
    const result = parley(['test', 'bots/shop', '--filter', 'greeting', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { bot: string; passed: number; failed: number; stories: { name: string; passed: boolean }[] };
    expect(report).toMatchObject({ bot: 'shop', passed: 1, failed: 0, stories: [{ name: 'greeting', passed: true }] });
  });
});

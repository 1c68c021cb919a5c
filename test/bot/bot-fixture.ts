import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { BotProblem } from '../../src/bot/index.js';

/** Strips the first newline and the common indentation, so fixtures can be written inline and read by line number. */
export function yaml(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\n[ \t]*$/, '\n').split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length);
  const common = Math.min(...indents);
  return lines.map((line) => line.slice(common)).join('\n');
}

/** The smallest bot that loads without a single problem; tests break one thing at a time. */
export const miniBot: Readonly<Record<string, string>> = {
  'bot.yaml': 'name: mini\n',
  'responses.yaml': yaml(`
    responses:
      fallback:
        - text: Sorry, I did not get that.
      greet:
        - text: Hello!
  `),
  'intents/main.yaml': yaml(`
    intents:
      - name: greet
        examples: [hi, hello]
  `),
  'flows/main.yaml': yaml(`
    flows:
      - name: greet
        trigger: { intents: [greet] }
        steps:
          - say: greet
  `),
};

const created: string[] = [];

/** Writes a bot folder into a fresh temp dir: the mini bot, with `files` added or replaced (null removes one). */
export async function writeBot(files: Readonly<Record<string, string | null>> = {}, base: Readonly<Record<string, string>> = miniBot): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-bot-'));
  created.push(dir);
  const merged: Record<string, string | null> = { ...base, ...files };
  for (const [relative, content] of Object.entries(merged)) {
    if (content === null) continue;
    const absolute = path.join(dir, relative);
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, content);
  }
  return dir;
}

export async function removeWrittenBots(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export interface ExpectedProblem {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  readonly severity: BotProblem['severity'];
  readonly message?: string;
  readonly hint?: string;
}

/** Asserts one problem matches exactly in place and severity, and contains the given message and hint texts. */
export function expectProblem(problems: readonly BotProblem[], expected: ExpectedProblem): void {
  expect(problems).toContainEqual(
    expect.objectContaining({
      file: expected.file,
      line: expected.line,
      severity: expected.severity,
      ...(expected.column === undefined ? {} : { column: expected.column }),
      ...(expected.message === undefined ? {} : { message: expect.stringContaining(expected.message) }),
      ...(expected.hint === undefined ? {} : { hint: expect.stringContaining(expected.hint) }),
    }),
  );
}

export function errorsOf(problems: readonly BotProblem[]): BotProblem[] {
  return problems.filter((problem) => problem.severity === 'error');
}

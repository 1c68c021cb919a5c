import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/storage/index.js';
import { heldOut, outOfScope, shopIntents } from '../nlu/shop-data.js';
import { repoRoot } from '../support/server-process.js';

function parley(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, PARLEY_LOG_LEVEL: 'silent' },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const jsonl = (rows: { text: string; intent: string }[]) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'parley-nlu-cli-'));
  const train = shopIntents.flatMap((intent) => intent.examples.map((text) => ({ text, intent: intent.name })));
  await writeFile(join(scratch, 'train.jsonl'), jsonl([...train, { text: 'what is the capital of peru', intent: 'oos' }, { text: 'sing me a song', intent: 'oos' }]));
  await writeFile(join(scratch, 'test.jsonl'), jsonl([...heldOut.map(([text, intent]) => ({ text, intent })), ...outOfScope.map((text) => ({ text, intent: 'oos' }))]));
  await writeFile(join(scratch, 'rasa.yml'), 'version: "3.1"\nnlu:\n' + shopIntents.map((intent) => `- intent: ${intent.name}\n  examples: |\n${intent.examples.map((text) => `    - ${text}`).join('\n')}\n`).join(''));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('parley nlu eval', () => {
  it('prints the JSON contract external tools rely on', () => {
    const result = parley(['nlu', 'eval', '--train', join(scratch, 'train.jsonl'), '--test', join(scratch, 'test.jsonl'), '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    for (const key of ['inScopeAccuracy', 'oosRecall', 'oosPrecision', 'macroF1', 'trainMs', 'predictP50Ms', 'predictP99Ms']) {
      expect(typeof report[key], key).toBe('number');
    }
    expect(report.inScopeAccuracy).toBeGreaterThanOrEqual(0.7);
    expect(report.perIntent.length).toBe(shopIntents.length);
    expect(report.thresholdSweep.length).toBeGreaterThan(10);
  });

  it('takes Rasa NLU YAML, splits 80/20 when no test file is given, and writes an HTML report', async () => {
    const html = join(scratch, 'report.html');
    const result = parley(['nlu', 'eval', '--bot', 'bots/shop', '--html', html]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/in-scope accuracy \d+\.\d+ %/);
    expect(result.stdout).toContain('80/20 split');
    expect(await readFile(html, 'utf8')).toContain('<svg');

    const rasa = parley(['nlu', 'eval', '--train', join(scratch, 'rasa.yml'), '--test', join(scratch, 'test.jsonl'), '--json']);
    expect(rasa.code).toBe(0);
    expect(JSON.parse(rasa.stdout).counts.items).toBe(heldOut.length + outOfScope.length);
  });

  it('cross-validates with --folds', () => {
    const result = parley(['nlu', 'eval', '--train', join(scratch, 'train.jsonl'), '--folds', '3', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.folds).toHaveLength(3);
    expect(typeof report.inScopeAccuracy).toBe('number');
  });

  it('is deterministic for a seed', () => {
    const args = ['nlu', 'eval', '--bot', 'bots/shop', '--seed', '3', '--json'];
    const strip = (stdout: string) => {
      const { trainMs: _t, predictP50Ms: _p, predictP99Ms: _q, ...rest } = JSON.parse(stdout);
      return rest;
    };
    expect(strip(parley(args).stdout)).toEqual(strip(parley(args).stdout));
  });

  it('reports bad data with its line and exits 1', async () => {
    await writeFile(join(scratch, 'bad.jsonl'), '{"text":"hi","intent":"greet"}\nnot json\n{"text":"","intent":"x"}\n');
    const result = parley(['nlu', 'eval', '--train', join(scratch, 'bad.jsonl'), '--test', join(scratch, 'test.jsonl')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.jsonl:2/);
    expect(result.stderr).toMatch(/bad\.jsonl:3/);
  });
});

describe('parley nlu import', () => {
  it('adds Rasa examples to a bot folder as an intents file the validator accepts', async () => {
    const bot = join(scratch, 'import-bot');
    await cp(join(repoRoot, 'bots/shop'), bot, { recursive: true });
    await writeFile(join(scratch, 'extra.jsonl'), jsonl([{ text: 'do you sell gift cards', intent: 'gift_cards' }, { text: 'can I buy a gift card', intent: 'gift_cards' }]));
    const imported = parley(['nlu', 'import', join(scratch, 'extra.jsonl'), '--bot', bot]);
    expect(imported.code).toBe(0);
    const written = await readFile(join(bot, 'intents', 'extra.yaml'), 'utf8');
    expect(written).toContain('name: gift_cards');
    expect(written).toContain('- do you sell gift cards');
    // The new intent has no flow yet: valid, with the examples in the model.
    expect(parley(['validate', bot]).code).toBe(0);
    expect(parley(['nlu', 'import', join(scratch, 'extra.jsonl'), '--bot', bot]).code).toBe(1);
  });
});

describe('parley train', () => {
  it('trains the bot model into the data dir, where the server finds it', async () => {
    const dataDir = join(scratch, 'data');
    const result = parley(['train', 'bots/shop', '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    const hash = /Model ([0-9a-f]{12})/.exec(result.stdout)![1]!;
    const store = openSqliteStore({ file: join(dataDir, 'parley.db') });
    try {
      expect((await store.models.latest('shop'))!.hash.startsWith(hash)).toBe(true);
    } finally {
      await store.close();
    }
  });
});

import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRuntime, loadConfig, nluModelHash, type Runtime } from '../../src/engine/index.js';
import { buildApp } from '../../src/server/index.js';
import { pino } from 'pino';
import { adminKey } from '../support/harness.js';
import { repoRoot } from '../support/server-process.js';

let scratch: string;
let botDir: string;
let dataDir: string;
const open: Runtime[] = [];

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'parley-models-'));
  botDir = join(scratch, 'bot');
  dataDir = join(scratch, 'data');
  await cp(join(repoRoot, 'bots/shop'), botDir, { recursive: true });
});

afterEach(async () => {
  for (const runtime of open.splice(0)) await runtime.close();
  await rm(scratch, { recursive: true, force: true });
});

async function start(watch = false): Promise<Runtime> {
  const runtime = await createRuntime(loadConfig({ PARLEY_BOT: botDir, PARLEY_DATA_DIR: dataDir, PARLEY_WATCH_BOT: String(watch) }));
  open.push(runtime);
  return runtime;
}

async function stop(runtime: Runtime): Promise<void> {
  open.splice(open.indexOf(runtime), 1);
  await runtime.close();
}

/** Adds an example to the greet intent: new training data, so a new model version. */
async function addGreeting(text: string): Promise<void> {
  const file = join(botDir, 'intents', 'small-talk.yaml');
  const yaml = await readFile(file, 'utf8');
  const at = yaml.indexOf('examples:', yaml.indexOf('- name: greet'));
  const lineEnd = yaml.indexOf('\n', at) + 1;
  const indent = /^(\s*)- /.exec(yaml.slice(lineEnd))![1]!;
  await writeFile(file, `${yaml.slice(0, lineEnd)}${indent}- ${text}\n${yaml.slice(lineEnd)}`);
}

describe('NLU model lifecycle', () => {
  it('trains and stores the model on the first start, and loads it on the next', async () => {
    const first = await start();
    const hash = first.brain().classifier.hash;
    expect(hash).toBe(nluModelHash(first.bot));
    expect(await first.store.models.get(hash)).not.toBeNull();
    await stop(first);

    const second = await start();
    expect(second.brain().classifier.hash).toBe(hash);
    expect(second.brain().classifier.score('where is my order')).toEqual(first.brain().classifier.score('where is my order'));
  });

  it('retrains when the training data change, swaps the model, and stores both versions', async () => {
    const runtime = await start();
    const before = runtime.brain().classifier.hash;
    await addGreeting('howdy partner');
    const result = await runtime.reload();
    expect(result).toMatchObject({ status: 'reloaded', retrained: true });
    const after = runtime.brain().classifier.hash;
    expect(after).not.toBe(before);
    expect(runtime.bot.intents.find((intent) => intent.name === 'greet')!.examples).toContain('howdy partner');
    expect(await runtime.store.models.get(before)).not.toBeNull();
    expect((await runtime.store.models.latest('shop'))!.hash).toBe(after);
    expect(await runtime.reload()).toMatchObject({ status: 'unchanged', retrained: false });
  });

  it('swaps without retraining when only responses change', async () => {
    const runtime = await start();
    const model = runtime.brain().classifier.hash;
    const file = join(botDir, 'responses.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace("- text: Hi! I'm", "- text: Ahoy! Hi! I'm"));
    expect(await runtime.reload()).toMatchObject({ status: 'reloaded', retrained: false, model });
  });

  it('keeps serving the previous bot when the changed folder has errors, and says why over the API', async () => {
    const runtime = await start();
    const bot = runtime.bot;
    await writeFile(join(botDir, 'flows', 'broken.yaml'), 'flows:\n  - name: broken\n    trigger: { intents: [nope] }\n    steps:\n      - say: greet\n');
    const result = await runtime.reload();
    expect(result.status).toBe('invalid');
    expect(runtime.bot).toBe(bot);

    const app = await buildApp({ runtime, logger: pino({ level: 'silent' }) });
    try {
      const key = await adminKey(runtime);
      const response = await app.inject({ method: 'POST', url: '/v1/admin/bot/reload', headers: { authorization: `Bearer ${key}` } });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('PARLEY_BOT_RELOAD_INVALID');
      expect(response.json().error.message).toContain('broken.yaml');
    } finally {
      await app.close();
    }
  });

  it('starts on the previous model while a changed bot trains, then swaps it in', async () => {
    const first = await start();
    const old = first.brain().classifier.hash;
    await stop(first);
    await addGreeting('good day to you');
    const second = await start();
    // Served at once with the model it had; the new one arrives when its training ends.
    expect([old, nluModelHash(second.bot)]).toContain(second.brain().classifier.hash);
    for (let i = 0; i < 200 && second.brain().classifier.hash === old; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(second.brain().classifier.hash).toBe(nluModelHash(second.bot));
  });

  it('reloads by itself when the bot folder changes, if watching', async () => {
    const runtime = await start(true);
    const before = runtime.brain().classifier.hash;
    await addGreeting('hiya there');
    for (let i = 0; i < 200 && runtime.brain().classifier.hash === before; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(runtime.brain().classifier.hash).not.toBe(before);
  });

  it('serves a bot with fewer than two trainable intents on payloads and patterns alone', async () => {
    const tiny = join(scratch, 'tiny');
    await mkdir(join(tiny, 'intents'), { recursive: true });
    await mkdir(join(tiny, 'flows'), { recursive: true });
    await writeFile(join(tiny, 'bot.yaml'), 'name: tiny\n');
    await writeFile(join(tiny, 'intents', 'all.yaml'), "intents:\n  - name: greet\n    patterns: ['^hi$']\n    examples: [hello there]\n");
    await writeFile(join(tiny, 'responses.yaml'), 'responses:\n  hello:\n    - text: Hi!\n  fallback:\n    - text: Sorry?\n');
    await writeFile(join(tiny, 'flows', 'greet.yaml'), 'flows:\n  - name: greet\n    trigger: { intents: [greet] }\n    steps:\n      - say: hello\n');
    const runtime = await createRuntime(loadConfig({ PARLEY_BOT: tiny, PARLEY_DATA_DIR: dataDir, PARLEY_WATCH_BOT: 'false' }));
    open.push(runtime);
    const { conversation } = await runtime.engine.startConversation({ channel: 'rest' });
    const hi = await runtime.engine.receive({ conversationId: conversation.id, channel: 'rest', text: 'hi' });
    expect(hi.replies.map((reply) => reply.text)).toEqual(['Hi!']);
    const other = await runtime.engine.receive({ conversationId: conversation.id, channel: 'rest', text: 'hello there' });
    expect(other.replies.map((reply) => reply.text)).toEqual(['Sorry?']);
  });
});

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/index.js';
import { serve, withOwnUrl, type RunningServer } from '../../src/server/index.js';
import { http, repoRoot } from '../support/server-process.js';

/**
 * `parley serve` with and without the demo services, on a memory store and a small bot of its own
 * (so these tests do not depend on the demo bot's content).
 */

const folders: string[] = [];
let server: RunningServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'parley-demo-serve-'));
  folders.push(folder);
  return folder;
}

async function start(env: Record<string, string>): Promise<RunningServer> {
  server = await serve({
    PORT: '0',
    PARLEY_HOST: '127.0.0.1',
    PARLEY_STORE: 'memory',
    PARLEY_DATA_DIR: await tempFolder(),
    PARLEY_LOG_LEVEL: 'silent',
    PARLEY_WATCH_BOT: 'false',
    ...env,
  });
  return server;
}

async function writeBot(files: Record<string, string>): Promise<string> {
  const folder = await tempFolder();
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(folder, name)), { recursive: true });
    await writeFile(join(folder, name), text);
  }
  return folder;
}

/** A bot whose one flow looks order 20481 up through an http connector on ${PARLEY_URL}. */
const botCallingItself: Record<string, string> = {
  'bot.yaml': [
    'name: mini',
    'connectors:',
    '  orders:',
    '    type: http',
    '    base_url: ${PARLEY_URL}/demo/orders-api',
    '    timeout_ms: 2000',
    '    retries: 0',
    '    operations:',
    '      get:',
    '        path: /orders/{id}',
    '        response: { type: object, required: [id, status], properties: { id: { type: string }, status: { type: string } } }',
    '',
  ].join('\n'),
  'responses.yaml': 'responses:\n  fallback:\n    - text: Sorry?\n  status:\n    - text: "Order {order.id} is {order.status}."\n  unreachable:\n    - text: Unreachable.\n',
  'intents/main.yaml': 'intents:\n  - name: greet\n    examples: [hi, hello]\n',
  'flows/main.yaml': [
    'flows:',
    '  - name: greet',
    '    trigger: { intents: [greet] }',
    '    steps:',
    '      - call: orders.get',
    '        with: { id: "20481" }',
    '        save_as: order',
    '        on_error: unreachable',
    '      - say: status',
    '',
  ].join('\n'),
  'data/orders.yaml': '- id: "20481"\n  status: shipped\n',
};

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('serving the demo orders service', () => {
  it('serves /demo/orders-api with PARLEY_DEMO_SERVICES=true, in Parley’s error shape', async () => {
    const { url } = await start({ PARLEY_DEMO_SERVICES: 'true', PARLEY_BOT: await writeBot(botCallingItself), PARLEY_URL: 'http://127.0.0.1:9' });
    const order = await http('GET', `${url}/demo/orders-api/orders/20481`);
    expect(order.status).toBe(200);
    expect(order.json).toMatchObject({ id: '20481', status: expect.any(String) });
    expect(await http('GET', `${url}/demo/orders-api/orders/2048`)).toMatchObject({ status: 400, json: { error: { code: 'INVALID_ORDER_ID' } } });
    expect(await http('GET', `${url}/demo/orders-api/orders/99902`)).toMatchObject({ status: 500, json: { error: { code: 'ORDER_SYSTEM_FAILURE' } } });
    // Parley's own API is unchanged, and the demo routes stay out of its OpenAPI document.
    expect((await http('GET', `${url}/healthz`)).status).toBe(200);
    expect(await http('GET', `${url}/v1/nothing`)).toMatchObject({ status: 404, json: { error: { code: 'PARLEY_API_ROUTE_NOT_FOUND' } } });
    expect(Object.keys((await http('GET', `${url}/openapi.json`)).json.paths).some((path) => path.startsWith('/demo'))).toBe(false);
  });

  it('answers 404 without it', async () => {
    const { url } = await start({ PARLEY_BOT: await writeBot(botCallingItself), PARLEY_URL: 'http://127.0.0.1:9' });
    expect(await http('GET', `${url}/demo/orders-api/orders/20481`)).toMatchObject({ status: 404, json: { error: { code: 'PARLEY_API_ROUTE_NOT_FOUND' } } });
  });

  it('starts without it when the bot has no data/orders.yaml', async () => {
    const bot = { ...botCallingItself };
    delete bot['data/orders.yaml'];
    const { url } = await start({ PARLEY_DEMO_SERVICES: 'true', PARLEY_BOT: await writeBot(bot), PARLEY_URL: 'http://127.0.0.1:9' });
    expect((await http('GET', `${url}/demo/orders-api/orders/20481`)).status).toBe(404);
  });

  it('gives connectors PARLEY_URL, the server’s own address, so the bot can call the demo service', async () => {
    const port = await freePort();
    const { url } = await start({ PORT: String(port), PARLEY_DEMO_SERVICES: 'true', PARLEY_BOT: await writeBot(botCallingItself), PARLEY_URL: '' });
    const created = await http('POST', `${url}/v1/conversations`, {});
    const reply = await http('POST', `${url}/v1/conversations/${created.json.conversation.id}/messages`, { id: 'm1', text: '/greet' }, created.json.token);
    expect(reply.status).toBe(200);
    expect(reply.json.replies.map((item: { text: string }) => item.text)).toEqual(['Order 20481 is shipped.']);
  });

  it('with PORT=0 leaves PARLEY_URL unset, so a connector that needs it stops the start with its name', async () => {
    await expect(start({ PARLEY_DEMO_SERVICES: 'true', PARLEY_BOT: await writeBot(botCallingItself), PARLEY_URL: '' })).rejects.toThrow(/PARLEY_URL/);
  });

  it('parley serve --demo turns it on', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: '0',
        PARLEY_HOST: '127.0.0.1',
        PARLEY_STORE: 'memory',
        PARLEY_DATA_DIR: await tempFolder(),
        PARLEY_BOT: await writeBot(botCallingItself),
        PARLEY_URL: 'http://127.0.0.1:9',
        PARLEY_LOG_LEVEL: 'warn',
        PARLEY_WATCH_BOT: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /serving on (http:\/\/\S+)/.exec(output);
          if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        void exited.then((code) => reject(new Error(`parley serve --demo exited with ${code}:\n${output}`)));
      });
      expect(await http('GET', `${url}/demo/orders-api/orders/20481`)).toMatchObject({ status: 200, json: { id: '20481' } });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('PARLEY_URL', () => {
  const config = (env: Record<string, string>) => loadConfig(env);

  it('defaults to the server’s own port on the loopback address', () => {
    expect(withOwnUrl({}, config({})).PARLEY_URL).toBe('http://127.0.0.1:3000');
    expect(withOwnUrl({}, config({ PORT: '8080', PARLEY_HOST: '::' })).PARLEY_URL).toBe('http://127.0.0.1:8080');
    expect(withOwnUrl({}, config({ PORT: '8080', PARLEY_HOST: '10.1.2.3' })).PARLEY_URL).toBe('http://10.1.2.3:8080');
    expect(withOwnUrl({}, config({ PORT: '8080', PARLEY_HOST: '::1' })).PARLEY_URL).toBe('http://[::1]:8080');
  });

  it('keeps a given PARLEY_URL, and is left unset with PORT=0', () => {
    expect(withOwnUrl({ PARLEY_URL: 'https://bot.example.com' }, config({})).PARLEY_URL).toBe('https://bot.example.com');
    expect(withOwnUrl({ OTHER: 'x' }, config({ PORT: '0' }))).toEqual({ OTHER: 'x' });
  });
});

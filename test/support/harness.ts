import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { createIdGenerator, systemClock } from '../../src/core/index.js';
import { startDemoServices, type RunningDemoServices } from '../../src/demo/index.js';
import { createApiKey, createRuntime, loadConfig, type Runtime } from '../../src/engine/index.js';
import { buildApp, createServerMetrics } from '../../src/server/index.js';

/** A Parley server in this process on a fresh data dir, driven through its HTTP front door. */
export interface TestServer {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly dataDir: string;
  /** The demo orders service the shop bot's connector calls (seeded from bots/shop/data/orders.yaml). */
  readonly demo: RunningDemoServices;
  close(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-test-'));
  const config = loadConfig({ PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: 'silent', PARLEY_RATE_LIMIT_MESSAGES: '0', PARLEY_RATE_LIMIT_CONVERSATIONS: '0', ...env });
  const logger = pino({ level: 'silent' });
  const metrics = createServerMetrics();
  const demo = await startDemoServices({ seedFile: join('bots', 'shop', 'data', 'orders.yaml') });
  const runtime = await createRuntime(config, { logger, observer: metrics.turnObserver, env: { ...process.env, PARLEY_URL: demo.url } });
  const app = await buildApp({ runtime, logger, metrics });
  return {
    app,
    runtime,
    dataDir,
    demo,
    async close() {
      await app.close();
      await runtime.close();
      await demo.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startConversation(app: FastifyInstance, body: unknown = {}): Promise<{ id: string; token: string }> {
  const response = await app.inject({ method: 'POST', url: '/v1/conversations', payload: body as object });
  if (response.statusCode !== 201) throw new Error(`could not start a conversation: ${response.statusCode} ${response.body}`);
  const json = response.json() as { conversation: { id: string }; token: string };
  return { id: json.conversation.id, token: json.token };
}

export interface Reply {
  id: string;
  type: 'text';
  text: string;
  buttons?: { title: string; payload: string }[];
}

export async function say(app: FastifyInstance, conversation: { id: string; token: string }, text: string, id?: string) {
  const response = await app.inject({
    method: 'POST',
    url: `/v1/conversations/${conversation.id}/messages`,
    headers: { authorization: `Bearer ${conversation.token}` },
    payload: id === undefined ? { text } : { id, text },
  });
  return { status: response.statusCode, body: response.json() as { replies: Reply[]; duplicate: boolean; message: { id: string; clientMessageId: string }; error?: { code: string; message: string } } };
}

export async function adminKey(runtime: Runtime, scopes: ('admin' | 'conversations')[] = ['admin']): Promise<string> {
  const { secret } = await createApiKey(runtime.store.apiKeys, { name: 'test', scopes }, systemClock, createIdGenerator());
  return secret;
}

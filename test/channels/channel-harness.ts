import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { ChannelSetup } from '../../src/core/index.js';
import { startDemoServices, type RunningDemoServices } from '../../src/demo/index.js';
import { createRuntime, loadConfig, type Runtime } from '../../src/engine/index.js';
import { buildApp } from '../../src/server/index.js';

/**
 * Parley listening on 127.0.0.1 with the demo bot, a real SQLite store in a temp dir and the demo
 * orders service, for channel tests: the platform's fake sends signed webhooks to `url`, and the
 * test drives the delivery worker by hand (`deliver`), so replies leave exactly when it says.
 */
export interface ChannelServer {
  /** `http://127.0.0.1:PORT`: the base of the webhook URLs (Twilio signs the full URL). */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  /** A request as the platform sends it: exact bytes and headers. */
  request(method: 'GET' | 'POST', path: string, init?: { headers?: Record<string, string>; rawBody?: Buffer | string }): Promise<HarnessResponse>;
  /** Waits (bounded) until every recorded message has had its turn. */
  settle(): Promise<void>;
  /** Settles, then runs the delivery worker until nothing is due; returns how many entries it handled. */
  deliver(): Promise<number>;
  /** What is stored: conversations, and user messages across them. */
  recorded(): Promise<{ conversations: number; userMessages: number }>;
  close(): Promise<void>;
}

export interface HarnessResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

export interface ChannelServerOptions {
  /** Channel settings (secrets, API URLs pointing at the fake platform). */
  readonly env?: Record<string, string>;
  /** The channels, when a test builds its own; otherwise the ones `env` turns on. */
  readonly channels?: readonly ChannelSetup[];
}

export async function startChannelServer(options: ChannelServerOptions = {}): Promise<ChannelServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-channels-'));
  let demo: RunningDemoServices | null = null;
  let runtime: Runtime | null = null;
  let app: FastifyInstance | null = null;
  const close = async () => {
    await app?.close();
    await runtime?.close();
    await demo?.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    demo = await startDemoServices({ seedFile: join('bots', 'shop', 'data', 'orders.yaml') });
    const env = { ...process.env, PARLEY_URL: demo.url, ...options.env };
    const config = loadConfig({ PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: 'silent', PARLEY_RATE_LIMIT_MESSAGES: '0', PARLEY_RATE_LIMIT_CONVERSATIONS: '0', PARLEY_WATCH_BOT: 'false' });
    const logger = pino({ level: 'silent' });
    runtime = await createRuntime(config, { logger, env, startWorkers: false, watch: false, ...(options.channels ? { channels: options.channels } : {}) });
    app = await buildApp({ runtime, logger });
    const url = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    const running = runtime;
    const settle = async () => {
      const deadline = Date.now() + 15_000;
      while ((await running.store.inbox.conversationsWithPending(1)).length > 0) {
        if (Date.now() > deadline) throw new Error('messages were still pending after 15 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    return {
      url,
      app,
      runtime,
      async request(method, path, init = {}) {
        const response = await fetch(url + path, {
          method,
          headers: init.headers ?? {},
          ...(method === 'POST' ? { body: init.rawBody ?? '' } : {}),
        });
        return { status: response.status, headers: response.headers, body: await response.text() };
      },
      settle,
      async deliver() {
        await settle();
        let handled = 0;
        for (let pass = 0; pass < 20; pass += 1) {
          const count = await running.delivery.runOnce();
          handled += count;
          if (count === 0) break;
        }
        return handled;
      },
      async recorded() {
        const page = await running.store.conversations.list({ limit: 1000 });
        let userMessages = 0;
        for (const conversation of page.conversations) {
          userMessages += (await running.store.conversations.listEvents(conversation.id, { types: ['user-message'] })).length;
        }
        return { conversations: page.conversations.length, userMessages };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

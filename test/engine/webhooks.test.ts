import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSequentialIds,
  isParleyError,
  type ChannelSender,
  type ConversationEvent,
  type OutboxEntry,
  type OutboxPayload,
  type OutboxSender,
  type WebhookEventDelivery,
} from '../../src/core/index.js';
import {
  createDeliveryWorker,
  createRuntime,
  createWebhookSender,
  loadConfig,
  resolveWebhookTargetsOrThrow,
  signWebhookPayload,
  verifyWebhookSignature,
  webhookDeliveryId,
  type Runtime,
} from '../../src/engine/index.js';
import { createMemoryStore } from '../../src/storage/index.js';
import { removeWrittenBots, writeBot, yaml } from '../bot/bot-fixture.js';
import { manualClock, startMisbehavingServer, type MisbehavingServer, type ReceivedRequest } from '../connectors/misbehaving-server.js';

/**
 * Outbound webhooks end to end: a runtime on a small bot folder, a real SQLite (or memory) store,
 * and a real HTTP receiver on 127.0.0.1. Time is a manual clock: the delivery worker is driven
 * with runOnce, and retries become due by moving the clock, never by sleeping.
 */

const CRM_SECRET = 'whsec_crm_0123456789abcdef';
const AUDIT_SECRET = 'whsec_audit_fedcba9876543210';
const RECEIVER_TOKEN = 'tok-hidden-in-the-query';
const START = '2030-01-01T00:00:00.000Z';

/** crm hears about a few event types, on a url with a token from the environment; audit hears everything. */
function botYaml(webhooks = defaultWebhooks): string {
  return `name: mini\n${webhooks}`;
}
const defaultWebhooks = yaml(`
  webhooks:
    - name: crm
      url: \${RECEIVER_URL}/hooks/crm?token=\${RECEIVER_TOKEN}
      secret_env: CRM_SECRET
      events: [session-started, user-message, bot-message]
    - name: audit
      url: \${RECEIVER_URL}/hooks/audit
      secret_env: AUDIT_SECRET
      timeout_ms: 200
`);
const crmOnly = (events = '[session-started]') =>
  yaml(`
    webhooks:
      - name: crm
        url: \${RECEIVER_URL}/hooks/crm
        secret_env: CRM_SECRET
        events: ${events}
  `);

interface Setup {
  readonly runtime: Runtime;
  readonly receiver: MisbehavingServer;
  readonly clock: ReturnType<typeof manualClock>;
  readonly botDir: string;
  readonly env: Record<string, string>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await removeWrittenBots();
});

async function setUp(options: { webhooks?: string; store?: 'sqlite' | 'memory'; receiverUrl?: string } = {}): Promise<Setup> {
  const receiver = await startMisbehavingServer();
  cleanups.push(() => receiver.close());
  const botDir = await writeBot({ 'bot.yaml': botYaml(options.webhooks ?? defaultWebhooks) });
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-webhooks-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const env = { RECEIVER_URL: options.receiverUrl ?? receiver.url, RECEIVER_TOKEN, CRM_SECRET, AUDIT_SECRET };
  const clock = manualClock(START);
  const runtime = await createRuntime(
    loadConfig({ PARLEY_BOT: botDir, PARLEY_DATA_DIR: dataDir, PARLEY_STORE: options.store ?? 'sqlite', PARLEY_WATCH_BOT: 'false' }),
    { clock, ids: createSequentialIds(), env, startWorkers: false },
  );
  cleanups.push(() => runtime.close());
  return { runtime, receiver, clock, botDir, env };
}

async function conversationWithOneTurn(runtime: Runtime): Promise<string> {
  const { conversation } = await runtime.engine.startConversation({ channel: 'rest', userId: 'user-7' });
  await runtime.engine.receive({ conversationId: conversation.id, channel: 'rest', clientMessageId: 'm1', text: 'hello' });
  return conversation.id;
}

function bodyOf(request: ReceivedRequest): { id: string; type: string; seq: number; conversationId: string } & Record<string, unknown> {
  return JSON.parse(request.body) as { id: string; type: string; seq: number; conversationId: string } & Record<string, unknown>;
}

const header = (request: ReceivedRequest, name: string): string => {
  const value = request.headers[name];
  if (typeof value !== 'string') throw new Error(`no ${name} header`);
  return value;
};

/** The webhook's outbox entry for the event at `seq` of a conversation. */
function deliveryOf(runtime: Runtime, conversationId: string, seq: number, webhook = 'crm') {
  return runtime.store.outbox.get(webhookDeliveryId({ conversationId, seq }, webhook));
}

describe.each(['sqlite', 'memory'] as const)('webhooks on the %s store', (store) => {
  it("delivers a turn's events, signed, to each webhook that subscribes to their type, in log order", async () => {
    const { runtime, receiver, clock } = await setUp({ store });
    const conversationId = await conversationWithOneTurn(runtime);
    expect(receiver.requests).toHaveLength(0); // queued, not sent inline

    const log = await runtime.store.conversations.listEvents(conversationId);
    const handled = await runtime.delivery.runOnce();
    expect(handled).toBe(receiver.requests.length);

    const to = (path: string) => receiver.requests.filter((request) => request.url.startsWith(path));
    const crm = to('/hooks/crm');
    const audit = to('/hooks/audit');
    expect(crm.map((request) => bodyOf(request).type)).toEqual(
      log.filter((event) => ['session-started', 'user-message', 'bot-message'].includes(event.type)).map((event) => event.type),
    );
    expect(audit.map((request) => bodyOf(request).seq)).toEqual(log.map((event) => event.seq));
    // The url's ${RECEIVER_TOKEN} was filled in from the environment.
    expect(crm[0]!.url).toBe(`/hooks/crm?token=${RECEIVER_TOKEN}`);

    const bySeq = new Map(log.map((event) => [event.seq, event]));
    for (const request of receiver.requests) {
      const body = bodyOf(request);
      const event = bySeq.get(body.seq)!;
      expect(body).toEqual({ id: event.id, type: event.type, v: event.v, conversationId, seq: event.seq, at: event.at, bot: 'mini', data: event.data });
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toBe('Parley-Webhooks/1');
      expect(header(request, 'x-parley-event-id')).toBe(event.id);
      expect(header(request, 'x-parley-event-type')).toBe(event.type);
      const webhook = request.url.startsWith('/hooks/crm') ? 'crm' : 'audit';
      expect(header(request, 'x-parley-delivery')).toBe(webhookDeliveryId(event, webhook));
      const timestamp = header(request, 'x-parley-timestamp');
      expect(timestamp).toBe(String(Date.parse(START) / 1000));

      const secret = webhook === 'crm' ? CRM_SECRET : AUDIT_SECRET;
      const signature = header(request, 'x-parley-signature');
      // Recomputed independently of Parley's code…
      expect(signature).toBe(`v1=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`);
      // …and checked with the helper receivers use.
      expect(verifyWebhookSignature(secret, timestamp, request.body, signature, { now: clock.now() })).toBe(true);
      expect(verifyWebhookSignature(webhook === 'crm' ? AUDIT_SECRET : CRM_SECRET, timestamp, request.body, signature, { now: clock.now() })).toBe(false);
    }
    expect(await runtime.store.outbox.countByStatus()).toEqual({ pending: 0, delivered: receiver.requests.length, failed: 0 });
    expect(await runtime.delivery.runOnce()).toBe(0);
  });

  it('queues session-started with the conversation it starts, and delivers it', async () => {
    const { runtime, receiver } = await setUp({ store, webhooks: crmOnly() });
    const { conversation } = await runtime.engine.startConversation({ channel: 'rest', userId: 'user-7' });
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({
      channel: 'webhook:crm',
      status: 'pending',
      message: { type: 'webhook-event', webhook: 'crm', bot: 'mini', event: { type: 'session-started', seq: 1, conversationId: conversation.id } },
    });
    await runtime.delivery.runOnce();
    expect(receiver.requests.map((request) => bodyOf(request))).toEqual([
      expect.objectContaining({ type: 'session-started', seq: 1, conversationId: conversation.id, data: { channel: 'rest', userId: 'user-7' } }),
    ]);
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'delivered', attempts: 0 });
  });
});

describe('webhook retries and give-up', () => {
  it('retries after a 500 with backoff, and delivers on the next attempt', async () => {
    const { runtime, receiver, clock } = await setUp({ webhooks: crmOnly() });
    receiver.script({ status: 500, body: 'oops' });
    const { conversation } = await runtime.engine.startConversation({ channel: 'rest' });

    await runtime.delivery.runOnce();
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'webhook "crm" answered HTTP 500',
      nextAttemptAt: '2030-01-01T00:00:01.000Z',
    });
    expect(await runtime.delivery.runOnce()).toBe(0); // not due yet
    clock.advance(1000);
    await runtime.delivery.runOnce();
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'delivered', attempts: 1 });
    // The same event and the same delivery both times: the receiver can tell a retry apart.
    expect(receiver.requests.map((request) => header(request, 'x-parley-event-id'))).toEqual([bodyOf(receiver.requests[0]!).id, bodyOf(receiver.requests[0]!).id]);
    expect(new Set(receiver.requests.map((request) => header(request, 'x-parley-delivery'))).size).toBe(1);
    // Each attempt is signed at its own time.
    expect(receiver.requests.map((request) => header(request, 'x-parley-timestamp'))).toEqual([String(Date.parse(START) / 1000), String(Date.parse(START) / 1000 + 1)]);
    for (const request of receiver.requests) {
      expect(verifyWebhookSignature(CRM_SECRET, header(request, 'x-parley-timestamp'), request.body, header(request, 'x-parley-signature'), { now: clock.now() })).toBe(true);
    }
  });

  it.each([429, 503])('waits as long as Retry-After asks on a %i, longer than its own backoff', async (status) => {
    const { runtime, receiver, clock } = await setUp({ webhooks: crmOnly() });
    receiver.script({ status, headers: { 'retry-after': '120' }, body: 'slow down' });
    const { conversation } = await runtime.engine.startConversation({ channel: 'rest' });

    await runtime.delivery.runOnce();
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: '2030-01-01T00:02:00.000Z' });
    clock.advance(119_000);
    expect(await runtime.delivery.runOnce()).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    clock.advance(1000);
    await runtime.delivery.runOnce();
    expect(receiver.requests).toHaveLength(2);
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'delivered' });
  });

  it.each([400, 401, 404, 410, 422])('gives up at once when the receiver answers %i', async (status) => {
    const { runtime, receiver, clock } = await setUp({ webhooks: crmOnly() });
    receiver.fallback = { status, body: 'no' };
    const { conversation } = await runtime.engine.startConversation({ channel: 'rest' });
    await runtime.delivery.runOnce();
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: `webhook "crm" answered HTTP ${status}; the delivery is given up`,
    });
    clock.advance(24 * 60 * 60_000);
    expect(await runtime.delivery.runOnce()).toBe(0);
    expect(receiver.requests).toHaveLength(1);
  });

  it('retries a 408 and a receiver that does not answer within timeout_ms', async () => {
    const { runtime, receiver, clock } = await setUp({ webhooks: crmOnly().replace('events:', 'timeout_ms: 100\n    events:') });
    receiver.script({ status: 408 }, { hang: true });
    const { conversation } = await runtime.engine.startConversation({ channel: 'rest' });
    await runtime.delivery.runOnce();
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'webhook "crm" answered HTTP 408' });
    clock.advance(1000);
    await runtime.delivery.runOnce();
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'pending', attempts: 2, lastError: 'webhook "crm": no answer within 100 ms' });
    clock.advance(2000);
    await runtime.delivery.runOnce();
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'delivered' });
  });

  it('keeps retrying while the receiver is down, and delivers when it comes back', async () => {
    // A port nothing listens on, then a receiver on that same port.
    const probe = await listen(createServer());
    const port = (probe.address() as AddressInfo).port;
    await close(probe);
    const { runtime, clock } = await setUp({ webhooks: crmOnly(), receiverUrl: `http://127.0.0.1:${port}` });
    const { conversation } = await runtime.engine.startConversation({ channel: 'rest' });

    await runtime.delivery.runOnce();
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'webhook "crm": the request failed (ECONNREFUSED)' });
    clock.advance(1000);
    await runtime.delivery.runOnce();
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: '2030-01-01T00:00:03.000Z' });

    const bodies: string[] = [];
    const back = await listen(
      createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        request.on('end', () => {
          bodies.push(body);
          response.writeHead(204).end();
        });
      }),
      port,
    );
    cleanups.push(() => close(back));
    clock.advance(2000);
    await runtime.delivery.runOnce();
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(bodies.map((body) => (JSON.parse(body) as { type: string }).type)).toEqual(['session-started']);
  });

  it('sends again after the lease when a worker crashed between sending and recording the delivery', async () => {
    const { runtime, receiver, clock, env } = await setUp({ webhooks: crmOnly() });
    const { conversation } = await runtime.engine.startConversation({ channel: 'rest' });

    // A worker that sends, then dies before it can mark the entry delivered.
    const crashing = createDeliveryWorker({
      outbox: { ...runtime.store.outbox, markDelivered: () => Promise.reject(new Error('process killed')) },
      senders: [],
      webhookSender: createWebhookSender({ targets: () => resolveWebhookTargetsOrThrow(runtime.bot.config, env), clock }),
      clock,
    });
    await expect(crashing.runOnce()).rejects.toThrow('process killed');
    expect(receiver.requests).toHaveLength(1);
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'pending', attempts: 0 });

    // Its lease still holds…
    expect(await runtime.delivery.runOnce()).toBe(0);
    clock.advance(29_999);
    expect(await runtime.delivery.runOnce()).toBe(0);
    // …and when it runs out the entry is sent again: at least once, with the same event id.
    clock.advance(1);
    expect(await runtime.delivery.runOnce()).toBe(1);
    expect(receiver.requests).toHaveLength(2);
    expect(header(receiver.requests[1]!, 'x-parley-event-id')).toBe(header(receiver.requests[0]!, 'x-parley-event-id'));
    expect(header(receiver.requests[1]!, 'x-parley-delivery')).toBe(header(receiver.requests[0]!, 'x-parley-delivery'));
    expect(await deliveryOf(runtime, conversation.id, 1)).toMatchObject({ status: 'delivered' });
  });
});

describe('webhooks and the bot folder', () => {
  it('queues nothing for a bot without webhooks', async () => {
    const { runtime, receiver } = await setUp({ webhooks: '' });
    await conversationWithOneTurn(runtime);
    expect(await runtime.store.outbox.countByStatus()).toEqual({ pending: 0, delivered: 0, failed: 0 });
    expect(await runtime.delivery.runOnce()).toBe(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it('uses the new webhooks after a reload, and gives up on a delivery for a webhook that is gone', async () => {
    const { runtime, receiver, botDir } = await setUp({ webhooks: crmOnly('["*"]') });
    const before = await runtime.engine.startConversation({ channel: 'rest' });
    await writeFile(join(botDir, 'bot.yaml'), botYaml(crmOnly('["*"]').replaceAll('crm', 'sales')));
    expect(await runtime.reload()).toMatchObject({ status: 'reloaded' });

    const after = await conversationWithOneTurn(runtime);
    await runtime.delivery.runOnce();
    expect(await deliveryOf(runtime, before.conversation.id, 1)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: `webhook "crm" is no longer in the bot's webhooks; the delivery is given up`,
    });
    const log = await runtime.store.conversations.listEvents(after);
    expect(receiver.requests.map((request) => [request.url, bodyOf(request).seq])).toEqual(log.map((event) => ['/hooks/sales', event.seq]));
  });

  it('refuses to start when a webhook variable is missing, naming the variable and never a value', async () => {
    const receiver = await startMisbehavingServer();
    cleanups.push(() => receiver.close());
    const botDir = await writeBot({ 'bot.yaml': botYaml() });
    const env = { RECEIVER_URL: receiver.url, AUDIT_SECRET };
    const error = await createRuntime(loadConfig({ PARLEY_BOT: botDir, PARLEY_STORE: 'memory', PARLEY_WATCH_BOT: 'false' }), { env, startWorkers: false }).then(
      (runtime) => {
        cleanups.push(() => runtime.close());
        return null;
      },
      (caught: unknown) => caught,
    );
    expect(isParleyError(error, 'PARLEY_CONFIG_INVALID')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('webhook "crm": the environment variable CRM_SECRET (secret_env) is not set');
    expect(message).toContain('webhook "crm": the environment variable RECEIVER_TOKEN (url) is not set');
    expect(message).not.toContain(AUDIT_SECRET);
    expect(message).not.toContain(receiver.url);
  });

  it('keeps serving the previous webhooks when a reload names a variable that is not set', async () => {
    const { runtime, receiver, botDir } = await setUp({ webhooks: crmOnly() });
    await writeFile(join(botDir, 'bot.yaml'), botYaml(crmOnly().replace('CRM_SECRET', 'NEW_CRM_SECRET')));
    const result = await runtime.reload();
    expect(result).toMatchObject({ status: 'invalid', message: expect.stringContaining('NEW_CRM_SECRET') });
    await runtime.engine.startConversation({ channel: 'rest' });
    await runtime.delivery.runOnce();
    expect(receiver.requests).toHaveLength(1);
  });

  it('refuses an event type that does not exist and a webhook name used twice', () => {
    expect(() =>
      resolveWebhookTargetsOrThrow(
        {
          name: 'mini',
          webhooks: [
            { name: 'crm', url: 'https://crm.example/hooks', secret_env: 'CRM_SECRET', events: ['handoff-request'], timeout_ms: 5000 },
            { name: 'crm', url: 'ftp://crm.example/hooks', secret_env: 'CRM_SECRET', events: ['*'], timeout_ms: 5000 },
          ],
        },
        { CRM_SECRET },
      ),
    ).toThrow(/events names "handoff-request", which is not an event type[\s\S]*the name is used twice[\s\S]*must start with https:\/\/ or http:\/\//);
  });
});

describe('verifyWebhookSignature', () => {
  const body = '{"id":"evt_1","type":"session-started"}';
  const now = new Date('2030-01-01T00:00:00.000Z');
  const timestamp = Math.floor(now.getTime() / 1000);
  const signature = signWebhookPayload(CRM_SECRET, timestamp, body);

  it('accepts the signature of the body as sent, within the tolerance either way', () => {
    expect(verifyWebhookSignature(CRM_SECRET, String(timestamp), body, signature, { now })).toBe(true);
    expect(verifyWebhookSignature(CRM_SECRET, timestamp, Buffer.from(body), signature, { now: new Date(now.getTime() + 300_000) })).toBe(true);
    expect(verifyWebhookSignature(CRM_SECRET, timestamp, body, signature, { now: new Date(now.getTime() - 300_000) })).toBe(true);
    // One matching signature among several (a secret being rotated) is enough.
    expect(verifyWebhookSignature(CRM_SECRET, timestamp, body, `v1=${'0'.repeat(64)}, ${signature}`, { now })).toBe(true);
  });

  it('rejects a wrong secret, a changed body, a stale or future timestamp, and malformed input', () => {
    expect(verifyWebhookSignature('whsec_wrong', timestamp, body, signature, { now })).toBe(false);
    expect(verifyWebhookSignature(CRM_SECRET, timestamp, body.replace('evt_1', 'evt_2'), signature, { now })).toBe(false);
    expect(verifyWebhookSignature(CRM_SECRET, timestamp, body, signature, { now: new Date(now.getTime() + 301_000) })).toBe(false);
    expect(verifyWebhookSignature(CRM_SECRET, timestamp, body, signature, { now: new Date(now.getTime() - 301_000) })).toBe(false);
    expect(verifyWebhookSignature(CRM_SECRET, timestamp, body, signature, { now: new Date(now.getTime() + 60_000), toleranceSeconds: 30 })).toBe(false);
    // A replayed body with a fresh timestamp does not match: the timestamp is signed too.
    expect(verifyWebhookSignature(CRM_SECRET, timestamp + 1, body, signature, { now })).toBe(false);
    expect(verifyWebhookSignature(CRM_SECRET, timestamp, body, signature.replace('v1=', 'v0='), { now })).toBe(false);
    expect(verifyWebhookSignature(CRM_SECRET, timestamp, body, signature.slice(0, -2), { now })).toBe(false);
    expect(verifyWebhookSignature(CRM_SECRET, 'yesterday', body, signature, { now })).toBe(false);
    expect(verifyWebhookSignature(CRM_SECRET, undefined, body, signature, { now })).toBe(false);
    expect(verifyWebhookSignature(CRM_SECRET, timestamp, body, undefined, { now })).toBe(false);
    expect(verifyWebhookSignature('', timestamp, body, signature, { now })).toBe(false);
  });
});

describe('delivery worker with webhook deliveries', () => {
  const createdAt = '2030-01-01T00:00:00.000Z';
  const event = { id: 'evt_1', conversationId: 'conv_1', seq: 1, at: createdAt, v: 1, type: 'session-started', data: { channel: 'telegram' } } as ConversationEvent;

  async function storeWithBoth() {
    const store = createMemoryStore();
    await store.conversations.create({
      id: 'conv_1',
      botName: 'mini',
      channel: 'telegram',
      userId: null,
      tokenHash: 'h',
      createdAt,
      events: [],
      outgoing: [
        { id: 'whd_1', conversationId: 'conv_1', channel: 'webhook:crm', message: { type: 'webhook-event', webhook: 'crm', bot: 'mini', event }, createdAt },
        { id: 'msg_1', conversationId: 'conv_1', channel: 'telegram', message: { type: 'text', text: 'Hello' }, createdAt },
      ],
    });
    return store;
  }

  it('routes webhook deliveries to the webhook sender and messages to their channel, side by side', async () => {
    const store = await storeWithBoth();
    let release: () => void = () => undefined;
    const webhookSent: OutboxEntry<WebhookEventDelivery>[] = [];
    const webhookSender: OutboxSender<WebhookEventDelivery> = {
      async send(entry) {
        await new Promise<void>((resolve) => (release = resolve));
        webhookSent.push(entry);
      },
    };
    const channelSent: OutboxEntry[] = [];
    const telegram: ChannelSender = {
      channel: 'telegram',
      async send(entry) {
        channelSent.push(entry);
      },
    };
    const worker = createDeliveryWorker({ outbox: store.outbox, senders: [telegram], webhookSender, clock: manualClock(createdAt) });
    const pass = worker.runOnce();
    // The chat reply goes out while the webhook is still waiting for its receiver.
    for (let i = 0; i < 100 && channelSent.length === 0; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(channelSent.map((entry) => entry.message.text)).toEqual(['Hello']);
    expect(webhookSent).toHaveLength(0);
    release();
    expect(await pass).toBe(2);
    expect(webhookSent.map((entry) => entry.message.event.id)).toEqual(['evt_1']);
    expect(await store.outbox.countByStatus()).toEqual({ pending: 0, delivered: 2, failed: 0 });
  });

  it('gives up on a permanent failure and waits for retryAfterMs when the sender says so', async () => {
    const store = await storeWithBoth();
    const clock = manualClock(createdAt);
    const failures: Record<string, Error & { permanent?: boolean; retryAfterMs?: number }> = {
      whd_1: Object.assign(new Error('rejected'), { permanent: true }),
      msg_1: Object.assign(new Error('busy'), { retryAfterMs: 90_000 }),
    };
    const failing = {
      async send(entry: OutboxEntry<OutboxPayload>) {
        throw failures[entry.id];
      },
    };
    const worker = createDeliveryWorker({ outbox: store.outbox, senders: [{ channel: 'telegram', send: failing.send }], webhookSender: failing, clock });
    await worker.runOnce();
    expect(await store.outbox.get('whd_1')).toMatchObject({ status: 'failed', attempts: 1, lastError: 'rejected' });
    expect(await store.outbox.get('msg_1')).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: '2030-01-01T00:01:30.000Z' });
  });
});

function listen(server: Server, port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

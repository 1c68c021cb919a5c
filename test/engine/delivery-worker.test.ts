import { describe, expect, it } from 'vitest';
import type { ChannelSender, Clock, OutboxEntry, ParleyStore } from '../../src/core/index.js';
import { createDeliveryWorker } from '../../src/engine/index.js';
import { createMemoryStore } from '../../src/storage/index.js';

/** A clock the test moves by hand. */
function manualClock(start = '2026-03-01T10:00:00.000Z') {
  let now = new Date(start).getTime();
  const clock: Clock = { now: () => new Date(now) };
  return { clock, advance: (ms: number) => (now += ms) };
}

async function storeWithOutgoing(count: number): Promise<ParleyStore> {
  const store = createMemoryStore();
  const createdAt = '2026-03-01T10:00:00.000Z';
  await store.conversations.create({ id: 'conv_1', botName: 'shop', channel: 'telegram', userId: null, tokenHash: 'h', createdAt, events: [] });
  await store.inbox.accept({ id: 'in_1', conversationId: 'conv_1', channel: 'telegram', clientMessageId: 'u1', text: 'hi', receivedAt: createdAt });
  await store.commitTurn({
    conversationId: 'conv_1',
    expectedLastSeq: 0,
    inboxId: 'in_1',
    events: [],
    outgoing: Array.from({ length: count }, (_, i) => ({ id: `msg_${i}`, conversationId: 'conv_1', channel: 'telegram', message: { type: 'text' as const, text: `reply ${i}` }, createdAt })),
    outcome: { replies: [] },
    processedAt: createdAt,
  });
  return store;
}

function recordingSender(failures: number): ChannelSender & { sent: OutboxEntry[]; attempts: number } {
  const sender = {
    channel: 'telegram',
    sent: [] as OutboxEntry[],
    attempts: 0,
    async send(entry: OutboxEntry) {
      sender.attempts += 1;
      if (sender.attempts <= failures) throw new Error('HTTP 502 from the platform');
      sender.sent.push(entry);
    },
  };
  return sender;
}

describe('delivery worker', () => {
  it('sends due messages in order and marks them delivered', async () => {
    const store = await storeWithOutgoing(3);
    const sender = recordingSender(0);
    const { clock } = manualClock();
    const worker = createDeliveryWorker({ outbox: store.outbox, senders: [sender], clock });
    expect(await worker.runOnce()).toBe(3);
    expect(sender.sent.map((entry) => entry.message.text)).toEqual(['reply 0', 'reply 1', 'reply 2']);
    expect(await store.outbox.countByStatus()).toEqual({ pending: 0, delivered: 3, failed: 0 });
    expect(await worker.runOnce()).toBe(0);
  });

  it('retries a failed send with growing backoff, then delivers', async () => {
    const store = await storeWithOutgoing(1);
    const sender = recordingSender(2);
    const { clock, advance } = manualClock();
    const worker = createDeliveryWorker({ outbox: store.outbox, senders: [sender], clock, baseBackoffMs: 1000 });
    await worker.runOnce();
    expect(await store.outbox.get('msg_0')).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 502 from the platform', nextAttemptAt: '2026-03-01T10:00:01.000Z' });
    expect(await worker.runOnce()).toBe(0); // not due yet
    advance(1000);
    await worker.runOnce();
    expect(await store.outbox.get('msg_0')).toMatchObject({ attempts: 2, nextAttemptAt: '2026-03-01T10:00:03.000Z' });
    advance(2000);
    await worker.runOnce();
    expect(await store.outbox.get('msg_0')).toMatchObject({ status: 'delivered' });
    expect(sender.sent).toHaveLength(1);
  });

  it('gives up after the last attempt', async () => {
    const store = await storeWithOutgoing(1);
    const sender = recordingSender(100);
    const { clock, advance } = manualClock();
    const worker = createDeliveryWorker({ outbox: store.outbox, senders: [sender], clock, maxAttempts: 3, baseBackoffMs: 10 });
    for (let i = 0; i < 5; i += 1) {
      await worker.runOnce();
      advance(60_000);
    }
    expect(sender.attempts).toBe(3);
    expect(await store.outbox.get('msg_0')).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('fails an entry at once when no sender serves its channel', async () => {
    const store = await storeWithOutgoing(1);
    const { clock } = manualClock();
    const worker = createDeliveryWorker({ outbox: store.outbox, senders: [], clock });
    await worker.runOnce();
    expect(await store.outbox.get('msg_0')).toMatchObject({ status: 'failed', lastError: 'no sender for channel "telegram"' });
  });

  it('runs in the background when started, woken by kick, and stops cleanly', async () => {
    const store = await storeWithOutgoing(2);
    const sender = recordingSender(0);
    const worker = createDeliveryWorker({ outbox: store.outbox, senders: [sender], clock: { now: () => new Date('2026-03-01T10:00:00.000Z') }, pollMs: 60_000 });
    worker.start();
    worker.kick();
    for (let i = 0; i < 100 && sender.sent.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await worker.stop();
    expect(sender.sent).toHaveLength(2);
  });
});

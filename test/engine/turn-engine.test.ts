import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { ParleyError, createSequentialIds, isParleyError, type Clock, type Understander } from '../../src/core/index.js';
import { buildBrain, createTurnEngine, loadBot } from '../../src/engine/index.js';
import { trainIntentClassifier } from '../../src/nlu/index.js';
import { examplesFromBot } from '../../src/nlu/training-data/index.js';
import { createInProcessLock, createMemoryStore } from '../../src/storage/index.js';
import { repoRoot } from '../support/server-process.js';

const clock: Clock = { now: () => new Date('2026-03-01T10:00:00.000Z') };

async function engineWith(options: { understander?: Understander; pushChannels?: Set<string>; clock?: Clock } = {}) {
  const bot = await loadBot({ PARLEY_BOT: resolve(repoRoot, 'bots/shop') });
  const brain = buildBrain(bot, trainIntentClassifier(examplesFromBot(bot.intents)));
  const store = createMemoryStore();
  let kicks = 0;
  const engine = createTurnEngine({
    store,
    lock: createInProcessLock(),
    brain: () => ({ ...brain, ...(options.understander ? { understander: options.understander } : {}) }),
    clock: options.clock ?? clock,
    ids: createSequentialIds(),
    onOutgoing: () => {
      kicks += 1;
    },
    ...(options.pushChannels ? { pushChannels: options.pushChannels } : {}),
  });
  return { engine, store, kicks: () => kicks };
}

describe('turn engine', () => {
  it('keeps the message and apologises when understanding fails with a defect', async () => {
    const { engine, store } = await engineWith({
      understander: {
        understand() {
          throw new Error('model file is corrupt');
        },
      },
    });
    const { conversation } = await engine.startConversation({ channel: 'rest' });
    const result = await engine.receive({ conversationId: conversation.id, channel: 'rest', clientMessageId: 'm1', text: 'hello' });
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0]!.text).toMatch(/sorry|wrong/i);
    const types = (await store.conversations.listEvents(conversation.id)).map((event) => event.type);
    expect(types).toEqual(['session-started', 'user-message', 'turn-failed', 'bot-message']);
    expect((await store.inbox.get(result.inboxId))!.status).toBe('processed');
  });

  it('leaves the message pending when the failure is worth retrying, and answers it on the retry', async () => {
    let failNext = true;
    const shop = await loadBot({ PARLEY_BOT: resolve(repoRoot, 'bots/shop') });
    const real = buildBrain(shop, trainIntentClassifier(examplesFromBot(shop.intents))).understander;
    const { engine, store } = await engineWith({
      understander: {
        understand(text) {
          if (failNext) {
            failNext = false;
            throw new ParleyError('PARLEY_STORE_UNAVAILABLE', 'embedding service down');
          }
          return real.understand(text);
        },
      },
    });
    const { conversation } = await engine.startConversation({ channel: 'rest' });
    let caught: unknown;
    try {
      await engine.receive({ conversationId: conversation.id, channel: 'rest', clientMessageId: 'm1', text: 'hello' });
    } catch (error) {
      caught = error;
    }
    expect(isParleyError(caught, 'PARLEY_STORE_UNAVAILABLE')).toBe(true);
    expect(await store.inbox.pending(conversation.id, 10)).toHaveLength(1);

    const retried = await engine.receive({ conversationId: conversation.id, channel: 'rest', clientMessageId: 'm1', text: 'hello' });
    expect(retried.duplicate).toBe(true);
    expect(retried.replies.length).toBeGreaterThan(0);
    expect(await store.inbox.pending(conversation.id, 10)).toHaveLength(0);
  });

  it('rejects a message over the length limit before recording it', async () => {
    const { engine, store } = await engineWith();
    const { conversation } = await engine.startConversation({ channel: 'rest' });
    await expect(engine.receive({ conversationId: conversation.id, channel: 'rest', text: 'x'.repeat(4001) })).rejects.toMatchObject({
      code: 'PARLEY_MESSAGE_TOO_LONG',
    });
    expect(await store.inbox.conversationsWithPending(10)).toEqual([]);
  });

  it('queues replies in the outbox only for push channels, and wakes the delivery worker', async () => {
    const { engine, store, kicks } = await engineWith({ pushChannels: new Set(['telegram']) });
    const pull = await engine.startConversation({ channel: 'rest' });
    await engine.receive({ conversationId: pull.conversation.id, channel: 'rest', text: 'hello' });
    expect((await store.outbox.countByStatus()).pending).toBe(0);
    expect(kicks()).toBe(0);

    const push = await engine.startConversation({ channel: 'telegram' });
    const result = await engine.receive({ conversationId: push.conversation.id, channel: 'telegram', text: 'hello' });
    expect((await store.outbox.countByStatus()).pending).toBe(result.replies.length);
    expect(await store.outbox.get(result.replies[0]!.id)).toMatchObject({ channel: 'telegram', status: 'pending', message: { text: result.replies[0]!.text } });
    expect(kicks()).toBe(1);
  });

  it('processes, on recovery, what a previous run left in the inbox, oldest first', async () => {
    const { engine, store } = await engineWith();
    const { conversation } = await engine.startConversation({ channel: 'rest' });
    for (const [i, text] of ['hello', 'where is my order', '20481'].entries()) {
      await store.inbox.accept({ id: `in_${i}`, conversationId: conversation.id, channel: 'rest', clientMessageId: `c${i}`, text, receivedAt: clock.now().toISOString() });
    }
    expect(await engine.recoverPending()).toBe(1);
    const events = await store.conversations.listEvents(conversation.id);
    expect(events.flatMap((event) => (event.type === 'user-message' ? [event.data.text] : []))).toEqual(['hello', 'where is my order', '20481']);
    const last = events.filter((event) => event.type === 'bot-message').at(-1);
    expect(last?.type === 'bot-message' && last.data.message.text).toContain('20481');
  });

  it('starts a new session after the idle timeout: the user stays, the half-done flow does not', async () => {
    let now = new Date('2026-03-01T10:00:00.000Z').getTime();
    const { engine, store } = await engineWith({ clock: { now: () => new Date(now) } });
    const { conversation } = await engine.startConversation({ channel: 'rest' });
    const say = (text: string) => engine.receive({ conversationId: conversation.id, channel: 'rest', text });

    expect((await say('where is my order')).replies[0]!.text).toMatch(/order number/i);
    now += 29 * 60_000;
    expect((await say('20481')).replies.map((reply) => reply.text).join(' ')).toContain('20481');

    expect((await say('where is my order')).replies[0]!.text).toMatch(/order number/i);
    now += 31 * 60_000;
    const after = await say('20481');
    expect(after.replies.map((reply) => reply.text).join(' ')).not.toMatch(/DHL|shipped/);
    const types = (await store.conversations.listEvents(conversation.id)).map((event) => event.type);
    expect(types.filter((type) => type === 'session-ended')).toHaveLength(1);
    const ended = types.lastIndexOf('session-ended');
    expect(types.slice(ended, ended + 3)).toEqual(['session-ended', 'session-started', 'user-message']);
  });
});

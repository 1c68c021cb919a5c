import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../src/core/index.js';
import { say, startConversation, startTestServer, type TestServer } from '../support/harness.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function eventsOf(conversationId: string): Promise<ConversationEvent[]> {
  return server.runtime.store.conversations.listEvents(conversationId);
}

describe('idempotency', () => {
  it('processes a message id once; the second post returns the first replies', async () => {
    const conversation = await startConversation(server.app);
    const first = await say(server.app, conversation, 'hello', 'client-1');
    const second = await say(server.app, conversation, 'hello', 'client-1');
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.body.duplicate).toBe(false);
    expect(second.body.duplicate).toBe(true);
    expect(second.body.replies).toEqual(first.body.replies);
    expect(second.body.message).toEqual(first.body.message);
    const users = (await eventsOf(conversation.id)).filter((event) => event.type === 'user-message');
    expect(users).toHaveLength(1);
  });

  it('processes a message id once when the posts race', async () => {
    const conversation = await startConversation(server.app);
    const results = await Promise.all(Array.from({ length: 12 }, () => say(server.app, conversation, 'where is my order', 'race-1')));
    expect(results.every((result) => result.status === 200)).toBe(true);
    expect(results.filter((result) => !result.body.duplicate)).toHaveLength(1);
    for (const result of results) expect(result.body.replies).toEqual(results[0]!.body.replies);
    const events = await eventsOf(conversation.id);
    expect(events.filter((event) => event.type === 'user-message')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'bot-message')).toHaveLength(results[0]!.body.replies.length);
  });

  it('treats the same id in two conversations as two messages', async () => {
    const a = await startConversation(server.app);
    const b = await startConversation(server.app);
    expect((await say(server.app, a, 'hello', 'shared-id')).body.duplicate).toBe(false);
    expect((await say(server.app, b, 'hello', 'shared-id')).body.duplicate).toBe(false);
  });
});

describe('ordering', () => {
  it('runs 50 concurrent messages to one conversation as 50 turns in one total order', async () => {
    const conversation = await startConversation(server.app);
    const texts = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? `hello number ${i}` : i % 3 === 1 ? `what does shipping cost ${i}` : `thanks ${i}`));
    const results = await Promise.all(texts.map((text, i) => say(server.app, conversation, text, `msg-${i}`)));
    expect(results.map((result) => result.status)).toEqual(texts.map(() => 200));

    const events = await eventsOf(conversation.id);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
    const users = events.filter((event) => event.type === 'user-message');
    expect(users).toHaveLength(50);
    expect(new Set(users.map((event) => event.data.clientMessageId)).size).toBe(50);

    // Turns do not interleave: every event between two user messages belongs to the first one.
    let current: string | null = null;
    const repliesByTurn = new Map<string, string[]>();
    for (const event of events) {
      if (event.type === 'user-message') {
        current = event.data.inboxId;
        repliesByTurn.set(current, []);
      } else if (event.type === 'bot-message') {
        expect(event.data.inReplyTo).toBe(current);
        repliesByTurn.get(current!)!.push(event.data.messageId);
      }
    }
    // Each caller got the replies of its own message, in the order they were committed.
    for (const result of results) {
      expect(result.body.replies.map((reply) => reply.id)).toEqual(repliesByTurn.get(result.body.message.id));
      expect(result.body.replies.length).toBeGreaterThan(0);
    }
    // The total order is the order of arrival in the inbox.
    const inboxOrder = await Promise.all(users.map((event) => server.runtime.store.inbox.get(event.data.inboxId)));
    const seqs = inboxOrder.map((entry) => entry!.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('keeps two conversations independent while both are busy', async () => {
    const a = await startConversation(server.app);
    const b = await startConversation(server.app);
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => say(server.app, a, `hello a${i}`, `a-${i}`)),
      ...Array.from({ length: 10 }, (_, i) => say(server.app, b, `hello b${i}`, `b-${i}`)),
    ]);
    const aTexts = (await eventsOf(a.id)).flatMap((event) => (event.type === 'user-message' ? [event.data.text] : []));
    const bTexts = (await eventsOf(b.id)).flatMap((event) => (event.type === 'user-message' ? [event.data.text] : []));
    expect(aTexts.every((text) => text.startsWith('hello a'))).toBe(true);
    expect(bTexts.every((text) => text.startsWith('hello b'))).toBe(true);
    expect(aTexts).toHaveLength(10);
    expect(bTexts).toHaveLength(10);
  });
});

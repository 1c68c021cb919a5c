import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParleyError, makeEvent } from '../../src/core/index.js';
import type {
  AgentRecord,
  ConversationEvent,
  ConversationRecord,
  ErrorCode,
  EventDraft,
  HandoffRecord,
  InboxEntry,
  KnowledgeChunk,
  KnowledgeDocument,
  NewConversation,
  NewOutboxEntry,
  ParleyStore,
  TurnCommit,
} from '../../src/core/index.js';

/**
 * The one conformance suite every ParleyStore implementation passes. It speaks only through the
 * port, so it runs unchanged against the memory, SQLite and PostgreSQL stores.
 *
 * `open` must return an empty store. When `reopen` is given, the suite closes the store first and
 * `reopen` opens the same data again. `cleanup` closes whatever store is open (closing twice is
 * allowed) and removes its data.
 */

export interface OpenedStore {
  readonly store: ParleyStore;
  readonly reopen?: () => Promise<ParleyStore>;
  readonly cleanup: () => Promise<void>;
}

const BASE_TIME = Date.parse('2024-05-01T10:00:00.000Z');

/** A fixed timestamp `seconds` after the base time; tests never read the wall clock. */
function at(seconds: number): string {
  return new Date(BASE_TIME + seconds * 1000).toISOString();
}

function atDate(seconds: number): Date {
  return new Date(BASE_TIME + seconds * 1000);
}

async function expectParleyError(promise: Promise<unknown>, code: ErrorCode): Promise<ParleyError> {
  const outcome = await promise.then(
    () => ({ rejected: false as const }),
    (error: unknown) => ({ rejected: true as const, error }),
  );
  expect(outcome.rejected, `expected the call to fail with ${code}`).toBe(true);
  const error = outcome.rejected ? outcome.error : undefined;
  expect(error).toBeInstanceOf(ParleyError);
  expect((error as ParleyError).code).toBe(code);
  return error as ParleyError;
}

function sessionStarted(id: string, seconds = 0): EventDraft {
  return makeEvent('session-started', { channel: 'web', userId: 'user-1' }, id, atDate(seconds));
}

function userMessage(id: string, inboxId: string, text: string, seconds = 0): EventDraft {
  return makeEvent('user-message', { inboxId, clientMessageId: `client-${inboxId}`, channel: 'web', text }, id, atDate(seconds));
}

function slotSet(id: string, slot: string, value: unknown, seconds = 0): EventDraft {
  return makeEvent('slot-set', { slot, value }, id, atDate(seconds));
}

function botMessage(id: string, messageId: string, text: string, seconds = 0): EventDraft {
  return makeEvent(
    'bot-message',
    { messageId, inReplyTo: 'in_1', message: { type: 'text', text, buttons: [{ title: 'Yes', payload: '/yes' }] } },
    id,
    atDate(seconds),
  );
}

function newConversation(key: string, overrides: Partial<NewConversation> = {}): NewConversation {
  return {
    id: `conv_${key}`,
    botName: 'shop',
    channel: 'web',
    userId: `user_${key}`,
    tokenHash: `token-hash-${key}`,
    createdAt: at(0),
    events: [],
    ...overrides,
  };
}

function outgoing(id: string, conversationId: string, seconds: number, text = `reply ${id}`): NewOutboxEntry {
  return { id, conversationId, channel: 'web', message: { type: 'text', text }, createdAt: at(seconds) };
}

/** An outbox entry that carries a committed event to a webhook: nested data, unicode, nulls. */
function webhookDelivery(id: string, conversationId: string, seq: number, seconds: number): NewOutboxEntry {
  const event = {
    ...slotSet(`ev_${id}`, 'address', { street: 'Bahnhofstraße 1', floor: null, tags: ['home', '🏠'] }, seconds),
    conversationId,
    seq,
  } as ConversationEvent;
  return { id, conversationId, channel: 'webhook:crm', message: { type: 'webhook-event', webhook: 'crm', bot: 'shop', event }, createdAt: at(seconds) };
}

function knowledgeChunk(source: string, position: number, text = `Passage ${position} of ${source}.`, overrides: Partial<KnowledgeChunk> = {}): KnowledgeChunk {
  return {
    id: `${source}#${position}`,
    source,
    title: `Title of ${source}`,
    section: position === 0 ? null : `Section ${position}`,
    position,
    text,
    link: `https://example.com/${source}`,
    tags: ['faq', `tag-${position}`],
    ...overrides,
  };
}

/** A document whose chunks have these texts, in order. */
function knowledgeDocument(source: string, texts: readonly string[], overrides: Partial<KnowledgeDocument> = {}): KnowledgeDocument {
  return {
    source,
    title: `Title of ${source}`,
    contentHash: `sha256-of-${source}`,
    chunks: texts.map((text, position) => knowledgeChunk(source, position, text)),
    ...overrides,
  };
}

/** A small deterministic vector; values a float32 holds exactly are not required. */
function vectorOf(seed: number, dimensions = 4): Float32Array {
  return Float32Array.from({ length: dimensions }, (_, index) => Math.sin(seed * 31 + index) / 3);
}

/** The exact bits of a vector: -0 and 0, or two NaNs, are told apart. */
function bitsOf(vector: Float32Array | null): number[] | null {
  return vector === null ? null : Array.from(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
}

export function describeStoreConformance(name: string, open: () => Promise<OpenedStore>, options: { readonly durable: boolean }): void {
  describe(`ParleyStore conformance: ${name}`, () => {
    let opened: OpenedStore;
    let store: ParleyStore;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });

    afterEach(async () => {
      await opened.cleanup();
    });

    async function accept(conversationId: string, clientMessageId: string, seconds = 0, channel = 'web', text = `text ${clientMessageId}`) {
      return store.inbox.accept({
        id: `in_${conversationId}_${channel}_${clientMessageId}`,
        conversationId,
        channel,
        clientMessageId,
        text,
        receivedAt: at(seconds),
      });
    }

    function turn(conversation: ConversationRecord | { id: string; lastSeq: number }, inbox: InboxEntry, extra: Partial<TurnCommit> = {}): TurnCommit {
      return {
        conversationId: conversation.id,
        expectedLastSeq: conversation.lastSeq,
        inboxId: inbox.id,
        events: [userMessage(`ev_user_${inbox.id}`, inbox.id, inbox.text, 10), botMessage(`ev_bot_${inbox.id}`, `msg_${inbox.id}`, 'Hello!', 11)],
        outgoing: [outgoing(`out_${inbox.id}`, conversation.id, 11, 'Hello!')],
        outcome: { replies: [{ id: `msg_${inbox.id}`, type: 'text', text: 'Hello!' }] },
        processedAt: at(12),
        ...extra,
      };
    }

    describe('conversations', () => {
      it('creates a conversation and finds it by id and by token hash', async () => {
        const created = await store.conversations.create(newConversation('a', { createdAt: at(5) }));
        const expected: ConversationRecord = {
          id: 'conv_a',
          botName: 'shop',
          channel: 'web',
          userId: 'user_a',
          address: null,
          createdAt: at(5),
          lastSeq: 0,
        };
        expect(created).toEqual(expected);
        expect(await store.conversations.get('conv_a')).toEqual(expected);
        expect(await store.conversations.findByTokenHash('token-hash-a')).toEqual(expected);
        expect(await store.conversations.get('conv_missing')).toBeNull();
        expect(await store.conversations.findByTokenHash('token-hash-missing')).toBeNull();
      });

      it('finds a channel conversation by its address, and refuses a second one at the same address', async () => {
        const created = await store.conversations.create(newConversation('slack1', { channel: 'slack', address: 'C123:1700000000.0001' }));
        expect(created.address).toBe('C123:1700000000.0001');
        expect(await store.conversations.findByAddress('slack', 'C123:1700000000.0001')).toEqual(created);
        expect(await store.conversations.findByAddress('telegram', 'C123:1700000000.0001')).toBeNull();
        expect(await store.conversations.findByAddress('slack', 'C999')).toBeNull();
        await expect(store.conversations.create(newConversation('slack2', { channel: 'slack', address: 'C123:1700000000.0001' }))).rejects.toMatchObject({ code: 'PARLEY_STORE_CONFLICT' });
        expect(await store.conversations.get('conv_slack2')).toBeNull();
        // The same address on another channel is another conversation; conversations without one never clash.
        await store.conversations.create(newConversation('telegram1', { channel: 'telegram', address: 'C123:1700000000.0001' }));
        await store.conversations.create(newConversation('web1'));
        await store.conversations.create(newConversation('web2'));
        expect((await store.conversations.get('conv_web2'))?.address).toBeNull();
      });

      it('keeps a null user id', async () => {
        await store.conversations.create(newConversation('anonymous', { userId: null }));
        expect((await store.conversations.get('conv_anonymous'))?.userId).toBeNull();
      });

      it('numbers the events given at creation 1..n and sets lastSeq', async () => {
        const events = [sessionStarted('ev_1'), slotSet('ev_2', 'size', 'M', 1), slotSet('ev_3', 'colour', 'red', 2)];
        const created = await store.conversations.create(newConversation('a', { events }));
        expect(created.lastSeq).toBe(3);
        expect((await store.conversations.get('conv_a'))?.lastSeq).toBe(3);
        const stored = await store.conversations.listEvents('conv_a');
        expect(stored.map((event) => event.seq)).toEqual([1, 2, 3]);
        expect(stored.every((event) => event.conversationId === 'conv_a')).toBe(true);
      });

      it('reads events back exactly as they were written', async () => {
        const events = [
          sessionStarted('ev_1', 1),
          userMessage('ev_2', 'in_1', 'Where is my order? 📦 “quoted”', 2),
          slotSet('ev_3', 'order', { id: 'A-17', lines: [1, 2, 3], gift: false, note: null }, 3),
          botMessage('ev_4', 'msg_1', 'It ships tomorrow.', 4),
        ];
        await store.conversations.create(newConversation('a', { events }));
        const stored = await store.conversations.listEvents('conv_a');
        expect(stored).toEqual(events.map((event, index) => ({ ...event, conversationId: 'conv_a', seq: index + 1 })));
      });

      it('queues the outbox entries given at creation in the same write as the conversation', async () => {
        const delivery = webhookDelivery('whd_start', 'conv_a', 1, 0);
        await store.conversations.create(newConversation('a', { events: [sessionStarted('ev_start')], outgoing: [delivery] }));
        expect(await store.outbox.get('whd_start')).toEqual({
          id: 'whd_start',
          conversationId: 'conv_a',
          channel: 'webhook:crm',
          message: delivery.message,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at(0),
          lastError: null,
          createdAt: at(0),
        });
        expect(await store.outbox.claimDue({ limit: 10, now: at(0), leaseMs: 1000 })).toEqual([await store.outbox.get('whd_start')]);
      });

      it('creates nothing when an outbox entry given at creation cannot be written', async () => {
        await store.conversations.create(newConversation('a', { outgoing: [webhookDelivery('whd_taken', 'conv_a', 1, 0)] }));
        await expectParleyError(
          store.conversations.create(
            newConversation('b', { events: [sessionStarted('ev_b')], outgoing: [webhookDelivery('whd_new', 'conv_b', 1, 0), webhookDelivery('whd_taken', 'conv_b', 1, 0)] }),
          ),
          'PARLEY_STORE_CONFLICT',
        );
        expect(await store.conversations.get('conv_b')).toBeNull();
        expect(await store.conversations.findByTokenHash('token-hash-b')).toBeNull();
        expect(await store.conversations.listEvents('conv_b')).toEqual([]);
        expect(await store.outbox.get('whd_new')).toBeNull();
        expect(await store.outbox.countByStatus()).toEqual({ pending: 1, delivered: 0, failed: 0 });
        // Nothing of it was kept: the same conversation can be created afterwards.
        await store.conversations.create(newConversation('b', { events: [sessionStarted('ev_b')] }));
      });

      it('refuses a second conversation with the same id or token hash', async () => {
        await store.conversations.create(newConversation('a'));
        await expectParleyError(store.conversations.create(newConversation('a', { tokenHash: 'other' })), 'PARLEY_STORE_CONFLICT');
        await expectParleyError(store.conversations.create(newConversation('b', { tokenHash: 'token-hash-a' })), 'PARLEY_STORE_CONFLICT');
        expect(await store.conversations.get('conv_b')).toBeNull();
      });

      it('refuses an event id that is already in a log, and writes nothing of that conversation', async () => {
        await store.conversations.create(newConversation('a', { events: [sessionStarted('ev_shared')] }));
        await expectParleyError(
          store.conversations.create(newConversation('b', { events: [sessionStarted('ev_b1'), sessionStarted('ev_shared')] })),
          'PARLEY_STORE_CONFLICT',
        );
        expect(await store.conversations.get('conv_b')).toBeNull();
        expect(await store.conversations.listEvents('conv_b')).toEqual([]);
      });

      it('filters events by afterSeq, limit and types', async () => {
        const events = [
          sessionStarted('ev_1'),
          slotSet('ev_2', 'a', 1),
          userMessage('ev_3', 'in_1', 'hi'),
          slotSet('ev_4', 'b', 2),
          botMessage('ev_5', 'msg_1', 'hello'),
          slotSet('ev_6', 'c', 3),
        ];
        await store.conversations.create(newConversation('a', { events }));
        const seqs = async (options: Parameters<ParleyStore['conversations']['listEvents']>[1]) =>
          (await store.conversations.listEvents('conv_a', options)).map((event) => event.seq);

        expect(await seqs({})).toEqual([1, 2, 3, 4, 5, 6]);
        expect(await seqs({ afterSeq: 0 })).toEqual([1, 2, 3, 4, 5, 6]);
        expect(await seqs({ afterSeq: 4 })).toEqual([5, 6]);
        expect(await seqs({ afterSeq: 6 })).toEqual([]);
        expect(await seqs({ limit: 2 })).toEqual([1, 2]);
        expect(await seqs({ afterSeq: 2, limit: 2 })).toEqual([3, 4]);
        expect(await seqs({ types: ['slot-set'] })).toEqual([2, 4, 6]);
        expect(await seqs({ types: ['user-message', 'bot-message'] })).toEqual([3, 5]);
        expect(await seqs({ types: ['slot-set'], afterSeq: 2, limit: 1 })).toEqual([4]);
        expect(await seqs({ types: ['session-ended'] })).toEqual([]);
        expect(await seqs({ types: [] })).toEqual([]);
        expect(await store.conversations.listEvents('conv_missing')).toEqual([]);
      });

      it('does not let a caller change stored data through a returned object', async () => {
        await store.conversations.create(newConversation('a', { events: [slotSet('ev_1', 'order', { id: 'A-1' })] }));
        const [event] = await store.conversations.listEvents('conv_a');
        (event!.data as { value: { id: string } }).value.id = 'changed';
        const record = (await store.conversations.get('conv_a')) as { lastSeq: number };
        record.lastSeq = 99;
        const [again] = await store.conversations.listEvents('conv_a');
        expect(again!.data).toEqual({ slot: 'order', value: { id: 'A-1' } });
        expect((await store.conversations.get('conv_a'))?.lastSeq).toBe(1);
      });

      it('lists conversations newest first and pages through them without duplicates or gaps', async () => {
        // Three share a creation time, so the id decides their order.
        const times: Record<string, number> = { a: 1, b: 2, c: 3, d: 3, e: 3, f: 4, g: 5 };
        for (const key of ['d', 'a', 'g', 'c', 'f', 'e', 'b']) {
          await store.conversations.create(newConversation(key, { createdAt: at(times[key]!) }));
        }
        const expected = ['conv_g', 'conv_f', 'conv_e', 'conv_d', 'conv_c', 'conv_b', 'conv_a'];

        const whole = await store.conversations.list({ limit: 50 });
        expect(whole.conversations.map((conversation) => conversation.id)).toEqual(expected);
        expect(whole.nextCursor).toBeNull();

        const seen: string[] = [];
        const pageSizes: number[] = [];
        let cursor: string | null = null;
        do {
          const page = await store.conversations.list({ limit: 3, cursor });
          pageSizes.push(page.conversations.length);
          seen.push(...page.conversations.map((conversation) => conversation.id));
          cursor = page.nextCursor;
        } while (cursor !== null && pageSizes.length < 10);
        expect(pageSizes).toEqual([3, 3, 1]);
        expect(seen).toEqual(expected);
        expect(new Set(seen).size).toBe(seen.length);

        const exact = await store.conversations.list({ limit: 7 });
        expect(exact.conversations).toHaveLength(7);
        expect(exact.nextCursor).toBeNull();
      });

      it('keeps paging stable when newer conversations arrive between pages', async () => {
        for (let index = 1; index <= 4; index += 1) {
          await store.conversations.create(newConversation(`old${index}`, { createdAt: at(index) }));
        }
        const first = await store.conversations.list({ limit: 2 });
        expect(first.conversations.map((conversation) => conversation.id)).toEqual(['conv_old4', 'conv_old3']);
        await store.conversations.create(newConversation('new', { createdAt: at(100) }));
        const second = await store.conversations.list({ limit: 2, cursor: first.nextCursor });
        expect(second.conversations.map((conversation) => conversation.id)).toEqual(['conv_old2', 'conv_old1']);
        expect(second.nextCursor).toBeNull();
      });

      it('returns an empty page from an empty store', async () => {
        expect(await store.conversations.list({ limit: 10 })).toEqual({ conversations: [], nextCursor: null });
      });

      it('rejects a cursor it did not produce', async () => {
        await expectParleyError(store.conversations.list({ limit: 10, cursor: 'not-a-cursor' }), 'PARLEY_API_VALIDATION');
      });

      it('reports lastSeq in listings', async () => {
        await store.conversations.create(newConversation('a', { events: [sessionStarted('ev_1'), slotSet('ev_2', 'x', 1)] }));
        const page = await store.conversations.list({ limit: 10 });
        expect(page.conversations[0]?.lastSeq).toBe(2);
      });
    });

    describe('inbox', () => {
      beforeEach(async () => {
        await store.conversations.create(newConversation('a', { createdAt: at(0) }));
        await store.conversations.create(newConversation('b', { createdAt: at(0) }));
      });

      it('records a new message as pending', async () => {
        const result = await store.inbox.accept({
          id: 'in_1',
          conversationId: 'conv_a',
          channel: 'web',
          clientMessageId: 'client-1',
          text: 'Where is my order?',
          receivedAt: at(3),
        });
        expect(result.duplicate).toBe(false);
        expect(result.entry).toEqual({
          id: 'in_1',
          conversationId: 'conv_a',
          channel: 'web',
          clientMessageId: 'client-1',
          text: 'Where is my order?',
          receivedAt: at(3),
          seq: expect.any(Number),
          status: 'pending',
          outcome: null,
          processedAt: null,
        });
        expect(await store.inbox.get('in_1')).toEqual(result.entry);
        expect(await store.inbox.get('in_missing')).toBeNull();
      });

      it('returns the original entry for a repeated client message id', async () => {
        const first = await store.inbox.accept({
          id: 'in_1',
          conversationId: 'conv_a',
          channel: 'web',
          clientMessageId: 'client-1',
          text: 'original',
          receivedAt: at(1),
        });
        const again = await store.inbox.accept({
          id: 'in_2',
          conversationId: 'conv_a',
          channel: 'web',
          clientMessageId: 'client-1',
          text: 'retried delivery',
          receivedAt: at(2),
        });
        expect(again.duplicate).toBe(true);
        expect(again.entry).toEqual(first.entry);
        expect(await store.inbox.get('in_2')).toBeNull();
      });

      it('does not treat the same client message id on another conversation or channel as a duplicate', async () => {
        const original = await accept('conv_a', 'client-1', 1, 'web');
        const otherConversation = await accept('conv_b', 'client-1', 2, 'web');
        const otherChannel = await accept('conv_a', 'client-1', 3, 'slack');
        expect(original.duplicate).toBe(false);
        expect(otherConversation.duplicate).toBe(false);
        expect(otherChannel.duplicate).toBe(false);
        expect(new Set([original.entry.id, otherConversation.entry.id, otherChannel.entry.id]).size).toBe(3);
      });

      it('accepts exactly one of 20 concurrent deliveries of the same message', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            store.inbox.accept({
              id: `in_race_${index}`,
              conversationId: 'conv_a',
              channel: 'web',
              clientMessageId: 'client-race',
              text: 'same message',
              receivedAt: at(1),
            }),
          ),
        );
        const fresh = results.filter((result) => !result.duplicate);
        expect(fresh).toHaveLength(1);
        expect(new Set(results.map((result) => result.entry.id))).toEqual(new Set([fresh[0]!.entry.id]));
      });

      it('numbers entries in order of arrival across conversations', async () => {
        const first = await accept('conv_a', 'm1', 1);
        const second = await accept('conv_b', 'm1', 2);
        const third = await accept('conv_a', 'm2', 3);
        const duplicate = await accept('conv_a', 'm1', 4);
        expect(first.entry.seq).toBeLessThan(second.entry.seq);
        expect(second.entry.seq).toBeLessThan(third.entry.seq);
        expect(duplicate.entry.seq).toBe(first.entry.seq);
      });

      it('refuses a message for a conversation that does not exist', async () => {
        await expectParleyError(accept('conv_missing', 'm1'), 'PARLEY_CONVERSATION_NOT_FOUND');
      });

      it('refuses an entry id that is already taken by another message', async () => {
        await accept('conv_a', 'm1');
        await expectParleyError(
          store.inbox.accept({ id: 'in_conv_a_web_m1', conversationId: 'conv_a', channel: 'web', clientMessageId: 'm2', text: 'x', receivedAt: at(1) }),
          'PARLEY_STORE_CONFLICT',
        );
      });

      it('says whether older entries of the conversation were pending when an entry was accepted', async () => {
        const first = await accept('conv_a', 'm1', 1);
        expect(first.olderPending).toBe(false);
        expect((await accept('conv_b', 'm1', 2)).olderPending).toBe(false);
        const second = await accept('conv_a', 'm2', 3);
        expect(second.olderPending).toBe(true);
        await store.commitTurn(turn((await store.conversations.get('conv_a'))!, first.entry));
        await store.commitTurn(turn((await store.conversations.get('conv_a'))!, second.entry));
        expect((await accept('conv_a', 'm3', 4)).olderPending).toBe(false);
        expect((await accept('conv_a', 'm3', 5)).olderPending).toBe(false);
      });

      it('lists a conversation\'s pending entries oldest first, up to the limit, and skips processed ones', async () => {
        expect(await store.inbox.pending('conv_a', 10)).toEqual([]);
        const first = await accept('conv_a', 'm1', 1);
        await accept('conv_b', 'm1', 2);
        const second = await accept('conv_a', 'm2', 3);
        const third = await accept('conv_a', 'm3', 4);
        const ids = async (limit: number) => (await store.inbox.pending('conv_a', limit)).map((entry) => entry.id);
        expect(await ids(10)).toEqual([first.entry.id, second.entry.id, third.entry.id]);
        expect(await ids(2)).toEqual([first.entry.id, second.entry.id]);

        const conversation = (await store.conversations.get('conv_a'))!;
        await store.commitTurn(turn(conversation, first.entry));
        expect(await ids(10)).toEqual([second.entry.id, third.entry.id]);

        await store.commitTurn(turn((await store.conversations.get('conv_a'))!, second.entry));
        await store.commitTurn(turn((await store.conversations.get('conv_a'))!, third.entry));
        expect(await ids(10)).toEqual([]);
        await expectParleyError(store.inbox.pending('conv_a', 0), 'PARLEY_API_VALIDATION');
      });

      it('lists conversations with pending messages, oldest pending first', async () => {
        await store.conversations.create(newConversation('c'));
        expect(await store.inbox.conversationsWithPending(10)).toEqual([]);
        const firstOfB = await accept('conv_b', 'm1', 1);
        await accept('conv_a', 'm1', 2);
        await accept('conv_b', 'm2', 3);
        await accept('conv_c', 'm1', 4);
        expect(await store.inbox.conversationsWithPending(10)).toEqual(['conv_b', 'conv_a', 'conv_c']);
        expect(await store.inbox.conversationsWithPending(2)).toEqual(['conv_b', 'conv_a']);

        // conv_b still has m2 pending, but it arrived after conv_a's message.
        await store.commitTurn(turn((await store.conversations.get('conv_b'))!, firstOfB.entry));
        expect(await store.inbox.conversationsWithPending(10)).toEqual(['conv_a', 'conv_b', 'conv_c']);
      });
    });

    describe('commitTurn', () => {
      let conversation: ConversationRecord;
      let message: InboxEntry;

      beforeEach(async () => {
        conversation = await store.conversations.create(newConversation('a', { events: [sessionStarted('ev_start')] }));
        message = (await accept('conv_a', 'm1', 5, 'web', 'Where is my order?')).entry;
      });

      it('appends the events in order, queues the replies and closes the inbox entry', async () => {
        const commit = turn(conversation, message, {
          events: [
            userMessage('ev_u', message.id, message.text, 10),
            slotSet('ev_s', 'order', 'A-17', 10),
            botMessage('ev_b1', 'msg_1', 'Looking it up', 11),
            botMessage('ev_b2', 'msg_2', 'It ships tomorrow', 11),
          ],
          outgoing: [outgoing('out_1', 'conv_a', 11, 'Looking it up'), outgoing('out_2', 'conv_a', 11, 'It ships tomorrow')],
          outcome: {
            replies: [
              { id: 'msg_1', type: 'text', text: 'Looking it up' },
              { id: 'msg_2', type: 'text', text: 'It ships tomorrow', buttons: [{ title: 'Thanks', payload: '/thanks' }] },
            ],
          },
          processedAt: at(12),
        });
        expect(await store.commitTurn(commit)).toEqual({ lastSeq: 5 });
        expect((await store.conversations.get('conv_a'))?.lastSeq).toBe(5);

        const events = await store.conversations.listEvents('conv_a');
        expect(events.map((event) => [event.seq, event.id])).toEqual([
          [1, 'ev_start'],
          [2, 'ev_u'],
          [3, 'ev_s'],
          [4, 'ev_b1'],
          [5, 'ev_b2'],
        ]);
        expect(events.slice(1)).toEqual(commit.events.map((event, index) => ({ ...event, conversationId: 'conv_a', seq: index + 2 })));

        expect(await store.outbox.get('out_1')).toEqual({
          id: 'out_1',
          conversationId: 'conv_a',
          channel: 'web',
          message: { type: 'text', text: 'Looking it up' },
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at(11),
          lastError: null,
          createdAt: at(11),
        });
        expect(await store.outbox.countByStatus()).toEqual({ pending: 2, delivered: 0, failed: 0 });

        expect(await store.inbox.get(message.id)).toEqual({ ...message, status: 'processed', outcome: commit.outcome, processedAt: at(12) });
      });

      it('continues numbering across turns', async () => {
        const first = await store.commitTurn(turn(conversation, message));
        const next = (await accept('conv_a', 'm2', 20)).entry;
        const second = await store.commitTurn(turn({ id: 'conv_a', lastSeq: first.lastSeq }, next));
        expect(first.lastSeq).toBe(3);
        expect(second.lastSeq).toBe(5);
        expect((await store.conversations.listEvents('conv_a')).map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
      });

      it('commits a turn with no events and no replies', async () => {
        const result = await store.commitTurn(turn(conversation, message, { events: [], outgoing: [], outcome: { replies: [] } }));
        expect(result).toEqual({ lastSeq: 1 });
        expect((await store.inbox.get(message.id))?.status).toBe('processed');
      });

      async function expectNothingWritten(): Promise<void> {
        expect((await store.conversations.get('conv_a'))?.lastSeq).toBe(1);
        expect((await store.conversations.listEvents('conv_a')).map((event) => event.id)).toEqual(['ev_start']);
        expect(await store.outbox.countByStatus()).toEqual({ pending: 0, delivered: 0, failed: 0 });
        expect(await store.outbox.get(`out_${message.id}`)).toBeNull();
        expect(await store.inbox.get(message.id)).toEqual(message);
      }

      it('refuses a stale expectedLastSeq with a conflict and writes nothing', async () => {
        const error = await expectParleyError(store.commitTurn(turn({ id: 'conv_a', lastSeq: 0 }, message)), 'PARLEY_STORE_CONFLICT');
        expect(error.retryable).toBe(true);
        await expectParleyError(store.commitTurn(turn({ id: 'conv_a', lastSeq: 2 }, message)), 'PARLEY_STORE_CONFLICT');
        await expectNothingWritten();
      });

      it('writes nothing when a write late in the transaction fails', async () => {
        // The clash is on the last reply, after the events and the first reply would have been written.
        await expectParleyError(
          store.commitTurn(turn(conversation, message, { outgoing: [outgoing('out_x', 'conv_a', 11), outgoing('out_x', 'conv_a', 11)] })),
          'PARLEY_STORE_CONFLICT',
        );
        await expectNothingWritten();
      });

      it('refuses an event id that is already in the log and writes nothing', async () => {
        await expectParleyError(
          store.commitTurn(turn(conversation, message, { events: [userMessage('ev_new', message.id, 'x'), sessionStarted('ev_start')] })),
          'PARLEY_STORE_CONFLICT',
        );
        await expectNothingWritten();
      });

      it('refuses to process the same inbox entry twice', async () => {
        const first = await store.commitTurn(turn(conversation, message));
        await expectParleyError(
          store.commitTurn(
            turn({ id: 'conv_a', lastSeq: first.lastSeq }, message, {
              events: [botMessage('ev_again', 'msg_again', 'again')],
              outgoing: [outgoing('out_again', 'conv_a', 30)],
            }),
          ),
          'PARLEY_STORE_CONFLICT',
        );
        expect((await store.conversations.get('conv_a'))?.lastSeq).toBe(first.lastSeq);
        expect(await store.outbox.get('out_again')).toBeNull();
      });

      it('refuses an inbox entry of another conversation', async () => {
        const other = await store.conversations.create(newConversation('b'));
        await expectParleyError(store.commitTurn(turn(other, message)), 'PARLEY_STORE_CONFLICT');
        expect((await store.conversations.get('conv_b'))?.lastSeq).toBe(0);
        expect((await store.inbox.get(message.id))?.status).toBe('pending');
      });

      it('refuses a turn for a conversation that does not exist', async () => {
        await expectParleyError(store.commitTurn(turn({ id: 'conv_missing', lastSeq: 0 }, message)), 'PARLEY_CONVERSATION_NOT_FOUND');
        await expectNothingWritten();
      });

      it('lets exactly one of two concurrent turns on the same lastSeq win', async () => {
        const second = (await accept('conv_a', 'm2', 6)).entry;
        const results = await Promise.allSettled([store.commitTurn(turn(conversation, message)), store.commitTurn(turn(conversation, second))]);
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((result) => result.status === 'rejected');
        expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: 'PARLEY_STORE_CONFLICT' });
        expect((await store.conversations.get('conv_a'))?.lastSeq).toBe(3);
        expect(await store.outbox.countByStatus()).toEqual({ pending: 1, delivered: 0, failed: 0 });
      });
    });

    describe('appendEvents', () => {
      it('appends events with their outbox entries after the expected position, and refuses a stale one', async () => {
        await store.conversations.create(newConversation('fb', { events: [slotSet('ev_fb_1', 'a', 1)] }));
        const feedback = makeEvent('feedback-given', { rating: 'up', messageId: 'msg_1' }, 'ev_fb_2', atDate(3));
        expect(await store.appendEvents({ conversationId: 'conv_fb', expectedLastSeq: 1, events: [feedback], outgoing: [outgoing('out_fb', 'conv_fb', 3)] })).toEqual({ lastSeq: 2 });
        expect((await store.conversations.get('conv_fb'))?.lastSeq).toBe(2);
        expect((await store.conversations.listEvents('conv_fb')).map((event) => [event.seq, event.type])).toEqual([
          [1, 'slot-set'],
          [2, 'feedback-given'],
        ]);
        expect((await store.outbox.get('out_fb'))?.status).toBe('pending');
        const late = makeEvent('feedback-given', { rating: 'down' }, 'ev_fb_3', atDate(4));
        await expect(store.appendEvents({ conversationId: 'conv_fb', expectedLastSeq: 1, events: [late], outgoing: [outgoing('out_fb_2', 'conv_fb', 4)] })).rejects.toMatchObject({ code: 'PARLEY_STORE_CONFLICT' });
        expect((await store.conversations.listEvents('conv_fb')).length).toBe(2);
        expect(await store.outbox.get('out_fb_2')).toBeNull();
        await expect(store.appendEvents({ conversationId: 'conv_none', expectedLastSeq: 0, events: [late], outgoing: [] })).rejects.toMatchObject({ code: 'PARLEY_CONVERSATION_NOT_FOUND' });
      });
    });

    describe('outbox', () => {
      // Queues replies created at the given seconds, one turn per reply.
      async function queue(replies: ReadonlyArray<{ id: string; seconds: number }>): Promise<void> {
        let lastSeq = (await store.conversations.get('conv_a'))!.lastSeq;
        for (const reply of replies) {
          const entry = (await accept('conv_a', `for-${reply.id}`, reply.seconds)).entry;
          const result = await store.commitTurn(
            turn({ id: 'conv_a', lastSeq }, entry, {
              events: [botMessage(`ev_${reply.id}`, `msg_${reply.id}`, 'hi')],
              outgoing: [outgoing(reply.id, 'conv_a', reply.seconds)],
            }),
          );
          lastSeq = result.lastSeq;
        }
      }

      const ids = (entries: readonly { id: string }[]) => entries.map((entry) => entry.id);

      beforeEach(async () => {
        await store.conversations.create(newConversation('a'));
      });

      it('counts nothing in an empty outbox and finds no unknown entry', async () => {
        expect(await store.outbox.countByStatus()).toEqual({ pending: 0, delivered: 0, failed: 0 });
        expect(await store.outbox.get('out_missing')).toBeNull();
        expect(await store.outbox.claimDue({ limit: 10, now: at(1000), leaseMs: 1000 })).toEqual([]);
      });

      it('claims only entries that are due, oldest first, up to the limit', async () => {
        await queue([
          { id: 'out_c', seconds: 30 },
          { id: 'out_a', seconds: 10 },
          { id: 'out_b', seconds: 10 },
          { id: 'out_d', seconds: 40 },
        ]);
        expect(await store.outbox.claimDue({ limit: 10, now: at(9), leaseMs: 60_000 })).toEqual([]);
        const claimed = await store.outbox.claimDue({ limit: 2, now: at(35), leaseMs: 60_000 });
        expect(ids(claimed)).toEqual(['out_a', 'out_b']);
        expect(claimed[0]).toMatchObject({ status: 'pending', attempts: 0, message: { type: 'text', text: 'reply out_a' } });
        expect(ids(await store.outbox.claimDue({ limit: 10, now: at(35), leaseMs: 60_000 }))).toEqual(['out_c']);
        expect(ids(await store.outbox.claimDue({ limit: 10, now: at(40), leaseMs: 60_000 }))).toEqual(['out_d']);
      });

      it('does not hand out a leased entry again until its lease has ended', async () => {
        await queue([{ id: 'out_1', seconds: 0 }]);
        expect(ids(await store.outbox.claimDue({ limit: 10, now: at(0), leaseMs: 30_000 }))).toEqual(['out_1']);
        expect(await store.outbox.claimDue({ limit: 10, now: at(10), leaseMs: 30_000 })).toEqual([]);
        expect(await store.outbox.claimDue({ limit: 10, now: at(29.999), leaseMs: 30_000 })).toEqual([]);
        // A worker that crashed holding the lease loses it: the entry comes back by itself.
        expect(ids(await store.outbox.claimDue({ limit: 10, now: at(30), leaseMs: 30_000 }))).toEqual(['out_1']);
        expect(await store.outbox.claimDue({ limit: 10, now: at(31), leaseMs: 30_000 })).toEqual([]);
      });

      it('marks entries delivered so they are never claimed again', async () => {
        await queue([
          { id: 'out_1', seconds: 0 },
          { id: 'out_2', seconds: 1 },
          { id: 'out_3', seconds: 2 },
        ]);
        const claimed = await store.outbox.claimDue({ limit: 2, now: at(5), leaseMs: 1000 });
        await store.outbox.markDelivered(ids(claimed), at(6));
        expect((await store.outbox.get('out_1'))?.status).toBe('delivered');
        expect((await store.outbox.get('out_2'))?.status).toBe('delivered');
        expect(await store.outbox.countByStatus()).toEqual({ pending: 1, delivered: 2, failed: 0 });
        expect(ids(await store.outbox.claimDue({ limit: 10, now: at(100), leaseMs: 1000 }))).toEqual(['out_3']);
        await store.outbox.markDelivered([], at(7));
      });

      it('schedules a retry after a failed attempt and releases the lease', async () => {
        await queue([{ id: 'out_1', seconds: 0 }]);
        await store.outbox.claimDue({ limit: 10, now: at(0), leaseMs: 600_000 });
        await store.outbox.markAttemptFailed('out_1', 'HTTP 502 from the channel', at(5));
        expect(await store.outbox.get('out_1')).toMatchObject({
          status: 'pending',
          attempts: 1,
          lastError: 'HTTP 502 from the channel',
          nextAttemptAt: at(5),
        });
        expect(await store.outbox.claimDue({ limit: 10, now: at(4), leaseMs: 600_000 })).toEqual([]);
        // Due again at the retry time, although the old lease would have run much longer.
        expect(ids(await store.outbox.claimDue({ limit: 10, now: at(5), leaseMs: 600_000 }))).toEqual(['out_1']);
        await store.outbox.markAttemptFailed('out_1', 'timeout', at(20));
        expect(await store.outbox.get('out_1')).toMatchObject({ status: 'pending', attempts: 2, lastError: 'timeout', nextAttemptAt: at(20) });
        expect(await store.outbox.countByStatus()).toEqual({ pending: 1, delivered: 0, failed: 0 });
      });

      it('gives up for good when no retry time is given', async () => {
        await queue([{ id: 'out_1', seconds: 0 }]);
        await store.outbox.claimDue({ limit: 10, now: at(0), leaseMs: 1000 });
        await store.outbox.markAttemptFailed('out_1', 'channel rejected the message', null);
        expect(await store.outbox.get('out_1')).toMatchObject({ status: 'failed', attempts: 1, lastError: 'channel rejected the message' });
        expect(await store.outbox.countByStatus()).toEqual({ pending: 0, delivered: 0, failed: 1 });
        expect(await store.outbox.claimDue({ limit: 10, now: at(10_000), leaseMs: 1000 })).toEqual([]);
      });

      it('keeps a webhook delivery exactly as written, next to channel messages, through claim and delivery', async () => {
        const entry = (await accept('conv_a', 'm-webhook', 3)).entry;
        const delivery = webhookDelivery('whd_1', 'conv_a', 1, 3);
        await store.commitTurn(
          turn({ id: 'conv_a', lastSeq: 0 }, entry, {
            events: [botMessage('ev_hi', 'msg_hi', 'hi', 3)],
            outgoing: [delivery, outgoing('out_1', 'conv_a', 3)],
          }),
        );
        const claimed = await store.outbox.claimDue({ limit: 10, now: at(3), leaseMs: 1000 });
        expect(claimed.map((claim) => [claim.id, claim.channel, claim.message])).toEqual([
          ['out_1', 'web', { type: 'text', text: 'reply out_1' }],
          ['whd_1', 'webhook:crm', delivery.message],
        ]);
        await store.outbox.markDelivered(['whd_1'], at(4));
        expect(await store.outbox.get('whd_1')).toMatchObject({ status: 'delivered', message: delivery.message });
      });

      it('ignores a late failure report for an entry that was delivered meanwhile', async () => {
        await queue([{ id: 'out_1', seconds: 0 }]);
        await store.outbox.claimDue({ limit: 10, now: at(0), leaseMs: 1000 });
        await store.outbox.markDelivered(['out_1'], at(1));
        await store.outbox.markAttemptFailed('out_1', 'late timeout', null);
        expect(await store.outbox.get('out_1')).toMatchObject({ status: 'delivered', attempts: 0, lastError: null });
      });
    });

    describe('api keys', () => {
      const adminKey = { id: 'key_1', name: 'ops', scopes: ['admin', 'conversations'] as const, createdAt: at(1), revokedAt: null };

      it('creates, finds, lists and revokes keys', async () => {
        await store.apiKeys.create({ ...adminKey, scopes: [...adminKey.scopes], secretHash: 'secret-hash-1' });
        await store.apiKeys.create({ id: 'key_2', name: 'widget', scopes: ['conversations'], createdAt: at(2), revokedAt: null, secretHash: 'secret-hash-2' });

        expect(await store.apiKeys.findBySecretHash('secret-hash-1')).toEqual({ ...adminKey, scopes: ['admin', 'conversations'] });
        expect(await store.apiKeys.findBySecretHash('secret-hash-unknown')).toBeNull();
        expect((await store.apiKeys.list()).map((key) => key.id)).toEqual(['key_1', 'key_2']);

        expect(await store.apiKeys.revoke('key_1', at(10))).toBe(true);
        expect(await store.apiKeys.findBySecretHash('secret-hash-1')).toBeNull();
        expect((await store.apiKeys.findBySecretHash('secret-hash-2'))?.id).toBe('key_2');
        const listed = await store.apiKeys.list();
        expect(listed.find((key) => key.id === 'key_1')?.revokedAt).toBe(at(10));
        expect(listed.find((key) => key.id === 'key_2')?.revokedAt).toBeNull();

        expect(await store.apiKeys.revoke('key_1', at(11))).toBe(false);
        expect(await store.apiKeys.revoke('key_missing', at(11))).toBe(false);
        expect((await store.apiKeys.list()).find((key) => key.id === 'key_1')?.revokedAt).toBe(at(10));
      });

      it('refuses a second key with the same id or secret hash', async () => {
        await store.apiKeys.create({ ...adminKey, scopes: ['admin'], secretHash: 'secret-hash-1' });
        await expectParleyError(store.apiKeys.create({ ...adminKey, scopes: ['admin'], secretHash: 'secret-hash-other' }), 'PARLEY_STORE_CONFLICT');
        await expectParleyError(
          store.apiKeys.create({ ...adminKey, id: 'key_other', scopes: ['admin'], secretHash: 'secret-hash-1' }),
          'PARLEY_STORE_CONFLICT',
        );
        expect(await store.apiKeys.list()).toHaveLength(1);
      });
    });

    describe('agents', () => {
      function agent(key: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
        return { id: `agent_${key}`, name: `Agent ${key}`, email: `${key}@example.com`, role: 'agent', teams: ['billing'], capacity: 3, createdAt: at(1), disabledAt: null, ...overrides };
      }

      it('creates, finds by email (any case), gets and lists agents, oldest first', async () => {
        await store.agents.create({ ...agent('ana', { email: 'Ana@Example.COM', createdAt: at(2), teams: ['billing', 'returns'] }), passwordHash: 'hash-ana' });
        await store.agents.create({ ...agent('bo', { role: 'admin', teams: [], capacity: 0, createdAt: at(1) }), passwordHash: 'hash-bo' });

        const ana = { ...agent('ana', { email: 'ana@example.com', createdAt: at(2), teams: ['billing', 'returns'] }) };
        expect(await store.agents.findByEmail('ANA@example.com')).toEqual({ agent: ana, passwordHash: 'hash-ana' });
        expect(await store.agents.findByEmail('  ana@example.com ')).toEqual({ agent: ana, passwordHash: 'hash-ana' });
        expect(await store.agents.findByEmail('nobody@example.com')).toBeNull();
        expect(await store.agents.get('agent_ana')).toEqual(ana);
        expect(await store.agents.get('agent_missing')).toBeNull();
        expect((await store.agents.list()).map((record) => record.id)).toEqual(['agent_bo', 'agent_ana']);
        expect((await store.agents.get('agent_bo'))?.role).toBe('admin');
      });

      it('refuses a second agent with the same id or the same email in another case', async () => {
        await store.agents.create({ ...agent('ana'), passwordHash: 'hash-1' });
        await expectParleyError(store.agents.create({ ...agent('ana', { email: 'other@example.com' }), passwordHash: 'hash-2' }), 'PARLEY_STORE_CONFLICT');
        await expectParleyError(store.agents.create({ ...agent('other', { email: 'ANA@example.com' }), passwordHash: 'hash-3' }), 'PARLEY_STORE_CONFLICT');
        expect(await store.agents.list()).toHaveLength(1);
        expect((await store.agents.findByEmail('ana@example.com'))?.passwordHash).toBe('hash-1');
      });

      it('updates only the given fields, and null for an unknown agent', async () => {
        await store.agents.create({ ...agent('ana'), passwordHash: 'hash-ana' });
        const updated = await store.agents.update('agent_ana', { role: 'admin', teams: ['sales'], capacity: 5 });
        expect(updated).toEqual(agent('ana', { role: 'admin', teams: ['sales'], capacity: 5 }));
        expect(await store.agents.get('agent_ana')).toEqual(updated);

        const disabled = await store.agents.update('agent_ana', { disabledAt: '2024-05-01T10:00:10Z', name: 'Ana B.' });
        expect(disabled).toMatchObject({ name: 'Ana B.', role: 'admin', disabledAt: at(10) });
        expect((await store.agents.findByEmail('ana@example.com'))?.agent.disabledAt).toBe(at(10));
        expect((await store.agents.update('agent_ana', { disabledAt: null }))?.disabledAt).toBeNull();
        // The password hash is not touched by an update.
        expect((await store.agents.findByEmail('ana@example.com'))?.passwordHash).toBe('hash-ana');

        expect(await store.agents.update('agent_missing', { capacity: 1 })).toBeNull();
      });

      it('keeps sessions by token hash with their times, touches and deletes them', async () => {
        await store.agents.create({ ...agent('ana'), passwordHash: 'hash-ana' });
        await store.agents.createSession({ tokenHash: 'session-1', agentId: 'agent_ana', createdAt: at(1), expiresAt: '2024-05-01T18:00:01Z' });

        expect(await store.agents.findSession('session-1')).toEqual({ agentId: 'agent_ana', createdAt: at(1), expiresAt: at(8 * 3600 + 1) });
        expect(await store.agents.findSession('session-unknown')).toBeNull();

        await store.agents.touchSession('session-1', at(9 * 3600));
        expect(await store.agents.findSession('session-1')).toEqual({ agentId: 'agent_ana', createdAt: at(1), expiresAt: at(9 * 3600) });
        // Touching a session that is gone does nothing.
        await store.agents.touchSession('session-unknown', at(9 * 3600));
        expect(await store.agents.findSession('session-unknown')).toBeNull();

        await expectParleyError(store.agents.createSession({ tokenHash: 'session-1', agentId: 'agent_ana', createdAt: at(2), expiresAt: at(3) }), 'PARLEY_STORE_CONFLICT');
        await expectParleyError(store.agents.createSession({ tokenHash: 'session-2', agentId: 'agent_missing', createdAt: at(2), expiresAt: at(3) }), 'PARLEY_AGENT_NOT_FOUND');

        expect(await store.agents.deleteSession('session-1')).toBe(true);
        expect(await store.agents.findSession('session-1')).toBeNull();
        expect(await store.agents.deleteSession('session-1')).toBe(false);
      });

      it('lists the audit log newest first, ties in reverse order of appending, filtered by conversation', async () => {
        const record = (id: string, seconds: number, conversationId: string | null, details: Record<string, unknown> = {}) =>
          ({ id, at: at(seconds), agentId: conversationId === null ? null : 'agent_ana', action: `test.${id}`, conversationId, details });
        await store.agents.appendAudit(record('aud_1', 1, null, { email: 'x@example.com', nested: { ok: true, list: [1, 2] } }));
        await store.agents.appendAudit(record('aud_2', 3, 'conv_a'));
        await store.agents.appendAudit(record('aud_3', 2, 'conv_b'));
        await store.agents.appendAudit(record('aud_4', 3, 'conv_a'));
        await store.agents.appendAudit({ ...record('aud_5', 0, 'conv_a'), at: '2024-05-01T10:00:00Z' });

        expect((await store.agents.listAudit({ limit: 10 })).map((entry) => entry.id)).toEqual(['aud_4', 'aud_2', 'aud_3', 'aud_1', 'aud_5']);
        expect((await store.agents.listAudit({ limit: 2 })).map((entry) => entry.id)).toEqual(['aud_4', 'aud_2']);
        expect((await store.agents.listAudit({ limit: 10, conversationId: 'conv_a' })).map((entry) => entry.id)).toEqual(['aud_4', 'aud_2', 'aud_5']);
        expect(await store.agents.listAudit({ limit: 10, conversationId: 'conv_none' })).toEqual([]);
        expect((await store.agents.listAudit({ limit: 10 })).at(-2)).toEqual(record('aud_1', 1, null, { email: 'x@example.com', nested: { ok: true, list: [1, 2] } }));
        expect((await store.agents.listAudit({ limit: 10 })).at(-1)?.at).toBe(at(0));

        await expectParleyError(store.agents.appendAudit(record('aud_1', 5, null)), 'PARLEY_STORE_CONFLICT');
        await expectParleyError(store.agents.listAudit({ limit: 0 }), 'PARLEY_API_VALIDATION');
      });

      if (options.durable) it('keeps agents, sessions and the audit log across a close and reopen', async () => {
        await store.agents.create({ ...agent('ana'), passwordHash: 'hash-ana' });
        await store.agents.createSession({ tokenHash: 'session-1', agentId: 'agent_ana', createdAt: at(1), expiresAt: at(100) });
        await store.agents.appendAudit({ id: 'aud_1', at: at(1), agentId: 'agent_ana', action: 'agent.sign-in', conversationId: null, details: { address: '127.0.0.1' } });
        await store.close();
        if (!opened.reopen) throw new Error('a durable store must give reopen()');
        store = await opened.reopen();
        expect(await store.agents.findByEmail('ana@example.com')).toEqual({ agent: agent('ana'), passwordHash: 'hash-ana' });
        expect(await store.agents.findSession('session-1')).toEqual({ agentId: 'agent_ana', createdAt: at(1), expiresAt: at(100) });
        expect(await store.agents.listAudit({ limit: 5 })).toEqual([
          { id: 'aud_1', at: at(1), agentId: 'agent_ana', action: 'agent.sign-in', conversationId: null, details: { address: '127.0.0.1' } },
        ]);
      });
    });

    describe('handoffs', () => {
      async function openHandoff(key: string, seconds: number, overrides: { bot?: string; team?: string; reason?: string } = {}): Promise<HandoffRecord> {
        if (!(await store.conversations.get(`conv_${key}`))) await store.conversations.create(newConversation(key, { botName: overrides.bot ?? 'shop' }));
        return store.handoffs.open({ conversationId: `conv_${key}`, bot: overrides.bot ?? 'shop', team: overrides.team ?? 'billing', reason: overrides.reason ?? 'asked for a person', at: at(seconds) });
      }

      function queued(key: string, seconds: number, overrides: Partial<HandoffRecord> = {}): HandoffRecord {
        return {
          conversationId: `conv_${key}`,
          bot: 'shop',
          team: 'billing',
          state: 'queued',
          reason: 'asked for a person',
          queuedAt: at(seconds),
          agentId: null,
          assignedAt: null,
          firstResponseAt: null,
          slaBreachedAt: null,
          resolvedAt: null,
          ...overrides,
        };
      }

      async function ids(filter: Parameters<ParleyStore['handoffs']['list']>[0]): Promise<string[]> {
        return (await store.handoffs.list(filter)).map((record) => record.conversationId);
      }

      it('opens a handoff, returns an open one unchanged, and opens a resolved one again', async () => {
        await store.conversations.create(newConversation('a'));
        const opened = await store.handoffs.open({ conversationId: 'conv_a', bot: 'shop', team: 'billing', reason: 'asked for a person', at: '2024-05-01T10:00:05Z' });
        expect(opened).toEqual(queued('a', 5));
        expect(await store.handoffs.get('conv_a')).toEqual(queued('a', 5));
        expect(await store.handoffs.get('conv_none')).toBeNull();

        // Open already: the second request changes nothing.
        expect(await openHandoff('a', 9, { team: 'sales', reason: 'again' })).toEqual(queued('a', 5));
        await store.handoffs.claim('conv_a', 'agent_ana', at(10));
        expect(await openHandoff('a', 11, { team: 'sales' })).toEqual(queued('a', 5, { state: 'assigned', agentId: 'agent_ana', assignedAt: at(10) }));

        await store.handoffs.markFirstResponse('conv_a', at(12));
        expect(await store.handoffs.resolve('conv_a', at(20))).toEqual(
          queued('a', 5, { state: 'resolved', agentId: 'agent_ana', assignedAt: at(10), firstResponseAt: at(12), resolvedAt: at(20) }),
        );
        // Resolved: opened again, with a fresh place in line.
        expect(await openHandoff('a', 30, { team: 'sales', reason: 'second time' })).toEqual(queued('a', 30, { team: 'sales', reason: 'second time' }));
        expect(await store.handoffs.get('conv_a')).toEqual(queued('a', 30, { team: 'sales', reason: 'second time' }));
      });

      it('refuses to open a handoff of an unknown conversation', async () => {
        await expectParleyError(
          store.handoffs.open({ conversationId: 'conv_missing', bot: 'shop', team: 'billing', reason: 'x', at: at(1) }),
          'PARLEY_CONVERSATION_NOT_FOUND',
        );
        expect(await store.handoffs.get('conv_missing')).toBeNull();
      });

      it('gives a queued handoff to the first agent who claims it, and null after', async () => {
        await openHandoff('a', 1);
        const claimed = await store.handoffs.claim('conv_a', 'agent_ana', '2024-05-01T10:00:02Z');
        expect(claimed).toEqual(queued('a', 1, { state: 'assigned', agentId: 'agent_ana', assignedAt: at(2) }));
        expect(await store.handoffs.claim('conv_a', 'agent_bo', at(3))).toBeNull();
        expect(await store.handoffs.get('conv_a')).toEqual(claimed);
        expect(await store.handoffs.claim('conv_missing', 'agent_bo', at(3))).toBeNull();
      });

      it('of ten agents claiming at once, exactly one gets the handoff', async () => {
        await openHandoff('a', 1);
        const results = await Promise.all(Array.from({ length: 10 }, (_, index) => store.handoffs.claim('conv_a', `agent_${index}`, at(2))));
        const winners = results.filter((result) => result !== null);
        expect(winners).toHaveLength(1);
        expect((await store.handoffs.get('conv_a'))?.agentId).toBe(winners[0]!.agentId);
      });

      it('releases an assigned handoff back to its place in line', async () => {
        await openHandoff('a', 1);
        await openHandoff('b', 2);
        await openHandoff('c', 3);
        await store.handoffs.claim('conv_a', 'agent_ana', at(4));
        expect(await ids({ states: ['queued'] })).toEqual(['conv_b', 'conv_c']);

        expect(await store.handoffs.release('conv_a')).toEqual(queued('a', 1));
        expect(await ids({ states: ['queued'] })).toEqual(['conv_a', 'conv_b', 'conv_c']);
        // Not assigned: nothing to release.
        expect(await store.handoffs.release('conv_a')).toBeNull();
        expect(await store.handoffs.release('conv_missing')).toBeNull();
      });

      it('transfers an open handoff to another team, queued again in its place', async () => {
        await openHandoff('a', 1);
        await store.handoffs.claim('conv_a', 'agent_ana', at(2));
        expect(await store.handoffs.transfer('conv_a', 'returns')).toEqual(queued('a', 1, { team: 'returns' }));
        expect(await store.handoffs.transfer('conv_a', 'sales')).toEqual(queued('a', 1, { team: 'sales' }));
        await store.handoffs.resolve('conv_a', at(3));
        expect(await store.handoffs.transfer('conv_a', 'billing')).toBeNull();
        expect((await store.handoffs.get('conv_a'))?.team).toBe('sales');
        expect(await store.handoffs.transfer('conv_missing', 'billing')).toBeNull();
      });

      it('keeps the first response and the first SLA breach', async () => {
        await openHandoff('a', 1);
        await store.handoffs.markFirstResponse('conv_a', '2024-05-01T10:00:05Z');
        await store.handoffs.markFirstResponse('conv_a', at(6));
        expect((await store.handoffs.get('conv_a'))?.firstResponseAt).toBe(at(5));

        expect(await store.handoffs.markSlaBreached('conv_a', '2024-05-01T10:01:00Z')).toBe(true);
        expect(await store.handoffs.markSlaBreached('conv_a', at(120))).toBe(false);
        expect((await store.handoffs.get('conv_a'))?.slaBreachedAt).toBe(at(60));
        expect(await store.handoffs.markSlaBreached('conv_missing', at(60))).toBe(false);
      });

      it('resolves an open handoff, and null when it is not open', async () => {
        await openHandoff('a', 1);
        await openHandoff('b', 2);
        await store.handoffs.claim('conv_b', 'agent_ana', at(3));
        expect(await store.handoffs.resolve('conv_a', '2024-05-01T10:00:04Z')).toEqual(queued('a', 1, { state: 'resolved', resolvedAt: at(4) }));
        expect(await store.handoffs.resolve('conv_b', at(5))).toEqual(queued('b', 2, { state: 'resolved', agentId: 'agent_ana', assignedAt: at(3), resolvedAt: at(5) }));
        expect(await store.handoffs.resolve('conv_a', at(6))).toBeNull();
        expect(await store.handoffs.claim('conv_a', 'agent_ana', at(6))).toBeNull();
        expect(await store.handoffs.resolve('conv_missing', at(6))).toBeNull();
        expect((await store.handoffs.get('conv_a'))?.resolvedAt).toBe(at(4));
      });

      it('lists oldest first, ties by conversation id, with every filter ANDed', async () => {
        await openHandoff('d', 4, { team: 'sales' });
        await openHandoff('b', 1);
        await openHandoff('a', 1);
        await openHandoff('c', 2, { bot: 'bank' });
        await openHandoff('e', 5, { team: 'sales', bot: 'bank' });
        await store.handoffs.claim('conv_c', 'agent_ana', at(6));
        await store.handoffs.claim('conv_d', 'agent_bo', at(6));
        await openHandoff('f', 0);
        await store.handoffs.resolve('conv_f', at(7));

        expect(await ids({ states: ['queued', 'assigned'] })).toEqual(['conv_a', 'conv_b', 'conv_c', 'conv_d', 'conv_e']);
        expect(await ids({ states: ['queued'] })).toEqual(['conv_a', 'conv_b', 'conv_e']);
        expect(await ids({ states: ['assigned'] })).toEqual(['conv_c', 'conv_d']);
        expect(await ids({ states: ['resolved'] })).toEqual(['conv_f']);
        expect(await ids({ states: [] })).toEqual([]);
        expect(await ids({ states: ['queued', 'assigned', 'resolved'], teams: [] })).toEqual(['conv_f', 'conv_a', 'conv_b', 'conv_c', 'conv_d', 'conv_e']);
        expect(await ids({ states: ['queued', 'assigned'], teams: ['sales'] })).toEqual(['conv_d', 'conv_e']);
        expect(await ids({ states: ['queued'], teams: ['sales', 'returns'] })).toEqual(['conv_e']);
        expect(await ids({ states: ['queued', 'assigned'], agentId: 'agent_ana' })).toEqual(['conv_c']);
        expect(await ids({ states: ['queued'], agentId: 'agent_ana' })).toEqual([]);
        expect(await ids({ states: ['queued', 'assigned'], bot: 'bank' })).toEqual(['conv_c', 'conv_e']);
        expect(await ids({ states: ['queued', 'assigned'], bot: 'bank', teams: ['billing'] })).toEqual(['conv_c']);
        expect(await ids({ states: ['queued', 'assigned'], limit: 2 })).toEqual(['conv_a', 'conv_b']);
        expect((await store.handoffs.list({ states: ['assigned'], teams: ['sales'] }))[0]).toEqual(
          queued('d', 4, { team: 'sales', state: 'assigned', agentId: 'agent_bo', assignedAt: at(6) }),
        );
        await expectParleyError(store.handoffs.list({ states: ['queued'], limit: 0 }), 'PARLEY_API_VALIDATION');
      });

      it('hands out copies: changing a returned record changes nothing stored', async () => {
        const opened = await openHandoff('a', 1);
        (opened as { team: string }).team = 'changed';
        const listed = await store.handoffs.list({ states: ['queued'] });
        (listed[0] as { state: string }).state = 'resolved';
        expect(await store.handoffs.get('conv_a')).toEqual(queued('a', 1));
      });

      if (options.durable) it('keeps handoffs across a close and reopen', async () => {
        await openHandoff('a', 1);
        await store.handoffs.claim('conv_a', 'agent_ana', at(2));
        await store.close();
        if (!opened.reopen) throw new Error('a durable store must give reopen()');
        store = await opened.reopen();
        expect(await store.handoffs.get('conv_a')).toEqual(queued('a', 1, { state: 'assigned', agentId: 'agent_ana', assignedAt: at(2) }));
      });
    });

    describe('nlu models', () => {
      const model = (hash: string, botName: string, createdAt: string, byte: number) => ({ hash, botName, createdAt, bytes: new Uint8Array([byte, 1, 2, 3]) });

      it('saves a model once per hash and reads it back byte for byte', async () => {
        await store.models.save(model('h1', 'shop', at(1), 7));
        await store.models.save(model('h1', 'shop', at(2), 9));
        const stored = await store.models.get('h1');
        expect(stored).toEqual({ hash: 'h1', botName: 'shop', createdAt: at(1), bytes: new Uint8Array([7, 1, 2, 3]) });
        expect(await store.models.get('h2')).toBeNull();
      });

      it('gives the latest model of a bot', async () => {
        expect(await store.models.latest('shop')).toBeNull();
        await store.models.save(model('h1', 'shop', at(1), 1));
        await store.models.save(model('h2', 'shop', at(3), 2));
        await store.models.save(model('h3', 'bank', at(5), 3));
        expect((await store.models.latest('shop'))?.hash).toBe('h2');
        expect((await store.models.latest('bank'))?.hash).toBe('h3');
      });

      it('hands out copies', async () => {
        const saved = model('h1', 'shop', at(1), 5);
        await store.models.save(saved);
        saved.bytes[0] = 99;
        const first = (await store.models.get('h1'))!;
        first.bytes[1] = 99;
        expect((await store.models.get('h1'))!.bytes).toEqual(new Uint8Array([5, 1, 2, 3]));
      });
    });

    describe('knowledge', () => {
      const ingestedAt = at(100);
      const texts = (loaded: readonly { chunk: KnowledgeChunk }[]) => loaded.map((entry) => entry.chunk.text);
      const sources = (loaded: readonly { chunk: KnowledgeChunk }[]) => loaded.map((entry) => `${entry.chunk.source}#${entry.chunk.position}`);

      it('knows nothing of a bot before anything is put', async () => {
        expect(await store.knowledge.listDocuments('shop')).toEqual([]);
        expect(await store.knowledge.loadChunks('shop')).toEqual([]);
        expect(await store.knowledge.removeDocument('shop', 'returns.md')).toBe(false);
      });

      it('stores a document and gives back its summary and its chunks', async () => {
        const document = knowledgeDocument('returns.md', ['You can return items within 30 days.', 'Refunds take 5 days.', 'Exchanges are free.']);
        // Not canonical on the way in: stored in the one form every timestamp has.
        await store.knowledge.putDocument('shop', document, '2024-05-01T10:01:40Z');
        expect(await store.knowledge.listDocuments('shop')).toEqual([
          { source: 'returns.md', title: 'Title of returns.md', contentHash: 'sha256-of-returns.md', chunks: 3, ingestedAt },
        ]);
        expect(await store.knowledge.loadChunks('shop')).toEqual(document.chunks.map((chunk) => ({ chunk, vector: null, vectorModel: null })));
      });

      it('replaces a document whole: the old chunks are gone, the positions are the new version\'s', async () => {
        const first = knowledgeDocument('returns.md', ['old 0', 'old 1', 'old 2', 'old 3'], {
          contentHash: 'hash-1',
          vectors: [vectorOf(0), vectorOf(1), vectorOf(2), vectorOf(3)],
          vectorModel: 'model-a',
        });
        await store.knowledge.putDocument('shop', first, at(1));
        await store.knowledge.putDocument('shop', knowledgeDocument('shipping.md', ['ships in 2 days']), at(2));

        const second = knowledgeDocument('returns.md', ['new 0', 'new 1'], { title: 'Returns, revised', contentHash: 'hash-2' });
        await store.knowledge.putDocument('shop', second, at(3));

        expect(await store.knowledge.listDocuments('shop')).toEqual([
          { source: 'returns.md', title: 'Returns, revised', contentHash: 'hash-2', chunks: 2, ingestedAt: at(3) },
          { source: 'shipping.md', title: 'Title of shipping.md', contentHash: 'sha256-of-shipping.md', chunks: 1, ingestedAt: at(2) },
        ]);
        const loaded = await store.knowledge.loadChunks('shop');
        expect(sources(loaded)).toEqual(['returns.md#0', 'returns.md#1', 'shipping.md#0']);
        expect(texts(loaded)).toEqual(['new 0', 'new 1', 'ships in 2 days']);
        // The new version has no vectors: none of the old ones survive.
        expect(loaded.map((entry) => [entry.vector, entry.vectorModel])).toEqual([[null, null], [null, null], [null, null]]);

        // And the other way: a version with vectors replaces one without.
        await store.knowledge.putDocument('shop', { ...second, vectors: [vectorOf(7), vectorOf(8)], vectorModel: 'model-b' }, at(4));
        const again = (await store.knowledge.loadChunks('shop')).filter((entry) => entry.chunk.source === 'returns.md');
        expect(again.map((entry) => bitsOf(entry.vector))).toEqual([bitsOf(vectorOf(7)), bitsOf(vectorOf(8))]);
        expect(again.map((entry) => entry.vectorModel)).toEqual(['model-b', 'model-b']);
      });

      it('keeps the knowledge of two bots apart, even under the same source', async () => {
        await store.knowledge.putDocument('shop', knowledgeDocument('faq.md', ['shop answer']), at(1));
        await store.knowledge.putDocument('bank', knowledgeDocument('faq.md', ['bank answer 0', 'bank answer 1'], { contentHash: 'bank-hash' }), at(2));
        expect(texts(await store.knowledge.loadChunks('shop'))).toEqual(['shop answer']);
        expect(texts(await store.knowledge.loadChunks('bank'))).toEqual(['bank answer 0', 'bank answer 1']);
        expect((await store.knowledge.listDocuments('bank')).map((summary) => [summary.contentHash, summary.chunks])).toEqual([['bank-hash', 2]]);

        expect(await store.knowledge.removeDocument('shop', 'faq.md')).toBe(true);
        expect(await store.knowledge.loadChunks('shop')).toEqual([]);
        expect(texts(await store.knowledge.loadChunks('bank'))).toEqual(['bank answer 0', 'bank answer 1']);
        expect(await store.knowledge.loadChunks('nobody')).toEqual([]);
      });

      it('removes a document and its chunks, and says false when there was none', async () => {
        await store.knowledge.putDocument('shop', knowledgeDocument('a.md', ['a0', 'a1'], { vectors: [vectorOf(1), vectorOf(2)], vectorModel: 'm' }), at(1));
        await store.knowledge.putDocument('shop', knowledgeDocument('b.md', ['b0']), at(1));
        expect(await store.knowledge.removeDocument('shop', 'a.md')).toBe(true);
        expect(await store.knowledge.removeDocument('shop', 'a.md')).toBe(false);
        expect(await store.knowledge.removeDocument('shop', 'c.md')).toBe(false);
        expect((await store.knowledge.listDocuments('shop')).map((summary) => summary.source)).toEqual(['b.md']);
        expect(sources(await store.knowledge.loadChunks('shop'))).toEqual(['b.md#0']);
        // A removed source can come back.
        await store.knowledge.putDocument('shop', knowledgeDocument('a.md', ['a0 again']), at(2));
        expect(sources(await store.knowledge.loadChunks('shop'))).toEqual(['a.md#0', 'b.md#0']);
      });

      it('gives vectors back bit for bit, as Float32Arrays, with their model', async () => {
        const special = new Float32Array([-0, 0, 1.401298464324817e-45, -3.4028234663852886e38, 0.1, -1.5, 1 / 3, 123456.789]);
        // A view into a larger buffer at an offset: only the view's own values are stored.
        const shared = new Float32Array(24).map((_, index) => index + 0.25);
        const view = shared.subarray(9, 17);
        const document = knowledgeDocument('vectors.md', ['zero', 'one', 'two'], { vectors: [special, view, vectorOf(5, 8)], vectorModel: 'text-embedding-3-small' });
        await store.knowledge.putDocument('shop', document, at(1));
        const loaded = await store.knowledge.loadChunks('shop');
        for (const entry of loaded) {
          expect(entry.vector).toBeInstanceOf(Float32Array);
          expect(entry.vector!.length).toBe(8);
          // Aligned: a Float32Array view needs a byte offset that is a multiple of 4, and it must not be a view of the caller's buffer.
          expect(entry.vector!.byteOffset % 4).toBe(0);
          expect(entry.vector!.buffer).not.toBe(shared.buffer);
        }
        expect(loaded.map((entry) => bitsOf(entry.vector))).toEqual([bitsOf(special), bitsOf(view), bitsOf(vectorOf(5, 8))]);
        expect(Object.is(loaded[0]!.vector![0], -0)).toBe(true);
        expect(loaded.map((entry) => entry.vectorModel)).toEqual(['text-embedding-3-small', 'text-embedding-3-small', 'text-embedding-3-small']);
      });

      it('keeps a chunk without vectors next to chunks of another document that has them', async () => {
        await store.knowledge.putDocument('shop', knowledgeDocument('plain.md', ['plain']), at(1));
        await store.knowledge.putDocument('shop', knowledgeDocument('dense.md', ['dense'], { vectors: [vectorOf(3, 384)], vectorModel: 'm' }), at(1));
        const loaded = await store.knowledge.loadChunks('shop');
        expect(loaded.map((entry) => [entry.chunk.source, entry.vector?.length ?? null, entry.vectorModel])).toEqual([
          ['dense.md', 384, 'm'],
          ['plain.md', null, null],
        ]);
      });

      describe('refuses a document it cannot store, and writes nothing of it', () => {
        const good = knowledgeDocument('doc.md', ['kept 0', 'kept 1'], { contentHash: 'good', vectors: [vectorOf(1), vectorOf(2)], vectorModel: 'm' });
        const cases: [string, KnowledgeDocument][] = [
          ['fewer vectors than chunks', knowledgeDocument('doc.md', ['x', 'y', 'z'], { vectors: [vectorOf(1), vectorOf(2)], vectorModel: 'm' })],
          ['more vectors than chunks', knowledgeDocument('doc.md', ['x'], { vectors: [vectorOf(1), vectorOf(2)], vectorModel: 'm' })],
          ['vectors of different lengths', knowledgeDocument('doc.md', ['x', 'y'], { vectors: [vectorOf(1, 4), vectorOf(2, 5)], vectorModel: 'm' })],
          ['empty vectors', knowledgeDocument('doc.md', ['x', 'y'], { vectors: [new Float32Array(0), new Float32Array(0)], vectorModel: 'm' })],
          ['a vector that is not finite', knowledgeDocument('doc.md', ['x', 'y'], { vectors: [vectorOf(1), new Float32Array([0, NaN, 0, 0])], vectorModel: 'm' })],
          ['vectors without a model', knowledgeDocument('doc.md', ['x', 'y'], { vectors: [vectorOf(1), vectorOf(2)] })],
          ['chunks out of order', { ...knowledgeDocument('doc.md', ['x', 'y']), chunks: [knowledgeChunk('doc.md', 1, 'y'), knowledgeChunk('doc.md', 0, 'x')] }],
          ['a repeated position', { ...knowledgeDocument('doc.md', ['x', 'y']), chunks: [knowledgeChunk('doc.md', 0, 'x'), knowledgeChunk('doc.md', 0, 'y')] }],
          ['a chunk of another source', { ...knowledgeDocument('doc.md', ['x']), chunks: [knowledgeChunk('other.md', 0, 'x')] }],
          ['a NUL character in a chunk text', knowledgeDocument('doc.md', ['fine', 'broken\u0000text'])],
          ['a NUL character in a tag', { ...knowledgeDocument('doc.md', ['x']), chunks: [knowledgeChunk('doc.md', 0, 'x', { tags: ['a\u0000b'] })] }],
          ['a lone surrogate in a title', knowledgeDocument('doc.md', ['x'], { title: 'half an emoji \uD83D' })],
          ['an empty source', knowledgeDocument('', [])],
        ];

        for (const [problem, document] of cases) {
          it(`with ${problem}`, async () => {
            await store.knowledge.putDocument('shop', good, at(1));
            const before = { documents: await store.knowledge.listDocuments('shop'), chunks: await store.knowledge.loadChunks('shop') };
            await expectParleyError(store.knowledge.putDocument('shop', document, at(2)), 'PARLEY_INTERNAL');
            expect(await store.knowledge.listDocuments('shop')).toEqual(before.documents);
            expect((await store.knowledge.loadChunks('shop')).map((entry) => [entry.chunk, bitsOf(entry.vector), entry.vectorModel])).toEqual(
              before.chunks.map((entry) => [entry.chunk, bitsOf(entry.vector), entry.vectorModel]),
            );
          });
        }

        it('with an ingestedAt that is not a timestamp', async () => {
          await expectParleyError(store.knowledge.putDocument('shop', good, 'yesterday'), 'PARLEY_INTERNAL');
          expect(await store.knowledge.listDocuments('shop')).toEqual([]);
        });
      });

      it('orders chunks by source in Unicode code point order, then by position', async () => {
        // Put in no particular order. Code point order (UTF-8 byte order, SQL's binary collation) puts
        // U+FF5E before an emoji; JavaScript's UTF-16 `<` would not.
        const names = ['b.md', '\u{1F600}.md', 'a/z.md', '\uFF5E.md', 'a.md', 'A.md'];
        for (const source of names) await store.knowledge.putDocument('shop', knowledgeDocument(source, ['p0', 'p1', 'p2']), at(1));
        const expected = ['A.md', 'a.md', 'a/z.md', 'b.md', '\uFF5E.md', '\u{1F600}.md'];
        expect((await store.knowledge.listDocuments('shop')).map((summary) => summary.source)).toEqual(expected);
        expect(sources(await store.knowledge.loadChunks('shop'))).toEqual(expected.flatMap((source) => [0, 1, 2].map((position) => `${source}#${position}`)));
      });

      it('keeps the chunks of a long document in position order', async () => {
        const many = Array.from({ length: 120 }, (_, position) => `passage ${position}`);
        await store.knowledge.putDocument('shop', knowledgeDocument('long.md', many, { vectors: many.map((_, position) => vectorOf(position)), vectorModel: 'm' }), at(1));
        const loaded = await store.knowledge.loadChunks('shop');
        expect(loaded.map((entry) => entry.chunk.position)).toEqual(many.map((_, position) => position));
        expect(texts(loaded)).toEqual(many);
        expect(loaded.map((entry) => bitsOf(entry.vector))).toEqual(many.map((_, position) => bitsOf(vectorOf(position))));
      });

      it('stores a document with no chunks: listed, with nothing to load', async () => {
        await store.knowledge.putDocument('shop', knowledgeDocument('empty.md', []), at(1));
        await store.knowledge.putDocument('shop', knowledgeDocument('empty-with-vectors.md', [], { vectors: [], vectorModel: 'm' }), at(1));
        expect(await store.knowledge.listDocuments('shop')).toEqual([
          { source: 'empty-with-vectors.md', title: 'Title of empty-with-vectors.md', contentHash: 'sha256-of-empty-with-vectors.md', chunks: 0, ingestedAt: at(1) },
          { source: 'empty.md', title: 'Title of empty.md', contentHash: 'sha256-of-empty.md', chunks: 0, ingestedAt: at(1) },
        ]);
        expect(await store.knowledge.loadChunks('shop')).toEqual([]);
        // Emptying a document that had chunks leaves none behind.
        await store.knowledge.putDocument('shop', knowledgeDocument('full.md', ['a', 'b']), at(2));
        await store.knowledge.putDocument('shop', knowledgeDocument('full.md', []), at(3));
        expect(await store.knowledge.loadChunks('shop')).toEqual([]);
        expect(await store.knowledge.removeDocument('shop', 'empty.md')).toBe(true);
      });

      it('keeps unicode text exactly: emoji, right-to-left scripts, combining marks, control characters other than NUL', async () => {
        const chunk = knowledgeChunk('ünïcödé/规则 📄.md', 0, 'Rückgabe 🔁👨‍👩‍👧 — سياسة الإرجاع — מדיניות החזרות\u200F — e\u0301 — tab\tnew\nline\u0001', {
          title: 'Политика возврата 🧾',
          section: 'الأقسام › 섹션',
          link: 'https://example.com/%F0%9F%93%84?q=ü',
          tags: ['💡', 'עברית', ''],
        });
        const document: KnowledgeDocument = { source: chunk.source, title: chunk.title, contentHash: 'h', chunks: [chunk] };
        await store.knowledge.putDocument('🤖-bot', document, at(1));
        expect(await store.knowledge.loadChunks('🤖-bot')).toEqual([{ chunk, vector: null, vectorModel: null }]);
        expect((await store.knowledge.listDocuments('🤖-bot')).map((summary) => [summary.source, summary.title])).toEqual([[chunk.source, chunk.title]]);
      });

      it('does not let a caller change stored knowledge through what it passed in or got back', async () => {
        const tags = ['faq'];
        const vector = vectorOf(1);
        const chunk = knowledgeChunk('doc.md', 0, 'text', { tags });
        await store.knowledge.putDocument('shop', { source: 'doc.md', title: 't', contentHash: 'h', chunks: [chunk], vectors: [vector], vectorModel: 'm' }, at(1));
        tags.push('changed');
        vector[0] = 42;

        const first = await store.knowledge.loadChunks('shop');
        expect(first[0]!.chunk.tags).toEqual(['faq']);
        expect(bitsOf(first[0]!.vector)).toEqual(bitsOf(vectorOf(1)));
        (first[0]!.chunk.tags as string[]).push('changed');
        first[0]!.vector![1] = 42;
        const summaries = await store.knowledge.listDocuments('shop');
        (summaries[0] as { chunks: number }).chunks = 99;

        const second = await store.knowledge.loadChunks('shop');
        expect(second[0]!.chunk.tags).toEqual(['faq']);
        expect(bitsOf(second[0]!.vector)).toEqual(bitsOf(vectorOf(1)));
        expect((await store.knowledge.listDocuments('shop'))[0]!.chunks).toBe(1);
      });

      it('gives back only the port\'s fields of a chunk', async () => {
        const chunk = { ...knowledgeChunk('doc.md', 0, 'text'), extra: 'not part of the port' };
        await store.knowledge.putDocument('shop', { source: 'doc.md', title: 't', contentHash: 'h', chunks: [chunk] }, at(1));
        expect((await store.knowledge.loadChunks('shop'))[0]!.chunk).toEqual(knowledgeChunk('doc.md', 0, 'text'));
      });
    });

    describe('lifecycle', () => {
      it('answers a ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      // Registered only for stores that keep data, so no test is ever reported as skipped.
      if (options.durable) it('keeps everything across a close and reopen', async () => {
        await store.conversations.create(newConversation('a', { createdAt: at(1), events: [sessionStarted('ev_1')] }));
        const message = (await accept('conv_a', 'm1', 2)).entry;
        const pending = (await accept('conv_a', 'm2', 3)).entry;
        await store.commitTurn(turn({ id: 'conv_a', lastSeq: 1 }, message));
        await store.outbox.claimDue({ limit: 10, now: at(11), leaseMs: 60_000 });
        await store.apiKeys.create({ id: 'key_1', name: 'ops', scopes: ['admin'], createdAt: at(1), revokedAt: null, secretHash: 'secret-1' });
        await store.knowledge.putDocument('shop', knowledgeDocument('faq.md', ['a', 'b'], { vectors: [vectorOf(1), vectorOf(2)], vectorModel: 'm' }), at(1));
        await store.knowledge.putDocument('shop', knowledgeDocument('plain.md', ['c']), at(2));
        const before = {
          conversation: await store.conversations.get('conv_a'),
          events: await store.conversations.listEvents('conv_a'),
          processed: await store.inbox.get(message.id),
          pending: await store.inbox.get(pending.id),
          outbox: await store.outbox.get(`out_${message.id}`),
          key: await store.apiKeys.findBySecretHash('secret-1'),
          documents: await store.knowledge.listDocuments('shop'),
          chunks: (await store.knowledge.loadChunks('shop')).map((entry) => [entry.chunk, bitsOf(entry.vector), entry.vectorModel]),
        };

        await store.close();
        if (!opened.reopen) throw new Error('a durable store must give reopen()');
        store = await opened.reopen();

        expect(await store.conversations.get('conv_a')).toEqual(before.conversation);
        expect(await store.conversations.findByTokenHash('token-hash-a')).toEqual(before.conversation);
        expect(await store.conversations.listEvents('conv_a')).toEqual(before.events);
        expect(await store.inbox.get(message.id)).toEqual(before.processed);
        expect(await store.inbox.pending('conv_a', 10)).toEqual([before.pending]);
        expect(await store.outbox.get(`out_${message.id}`)).toEqual(before.outbox);
        expect(await store.apiKeys.findBySecretHash('secret-1')).toEqual(before.key);
        expect(await store.knowledge.listDocuments('shop')).toEqual(before.documents);
        expect((await store.knowledge.loadChunks('shop')).map((entry) => [entry.chunk, bitsOf(entry.vector), entry.vectorModel])).toEqual(before.chunks);
        // The lease taken before the restart still holds, and the dedupe still recognises old ids.
        expect(await store.outbox.claimDue({ limit: 10, now: at(12), leaseMs: 60_000 })).toEqual([]);
        expect((await accept('conv_a', 'm1', 50)).duplicate).toBe(true);
        const next = (await accept('conv_a', 'm3', 51)).entry;
        expect(next.seq).toBeGreaterThan(pending.seq);
      });

      it('refuses work after close with PARLEY_STORE_UNAVAILABLE', async () => {
        await store.close();
        await expectParleyError(store.ping(), 'PARLEY_STORE_UNAVAILABLE');
        await expectParleyError(store.conversations.get('conv_a'), 'PARLEY_STORE_UNAVAILABLE');
        await expectParleyError(accept('conv_a', 'm1'), 'PARLEY_STORE_UNAVAILABLE');
        await expectParleyError(store.outbox.countByStatus(), 'PARLEY_STORE_UNAVAILABLE');
        await expectParleyError(store.apiKeys.list(), 'PARLEY_STORE_UNAVAILABLE');
        await expectParleyError(store.knowledge.putDocument('shop', knowledgeDocument('faq.md', ['a']), at(1)), 'PARLEY_STORE_UNAVAILABLE');
        await expectParleyError(store.knowledge.loadChunks('shop'), 'PARLEY_STORE_UNAVAILABLE');
        await expectParleyError(store.knowledge.listDocuments('shop'), 'PARLEY_STORE_UNAVAILABLE');
        await expectParleyError(store.knowledge.removeDocument('shop', 'faq.md'), 'PARLEY_STORE_UNAVAILABLE');
        await store.close();
      });
    });
  });
}

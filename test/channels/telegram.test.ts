import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { telegramChannel } from '../../src/channels/telegram/index.js';
import { splitText } from '../../src/channels/telegram/telegram-outgoing.js';
import { ChannelSendError, isParleyError, type ChannelAdapter, type ChannelDelivery, type ChannelInbound, type OutgoingMessage } from '../../src/core/index.js';
import { callbackQueryUpdate, startTelegramPlatform, telegramUpdateRequest, textUpdate, type TelegramPlatform } from './fakes/telegram-platform.js';

const SECRET = 'parley-test_secret-0123456789';

let platform: TelegramPlatform;
let adapter: ChannelAdapter;

function env(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { PARLEY_TELEGRAM_BOT_TOKEN: platform.token, PARLEY_TELEGRAM_SECRET_TOKEN: SECRET, PARLEY_TELEGRAM_API_URL: platform.apiUrl, ...overrides };
}

function newAdapter(overrides: Record<string, string | undefined> = {}): ChannelAdapter {
  const setup = telegramChannel(env(overrides));
  if ('off' in setup) throw new Error(`telegram is off: ${setup.missing.join(', ')}`);
  return setup;
}

/** `secretToken: null` sends no secret header. */
async function handle(update: unknown, secretToken: string | null = SECRET): Promise<ChannelInbound> {
  return adapter.handle(telegramUpdateRequest(update, secretToken === null ? {} : { secretToken }));
}

function messagesOf(inbound: ChannelInbound) {
  if (inbound.kind !== 'messages') throw new Error(`expected messages, got ${JSON.stringify(inbound)}`);
  return inbound.messages;
}

let deliveries = 0;
function delivery(message: Partial<OutgoingMessage> & { text: string }, address = '424242424'): ChannelDelivery {
  deliveries += 1;
  return { id: `outbox-${deliveries}`, address, message: { type: 'text', ...message } };
}

async function sendError(promise: Promise<unknown>): Promise<ChannelSendError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ChannelSendError);
  return error as ChannelSendError;
}

beforeAll(async () => {
  platform = await startTelegramPlatform();
});

afterAll(async () => {
  await platform.close();
});

beforeEach(() => {
  platform.reset();
  adapter = newAdapter();
});

describe('telegram channel setup', () => {
  it('describes the webhook endpoint', () => {
    expect(adapter.name).toBe('telegram');
    expect(adapter.path).toBe('/v1/channels/telegram/webhook');
    expect(adapter.methods).toEqual(['POST']);
    expect(adapter.maxBodyBytes).toBe(1024 * 1024);
    expect(adapter.numberedChoices).toBe(false);
  });

  it('is off, naming what is missing, without a bot token or a secret token', () => {
    expect(telegramChannel({})).toEqual({ off: true, name: 'telegram', missing: ['PARLEY_TELEGRAM_BOT_TOKEN', 'PARLEY_TELEGRAM_SECRET_TOKEN'] });
    expect(telegramChannel(env({ PARLEY_TELEGRAM_SECRET_TOKEN: undefined }))).toEqual({ off: true, name: 'telegram', missing: ['PARLEY_TELEGRAM_SECRET_TOKEN'] });
    expect(telegramChannel(env({ PARLEY_TELEGRAM_BOT_TOKEN: '' }))).toEqual({ off: true, name: 'telegram', missing: ['PARLEY_TELEGRAM_BOT_TOKEN'] });
    // The API address has a default.
    expect('off' in telegramChannel(env({ PARLEY_TELEGRAM_API_URL: undefined }))).toBe(false);
  });

  it('refuses a secret token Telegram would not accept, naming the variable but not the value', () => {
    const bad = 'has spaces and ! marks';
    let error: unknown;
    try {
      telegramChannel(env({ PARLEY_TELEGRAM_SECRET_TOKEN: bad }));
    } catch (caught) {
      error = caught;
    }
    expect(isParleyError(error, 'PARLEY_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('PARLEY_TELEGRAM_SECRET_TOKEN');
    expect((error as Error).message).not.toContain(bad);
    expect(() => telegramChannel(env({ PARLEY_TELEGRAM_SECRET_TOKEN: 'a'.repeat(257) }))).toThrow(/PARLEY_TELEGRAM_SECRET_TOKEN/);
    expect(() => telegramChannel(env({ PARLEY_TELEGRAM_API_URL: 'ftp://example.com' }))).toThrow(/PARLEY_TELEGRAM_API_URL/);
  });
});

describe('telegram webhook: verification', () => {
  it('refuses a missing secret header with 401', async () => {
    expect(await handle(textUpdate({ text: 'hi' }), null)).toMatchObject({ kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_SECRET_INVALID' });
  });

  it.each([
    ['another secret', 'parley-test_secret-0123456780'],
    ['a prefix of the secret', SECRET.slice(0, -1)],
    ['the secret and more', `${SECRET}x`],
    ['an empty header', ''],
    ['the secret in another case', SECRET.toUpperCase()],
  ])('refuses %s with 401', async (_label, secretToken) => {
    expect(await handle(textUpdate({ text: 'hi' }), secretToken)).toMatchObject({ kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_SECRET_INVALID' });
  });

  it('verifies before parsing: garbage with a wrong secret is 401, not 400', async () => {
    expect(await handle('this is not json', 'wrong')).toMatchObject({ kind: 'rejected', status: 401 });
  });

  it('does not put the secret in the rejection', async () => {
    const inbound = await handle(textUpdate({ text: 'hi' }), 'wrong');
    expect(JSON.stringify(inbound)).not.toContain(SECRET);
  });
});

describe('telegram webhook: parsing', () => {
  it('turns a text message into a message for the chat', async () => {
    const inbound = await handle(textUpdate({ updateId: 912_345_678, chatId: 5551234, userId: 5551234, text: 'where is my order?' }));
    expect(inbound).toEqual({ kind: 'messages', messages: [{ messageId: 'update:912345678', address: '5551234', userId: '5551234', text: 'where is my order?' }] });
  });

  it('addresses a group message to the group and names the sender', async () => {
    const [message] = messagesOf(await handle(textUpdate({ updateId: 7, chatId: -1001234567890, userId: 31337, text: 'hello bot' })));
    expect(message).toEqual({ messageId: 'update:7', address: '-1001234567890', userId: '31337', text: 'hello bot' });
  });

  it("turns a pressed button into its payload, and answers the callback query in the webhook's answer", async () => {
    const update = callbackQueryUpdate({ updateId: 42, chatId: 5551234, userId: 5551234, queryId: '4382bfdwdsb323b2d9', data: '/track_order' });
    const inbound = await handle(update);
    expect(messagesOf(inbound)).toEqual([{ messageId: 'update:42', address: '5551234', userId: '5551234', text: '/track_order' }]);
    if (inbound.kind !== 'messages' || inbound.answer === undefined) throw new Error('expected an answer carrying answerCallbackQuery');
    expect(inbound.answer.status).toBe(200);
    expect(inbound.answer.contentType).toBe('application/json');
    expect(JSON.parse(inbound.answer.body ?? '')).toEqual({ method: 'answerCallbackQuery', callback_query_id: '4382bfdwdsb323b2d9' });

    // Telegram carries out the method named in the answer: the fake does the same.
    platform.runWebhookAnswer(inbound.answer);
    expect(platform.calls('answerCallbackQuery')).toEqual([{ callback_query_id: '4382bfdwdsb323b2d9' }]);
    // The webhook handler itself called nothing.
    expect(platform.requests.filter((call) => !call.viaWebhookAnswer)).toEqual([]);
  });

  it('acknowledges a pressed button that carries no data (a game button) without a message', async () => {
    const update = callbackQueryUpdate({ data: 'x', queryId: 'q-game' }) as { callback_query: Record<string, unknown> };
    delete update.callback_query.data;
    update.callback_query.game_short_name = 'tetris';
    const inbound = await handle(update);
    expect(messagesOf(inbound)).toEqual([]);
    expect(inbound.kind === 'messages' && JSON.parse(inbound.answer?.body ?? '{}')).toEqual({ method: 'answerCallbackQuery', callback_query_id: 'q-game' });
  });

  it.each([
    ['an edited message', { update_id: 1, edited_message: { message_id: 3, chat: { id: 5, type: 'private' }, date: 1, edit_date: 2, text: 'edited' } }],
    ['a sticker', { update_id: 2, message: { message_id: 4, from: { id: 5, is_bot: false, first_name: 'A' }, chat: { id: 5, type: 'private' }, date: 1, sticker: { file_id: 'f', file_unique_id: 'u', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } } }],
    ['a photo', { update_id: 3, message: { message_id: 5, chat: { id: 5, type: 'private' }, date: 1, photo: [{ file_id: 'f', file_unique_id: 'u', width: 90, height: 90 }], caption: 'look' } }],
    ['a channel post', { update_id: 4, channel_post: { message_id: 6, chat: { id: -100, type: 'channel' }, date: 1, text: 'news' } }],
    ['a membership change', { update_id: 5, my_chat_member: { chat: { id: 5, type: 'private' }, from: { id: 5 }, date: 1, old_chat_member: {}, new_chat_member: {} } }],
    ['an update of a kind added later', { update_id: 6, message_reaction_count: { chat: { id: 5 } } }],
  ])('acknowledges %s with no message', async (_label, update) => {
    expect(await handle(update)).toEqual({ kind: 'messages', messages: [] });
  });

  it.each([
    ['a body that is not JSON', '{"update_id": 1, "message": '],
    ['JSON that is not an update', '[1, 2, 3]'],
    ['an update without update_id', JSON.stringify({ message: { message_id: 1, chat: { id: 1 }, text: 'hi' } })],
    ['a message without a chat', JSON.stringify({ update_id: 9, message: { message_id: 1, text: 'hi' } })],
    ['a callback query without an id', JSON.stringify({ update_id: 9, callback_query: { from: { id: 1 }, data: 'x' } })],
  ])('refuses %s, once verified, with 400', async (_label, body) => {
    expect(await handle(body)).toMatchObject({ kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID' });
  });
});

describe('telegram send', () => {
  it('sends text, element fallbacks and an inline keyboard with one button per row', async () => {
    await adapter.send(
      delivery(
        {
          text: 'Your order ships tomorrow.',
          buttons: [
            { title: 'Track it', payload: '/track_order' },
            { title: 'Talk to a person', payload: '/handoff' },
          ],
          elements: [
            { kind: 'link', url: 'https://parleyshop.example/track/123', title: 'Tracking', fallback: 'Track it online' },
            { kind: 'image', url: 'https://parleyshop.example/box.png', alt: 'A box', fallback: 'A picture of your parcel' },
          ],
        },
        '5551234',
      ),
    );
    expect(platform.calls('sendMessage')).toEqual([
      {
        chat_id: '5551234',
        text: 'Your order ships tomorrow.\n\nTrack it online\nhttps://parleyshop.example/track/123\n\nA picture of your parcel',
        reply_markup: { inline_keyboard: [[{ text: 'Track it', callback_data: '/track_order' }], [{ text: 'Talk to a person', callback_data: '/handoff' }]] },
      },
    ]);
  });

  it('sends a message without buttons without a keyboard', async () => {
    await adapter.send(delivery({ text: 'Hello!' }));
    expect(platform.calls('sendMessage')).toEqual([{ chat_id: '424242424', text: 'Hello!' }]);
  });

  it('splits a text longer than 4096 characters, with the buttons on the last part', async () => {
    const paragraph = (n: number) => `Paragraph ${n}: ${'lorem ipsum dolor sit amet '.repeat(40).trim()}`;
    const text = Array.from({ length: 10 }, (_, n) => paragraph(n)).join('\n\n');
    expect(text.length).toBeGreaterThan(2 * 4096);
    await adapter.send(delivery({ text, buttons: [{ title: 'More', payload: '/more' }] }));

    const sent = platform.calls('sendMessage') as { text: string; reply_markup?: unknown }[];
    // About 1.1k characters a paragraph: three fit in a part, a fourth would not.
    expect(sent.length).toBe(4);
    for (const part of sent) expect(part.text.length).toBeLessThanOrEqual(4096);
    // Cut at blank lines: every paragraph arrives whole, in order.
    expect(sent.map((part) => part.text).join('\n\n')).toBe(text);
    expect(sent.slice(0, -1).every((part) => part.reply_markup === undefined)).toBe(true);
    expect(sent.at(-1)?.reply_markup).toEqual({ inline_keyboard: [[{ text: 'More', callback_data: '/more' }]] });
  });

  it('maps a payload longer than 64 bytes to a short token, and the press back to the payload', async () => {
    const payload = `/choose_product{"sku": "${'X'.repeat(120)}", "note": "é"}`;
    await adapter.send(delivery({ text: 'Pick one', buttons: [{ title: 'This one', payload }] }, '5551234'));
    const [sent] = platform.calls('sendMessage') as { reply_markup: { inline_keyboard: { text: string; callback_data: string }[][] } }[];
    const data = sent?.reply_markup.inline_keyboard[0]?.[0]?.callback_data ?? '';
    expect(data).toMatch(/^p:[A-Za-z0-9_-]+$/);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);

    const [message] = messagesOf(await handle(callbackQueryUpdate({ updateId: 100, chatId: 5551234, data })));
    expect(message?.text).toBe(payload);

    // Another process (after a restart) does not know the token: the button's title stands in.
    adapter = newAdapter();
    const keyboard = sent?.reply_markup.inline_keyboard ?? [];
    expect(messagesOf(await handle(callbackQueryUpdate({ updateId: 101, chatId: 5551234, data, keyboard })))[0]?.text).toBe('This one');
    // Without the keyboard there is nothing to go on: no message, and the user is told.
    const expired = await handle(callbackQueryUpdate({ updateId: 102, chatId: 5551234, data, queryId: 'q-expired' }));
    expect(messagesOf(expired)).toEqual([]);
    expect(expired.kind === 'messages' && JSON.parse(expired.answer?.body ?? '{}')).toMatchObject({ method: 'answerCallbackQuery', callback_query_id: 'q-expired', text: expect.stringMatching(/expired/) });
  });

  it('sends a short payload starting with "p:" as a token, so it is never taken for one', async () => {
    await adapter.send(delivery({ text: 'Pick', buttons: [{ title: 'P', payload: 'p:short' }] }));
    const [sent] = platform.calls('sendMessage') as { reply_markup: { inline_keyboard: { callback_data: string }[][] } }[];
    const data = sent?.reply_markup.inline_keyboard[0]?.[0]?.callback_data ?? '';
    expect(data).not.toBe('p:short');
    expect(messagesOf(await handle(callbackQueryUpdate({ data })))[0]?.text).toBe('p:short');
  });

  it("waits as long as a 429's retry_after says", async () => {
    platform.failNext('sendMessage', { status: 429, retryAfter: 7 });
    const error = await sendError(adapter.send(delivery({ text: 'Hello' })));
    expect(error.permanent).toBe(false);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.message).toContain('Too Many Requests');
    // The retry goes through.
    await adapter.send(delivery({ text: 'Hello' }));
    expect(platform.calls('sendMessage')).toHaveLength(1);
  });

  it('retries after a server error or a network failure', async () => {
    platform.failNext('sendMessage', { status: 500 });
    const serverError = await sendError(adapter.send(delivery({ text: 'Hello' })));
    expect(serverError.permanent).toBe(false);
    expect(serverError.retryAfterMs).toBeUndefined();

    platform.failNext('sendMessage', { status: 0, destroy: true });
    const networkError = await sendError(adapter.send(delivery({ text: 'Hello' })));
    expect(networkError.permanent).toBe(false);
  });

  it('gives up at once when the user blocked the bot or the chat does not exist', async () => {
    platform.blockChat('5551234');
    const blocked = await sendError(adapter.send(delivery({ text: 'Hello' }, '5551234')));
    expect(blocked.permanent).toBe(true);
    expect(blocked.message).toContain('bot was blocked by the user');

    platform.failNext('sendMessage', { status: 400, description: 'Bad Request: chat not found' });
    const notFound = await sendError(adapter.send(delivery({ text: 'Hello' }, '999')));
    expect(notFound.permanent).toBe(true);
    expect(notFound.message).toContain('chat not found');
  });

  it('keeps retrying, and never shows the token, when Telegram refuses the bot token', async () => {
    adapter = newAdapter({ PARLEY_TELEGRAM_BOT_TOKEN: '999:WrongTokenAbc' });
    const error = await sendError(adapter.send(delivery({ text: 'Hello' })));
    expect(error.message).toContain('401');
    expect(error.message).not.toContain('WrongTokenAbc');
    expect(error.permanent).toBe(false);
  });

  it('goes on from the failed part when a split message is retried', async () => {
    const text = `${'a'.repeat(4000)}\n\n${'b'.repeat(4000)}\n\n${'c'.repeat(100)}`;
    const entry = delivery({ text });
    // The first part goes out, the second is rate limited.
    platform.failNext('sendMessage', { status: 429, retryAfter: 1 }, 1, { after: 1 });
    const error = await sendError(adapter.send(entry));
    expect(error.retryAfterMs).toBe(1000);
    const firstLetters = () => (platform.calls('sendMessage') as { text: string }[]).map((part) => part.text[0]);
    expect(firstLetters()).toEqual(['a']);

    // The delivery worker retries the same entry: the first part is not sent twice.
    await adapter.send(entry);
    expect(firstLetters()).toEqual(['a', 'b', 'c']);
    // A later, different delivery of the same text starts from the beginning.
    await adapter.send({ ...entry, id: 'another-entry' });
    expect(firstLetters()).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });
});

describe('splitting long text', () => {
  it('cuts hard when there is no space, never inside a surrogate pair', () => {
    const text = `${'x'.repeat(9)}😀${'y'.repeat(5)}`;
    const parts = splitText(text, 10);
    expect(parts.join('')).toBe(text);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(10);
      expect(part).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('prefers a line break to a space', () => {
    expect(splitText('aaaa bbbb\ncccc dd', 12)).toEqual(['aaaa bbbb', 'cccc dd']);
  });

  it('leaves a short text whole', () => {
    expect(splitText('hello', 4096)).toEqual(['hello']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramChannel, TELEGRAM_WEBHOOK_PATH } from '../../src/channels/telegram/index.js';
import { startChannelServer, type ChannelServer } from './channel-harness.js';
import { callbackQueryUpdate, startTelegramPlatform, telegramUpdateRequest, textUpdate, type TelegramPlatform } from './fakes/telegram-platform.js';

/**
 * Telegram end to end: updates go to a real Parley (demo bot, SQLite) over HTTP as Telegram sends
 * them, with the secret header; the fake plays Telegram (it also carries out a method named in the
 * webhook's answer), and the delivery worker sends the replies to the fake Bot API.
 */

const SECRET = 'integration_secret-Token-42';

let telegram: TelegramPlatform;
let server: ChannelServer;

beforeAll(async () => {
  telegram = await startTelegramPlatform();
  const env = { PARLEY_TELEGRAM_BOT_TOKEN: telegram.token, PARLEY_TELEGRAM_SECRET_TOKEN: SECRET, PARLEY_TELEGRAM_API_URL: telegram.apiUrl };
  server = await startChannelServer({ channels: [telegramChannel(env)] });
});

afterAll(async () => {
  await server?.close();
  await telegram?.close();
});

const webhook = () => server.url + TELEGRAM_WEBHOOK_PATH;

interface SentMessage {
  readonly chat_id: string;
  readonly text: string;
  readonly reply_markup?: { readonly inline_keyboard: { readonly text: string; readonly callback_data: string }[][] };
}

function sentTo(chatId: number): SentMessage[] {
  return (telegram.calls('sendMessage') as unknown as SentMessage[]).filter((message) => message.chat_id === String(chatId));
}

describe('telegram channel, end to end', () => {
  it('answers a message with an inline keyboard, and a pressed button carries on the conversation', async () => {
    const chatId = 700_001;
    const first = await telegram.deliver(webhook(), textUpdate({ chatId, userId: chatId, text: 'help' }), { secretToken: SECRET });
    expect(first.status).toBe(200);
    expect(first.body).toBe('');

    expect(await server.deliver()).toBe(1);
    const [help] = sentTo(chatId);
    expect(help?.text).toMatch(/I can help you with/);
    // Real buttons, one per row, not a numbered list in the text.
    const keyboard = help?.reply_markup?.inline_keyboard ?? [];
    expect(keyboard.map((row) => row.length)).toEqual([1, 1, 1, 1]);
    expect(keyboard[0]?.[0]).toEqual({ text: 'Track my order', callback_data: '/order_status' });
    expect(help?.text).not.toContain('1. Track my order');

    const press = await telegram.deliver(webhook(), callbackQueryUpdate({ chatId, userId: chatId, queryId: 'cbq-700001', data: keyboard[0]?.[0]?.callback_data ?? '', keyboard }), { secretToken: SECRET });
    expect(press.status).toBe(200);
    // The webhook's answer stopped the button's spinner: Telegram (the fake) ran answerCallbackQuery.
    expect(telegram.calls('answerCallbackQuery')).toContainEqual({ callback_query_id: 'cbq-700001' });

    expect(await server.deliver()).toBe(1);
    expect(sentTo(chatId)).toHaveLength(2);
    expect(sentTo(chatId)[1]?.text).toMatch(/order number/i);
  });

  it('replies once to an update Telegram delivers five times', async () => {
    const chatId = 700_002;
    const before = await server.recorded();
    const update = textUpdate({ chatId, userId: chatId, text: 'help' });
    const answers = await Promise.all(Array.from({ length: 5 }, () => telegram.deliver(webhook(), update, { secretToken: SECRET })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    await server.deliver();
    expect(sentTo(chatId)).toHaveLength(1);
    const after = await server.recorded();
    expect(after.userMessages - before.userMessages).toBe(1);
    expect(after.conversations - before.conversations).toBe(1);

    // And once more later, after the reply went out.
    expect((await telegram.deliver(webhook(), update, { secretToken: SECRET })).status).toBe(200);
    await server.deliver();
    expect(sentTo(chatId)).toHaveLength(1);
    expect((await server.recorded()).userMessages - before.userMessages).toBe(1);
  });

  it('refuses a wrong or missing secret with 401 and writes nothing', async () => {
    const chatId = 700_003;
    const before = await server.recorded();
    const update = textUpdate({ chatId, userId: chatId, text: 'help' });

    const wrong = await telegram.deliver(webhook(), update, { secretToken: 'not-the-secret' });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toMatchObject({ error: { code: 'PARLEY_CHANNEL_SECRET_INVALID' } });
    expect((await telegram.deliver(webhook(), update, {})).status).toBe(401);
    const { headers, rawBody } = telegramUpdateRequest(update, { secretToken: `${SECRET}-and-more` });
    expect((await server.request('POST', TELEGRAM_WEBHOOK_PATH, { headers, rawBody })).status).toBe(401);

    expect(await server.deliver()).toBe(0);
    expect(await server.recorded()).toEqual(before);
    expect(sentTo(chatId)).toEqual([]);
  });

  it('acknowledges an update that is not a text message and records nothing', async () => {
    const before = await server.recorded();
    const edited = { update_id: 880_001, edited_message: { message_id: 1, chat: { id: 700_004, type: 'private' }, date: 1, edit_date: 2, text: 'help!' } };
    expect((await telegram.deliver(webhook(), edited, { secretToken: SECRET })).status).toBe(200);
    expect(await server.deliver()).toBe(0);
    expect(await server.recorded()).toEqual(before);
  });

  it('gives up on a reply to a user who blocked the bot, and retries one that was rate limited', async () => {
    const blockedChat = 700_005;
    const limitedChat = 700_006;
    telegram.blockChat(blockedChat);
    const failedBefore = (await server.runtime.store.outbox.countByStatus()).failed;
    expect((await telegram.deliver(webhook(), textUpdate({ chatId: blockedChat, userId: blockedChat, text: 'help' }), { secretToken: SECRET })).status).toBe(200);
    expect(await server.deliver()).toBe(1);
    expect((await server.runtime.store.outbox.countByStatus()).failed).toBe(failedBefore + 1);

    telegram.failNext('sendMessage', { status: 429, retryAfter: 30 });
    const pendingBefore = (await server.runtime.store.outbox.countByStatus()).pending;
    expect((await telegram.deliver(webhook(), textUpdate({ chatId: limitedChat, userId: limitedChat, text: 'help' }), { secretToken: SECRET })).status).toBe(200);
    expect(await server.deliver()).toBe(1);
    // Not given up, and not due again before Telegram's retry_after.
    expect((await server.runtime.store.outbox.countByStatus()).pending).toBe(pendingBefore + 1);
    expect(await server.deliver()).toBe(0);
    expect(sentTo(limitedChat)).toEqual([]);
  });
});

import { z } from 'zod';
import type { ChannelAnswer, ChannelInbound, InboundChannelMessage } from '../../core/index.js';
import type { CallbackPayloads } from './callback-data.js';

/**
 * Turning a verified webhook body (one Telegram `Update`) into normalised messages.
 *
 * - `message` with `text` → one message: id `update:<update_id>` (Telegram redelivers an update
 *   with the same `update_id`), address = the chat's id, user = `from.id` (the sender chat's id
 *   for a message sent on behalf of a channel or group, which has no `from`).
 * - `callback_query` (a pressed inline button) → one message whose text is the button's payload,
 *   addressed to the chat the keyboard was in. The webhook's answer carries an
 *   `answerCallbackQuery` call (see {@link callbackAnswer}).
 * - Anything else (edited messages, stickers, photos, channel posts, member updates, …) → no
 *   message, 200, so Telegram does not send it again.
 * - A body that is not an `Update` (not JSON, no `update_id`, a `message` without a chat) → 400.
 *
 * Only the fields used are checked; Telegram adds fields over time and they are ignored.
 */

const chatSchema = z.object({ id: z.number().int() });
const userSchema = z.object({ id: z.number().int() });

const inlineKeyboardSchema = z.object({
  inline_keyboard: z.array(z.array(z.object({ text: z.string(), callback_data: z.string().optional() }))),
});

const messageSchema = z.object({
  message_id: z.number().int(),
  chat: chatSchema,
  from: userSchema.optional(),
  sender_chat: chatSchema.optional(),
  text: z.string().optional(),
  // Only read to find a pressed button's title; a keyboard of another shape is simply not used.
  reply_markup: z.unknown().optional(),
});

const callbackQuerySchema = z.object({
  id: z.string().min(1),
  from: userSchema,
  // Absent for a button on a message sent in inline mode: there is no chat to answer in.
  message: messageSchema.optional(),
  data: z.string().optional(),
});

export const updateSchema = z.object({
  update_id: z.number().int().nonnegative(),
  message: messageSchema.optional(),
  callback_query: callbackQuerySchema.optional(),
});

export type TelegramUpdate = z.infer<typeof updateSchema>;

/** What the user sees when a button's long payload can no longer be recovered. */
export const EXPIRED_BUTTON_NOTICE = 'This button has expired. Please type your answer instead.';

/**
 * The webhook's answer to a pressed button: Telegram runs a Bot API method given in the body of
 * the answer to its webhook request ("making requests when getting updates"). Answering the
 * callback query this way stops the button's progress indicator with no outgoing request from the
 * webhook handler: nothing slow, nothing to time out, nothing that can fail the webhook.
 */
export function callbackAnswer(callbackQueryId: string, text?: string): ChannelAnswer {
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ method: 'answerCallbackQuery', callback_query_id: callbackQueryId, ...(text === undefined ? {} : { text }) }),
  };
}

export function parseUpdate(rawBody: Buffer, payloads: CallbackPayloads): ChannelInbound {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return invalid('the body is not JSON');
  }
  const parsed = updateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalid(`the body is not a Telegram update${issue === undefined ? '' : ` (${issue.path.join('.') || 'body'}: ${issue.message})`}`);
  }
  const update = parsed.data;
  const messageId = `update:${update.update_id}`;

  if (update.message !== undefined) {
    const { message } = update;
    if (message.text === undefined || message.text.trim() === '') return none();
    const userId = message.from?.id ?? message.sender_chat?.id ?? message.chat.id;
    return messages({ messageId, address: String(message.chat.id), userId: String(userId), text: message.text });
  }

  if (update.callback_query !== undefined) {
    const query = update.callback_query;
    const acknowledge = callbackAnswer(query.id);
    if (query.data === undefined || query.data === '' || query.message === undefined) return { kind: 'messages', messages: [], answer: acknowledge };
    const decoded = payloads.decode(query.data);
    const text = decoded.kind === 'payload' ? decoded.payload : titleOfButton(query.message.reply_markup, decoded.token);
    if (text === undefined) return { kind: 'messages', messages: [], answer: callbackAnswer(query.id, EXPIRED_BUTTON_NOTICE) };
    return messages({ messageId, address: String(query.message.chat.id), userId: String(query.from.id), text }, acknowledge);
  }

  return none();
}

/** The title of the button carrying `callbackData` on the message the keyboard was on. */
function titleOfButton(replyMarkup: unknown, callbackData: string): string | undefined {
  const keyboard = inlineKeyboardSchema.safeParse(replyMarkup);
  if (!keyboard.success) return undefined;
  const button = keyboard.data.inline_keyboard.flat().find((candidate) => candidate.callback_data === callbackData);
  return button === undefined || button.text.trim() === '' ? undefined : button.text;
}

function messages(message: InboundChannelMessage, answer?: ChannelAnswer): ChannelInbound {
  return answer === undefined ? { kind: 'messages', messages: [message] } : { kind: 'messages', messages: [message], answer };
}

function none(): ChannelInbound {
  return { kind: 'messages', messages: [] };
}

function invalid(message: string): ChannelInbound {
  return { kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID', message: `telegram: ${message}` };
}

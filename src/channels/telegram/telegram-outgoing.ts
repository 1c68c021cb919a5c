import { fallbackOf, type OutgoingMessage, type RichElement } from '../../core/index.js';
import type { CallbackPayloads } from './callback-data.js';

/**
 * An outgoing message as `sendMessage` calls.
 *
 * - Plain text, no `parse_mode`: nothing the bot says can be mistaken for markup, and nothing
 *   needs escaping.
 * - The text, then each element's fallback, separated by blank lines (as `plainTextOf`, without
 *   the numbered buttons: Telegram shows real ones). A link whose fallback does not contain its
 *   address gets the address on the next line, which Telegram makes clickable. Images are shown
 *   by their fallback too (no `sendPhoto`: one kind of call keeps the retry story simple).
 * - Buttons become an inline keyboard, one button per row, `callback_data` = the payload (or a
 *   token for a payload longer than 64 bytes, see `callback-data.ts`).
 * - Telegram takes at most 4096 characters per message: a longer text is split, preferably at a
 *   blank line, then a line break, then a space, never inside a surrogate pair; the keyboard goes
 *   on the last part.
 */

export const TELEGRAM_TEXT_LIMIT = 4096;

export interface InlineKeyboardButton {
  readonly text: string;
  readonly callback_data: string;
}

export interface SendMessageParams {
  readonly chat_id: string;
  readonly text: string;
  readonly reply_markup?: { readonly inline_keyboard: readonly (readonly InlineKeyboardButton[])[] };
}

export function renderMessage(address: string, message: OutgoingMessage, payloads: CallbackPayloads): SendMessageParams[] {
  const text = [message.text, ...(message.elements ?? []).map(elementText)].join('\n\n');
  const parts = splitText(text, TELEGRAM_TEXT_LIMIT);
  const buttons = message.buttons ?? [];
  const keyboard = buttons.length === 0 ? undefined : { inline_keyboard: buttons.map((button) => [{ text: button.title, callback_data: payloads.encode(button.payload) }]) };
  return parts.map((part, index) => (keyboard !== undefined && index === parts.length - 1 ? { chat_id: address, text: part, reply_markup: keyboard } : { chat_id: address, text: part }));
}

function elementText(element: RichElement): string {
  const fallback = fallbackOf(element);
  if (element.kind === 'link' && !fallback.includes(element.url)) return `${fallback}\n${element.url}`;
  return fallback;
}

/** `text` in parts of at most `limit` UTF-16 code units (how Telegram counts), none of them blank. */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = -1;
    let skip = 0;
    for (const separator of ['\n\n', '\n', ' ']) {
      const at = rest.lastIndexOf(separator, limit);
      // A cut in the first half would leave a short part and many more calls: cut hard instead.
      if (at >= limit / 2) {
        cut = at;
        skip = separator.length;
        break;
      }
    }
    if (cut === -1) {
      cut = limit;
      // Never leave half of a surrogate pair at the end of a part.
      if (isHighSurrogate(rest.charCodeAt(cut - 1))) cut -= 1;
    }
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut + skip);
  }
  parts.push(rest);
  const visible = parts.filter((part) => part.trim() !== '');
  return visible.length === 0 ? [text.slice(0, limit)] : visible;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

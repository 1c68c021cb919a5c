import { plainTextOf, type OutgoingMessage } from '../../core/index.js';
import { bodyTextOf, shorten } from './outgoing-text.js';
import { splitText } from './text-split.js';

/**
 * A reply as Messenger Send API requests (`POST /me/messages`), in order: the text and the
 * elements' fallbacks in pieces of at most 2000 characters, the buttons as quick replies on the
 * last piece (at most 13, title ≤ 20, payload ≤ 1000); more buttons, or a payload too long, and
 * the choices are numbered in the text instead. `messaging_type` is RESPONSE: a reply to what the
 * person just sent, inside Messenger's standard messaging window.
 */

export const MESSENGER_LIMITS = { text: 2000, quickReplies: 13, quickReplyTitle: 20, quickReplyPayload: 1000 } as const;

export type MessengerRequest = Readonly<Record<string, unknown>>;

export function messengerRequests(recipientId: string, message: OutgoingMessage): MessengerRequest[] {
  const buttons = message.buttons ?? [];
  const request = (text: string, quickReplies?: readonly Record<string, string>[]): MessengerRequest => ({
    recipient: { id: recipientId },
    messaging_type: 'RESPONSE',
    message: quickReplies === undefined ? { text } : { text, quick_replies: quickReplies },
  });
  const asQuickReplies = buttons.length <= MESSENGER_LIMITS.quickReplies && buttons.every((button) => button.payload.length <= MESSENGER_LIMITS.quickReplyPayload);
  if (!asQuickReplies) return splitText(plainTextOf(message), MESSENGER_LIMITS.text).map((piece) => request(piece));
  const pieces = splitText(bodyTextOf(message), MESSENGER_LIMITS.text);
  const quickReplies = buttons.map((button) => ({ content_type: 'text', title: shorten(button.title, MESSENGER_LIMITS.quickReplyTitle), payload: button.payload }));
  return pieces.map((piece, index) => request(piece, index === pieces.length - 1 && quickReplies.length > 0 ? quickReplies : undefined));
}

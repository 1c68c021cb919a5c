import { plainTextOf, type Button, type OutgoingMessage } from '../../core/index.js';
import { bodyTextOf, shorten } from './outgoing-text.js';
import { splitText, splitWithShortTail } from './text-split.js';

/**
 * A reply as WhatsApp Cloud API message requests (`POST /{phone-number-id}/messages`), in order:
 *
 * - no buttons: text messages (body ≤ 4096 characters, a longer text is split);
 * - 1–3 buttons: an interactive `button` message (reply buttons: title ≤ 20, id = the payload
 *   ≤ 256); its body (≤ 1024) is the end of the text, any earlier part goes ahead as text;
 * - 4–10 buttons: an interactive `list` message, one section of rows (title ≤ 24, the full title
 *   as the row's description when cut, id = the payload ≤ 200), opened with a "Choose" button;
 * - more, or a payload too long to be an id: text with the choices numbered.
 *
 * The body is the message's text followed by its elements' fallbacks.
 */

export const WHATSAPP_LIMITS = {
  textBody: 4096,
  interactiveBody: 1024,
  replyButtons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listRows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  listButton: 20,
} as const;

/** The label of the button that opens a list. */
export const LIST_BUTTON_LABEL = 'Choose';

export type WhatsAppRequest = Readonly<Record<string, unknown>>;

export function whatsappRequests(to: string, message: OutgoingMessage): WhatsAppRequest[] {
  const buttons = message.buttons ?? [];
  const body = bodyTextOf(message);
  const texts = (text: string) => splitText(text, WHATSAPP_LIMITS.textBody).map((piece) => textRequest(to, piece));
  if (buttons.length === 0) return texts(body);
  if (buttons.length <= WHATSAPP_LIMITS.replyButtons && buttons.every((button) => button.payload.length <= WHATSAPP_LIMITS.buttonId)) {
    const { head, tail } = splitWithShortTail(body, WHATSAPP_LIMITS.textBody, WHATSAPP_LIMITS.interactiveBody);
    return [...head.map((piece) => textRequest(to, piece)), interactiveRequest(to, tail, replyButtons(buttons))];
  }
  if (buttons.length <= WHATSAPP_LIMITS.listRows && buttons.every((button) => button.payload.length <= WHATSAPP_LIMITS.rowId)) {
    const { head, tail } = splitWithShortTail(body, WHATSAPP_LIMITS.textBody, WHATSAPP_LIMITS.interactiveBody);
    return [...head.map((piece) => textRequest(to, piece)), interactiveRequest(to, tail, list(buttons))];
  }
  return texts(plainTextOf(message));
}

function textRequest(to: string, body: string): WhatsAppRequest {
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body } };
}

function interactiveRequest(to: string, body: string, interactive: Record<string, unknown>): WhatsAppRequest {
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'interactive', interactive: { ...interactive, body: { text: body } } };
}

function replyButtons(buttons: readonly Button[]): Record<string, unknown> {
  return {
    type: 'button',
    action: {
      buttons: buttons.map((button) => ({ type: 'reply', reply: { id: button.payload, title: shorten(button.title, WHATSAPP_LIMITS.buttonTitle) } })),
    },
  };
}

function list(buttons: readonly Button[]): Record<string, unknown> {
  return {
    type: 'list',
    action: {
      button: LIST_BUTTON_LABEL,
      sections: [
        {
          rows: buttons.map((button) => {
            const title = shorten(button.title, WHATSAPP_LIMITS.rowTitle);
            return title === button.title
              ? { id: button.payload, title }
              : { id: button.payload, title, description: shorten(button.title, WHATSAPP_LIMITS.rowDescription) };
          }),
        },
      ],
    },
  };
}

import { z } from 'zod';
import type { InboundChannelMessage } from '../../core/index.js';
import { expectShape, MalformedPayloadError } from './webhook.js';

/**
 * WhatsApp Cloud API webhooks (`object: whatsapp_business_account`) into messages. Each entry is
 * a business account; each change with `field: messages` may carry `messages` (what users sent)
 * and `statuses` (receipts for what we sent, ignored). Text is the text; a pressed reply button
 * or list row gives its id (our payload); a template's quick-reply button gives its payload.
 * Other types (images, audio, locations, reactions, …) carry nothing a turn can read: skipped.
 */

const entrySchema = z.object({ changes: z.array(z.unknown()) });
const changeSchema = z.object({ field: z.string(), value: z.unknown() });
const valueSchema = z.object({
  metadata: z.object({ phone_number_id: z.string() }).optional(),
  messages: z.array(z.unknown()).optional(),
});
const replySchema = z.object({ id: z.string().min(1), title: z.string().optional() });
const messageSchema = z.object({
  id: z.string().min(1),
  from: z.string().min(1),
  type: z.string().min(1),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({ type: z.string(), button_reply: replySchema.optional(), list_reply: replySchema.optional() })
    .optional(),
  button: z.object({ payload: z.string().optional(), text: z.string().optional() }).optional(),
});
type WhatsAppMessage = z.infer<typeof messageSchema>;

/**
 * The messages of a batch's entries. Messages sent to another phone number of the same business
 * account (`metadata.phone_number_id` differs from `phoneNumberId`) are not ours to answer.
 */
export function parseWhatsAppEntries(entries: readonly unknown[], phoneNumberId: string): InboundChannelMessage[] {
  const messages: InboundChannelMessage[] = [];
  entries.forEach((rawEntry, e) => {
    const entry = expectShape(entrySchema, rawEntry, `entry[${e}]`);
    entry.changes.forEach((rawChange, c) => {
      const where = `entry[${e}].changes[${c}]`;
      const change = expectShape(changeSchema, rawChange, where);
      if (change.field !== 'messages') return;
      const value = expectShape(valueSchema, change.value, `${where}.value`);
      if (value.metadata !== undefined && value.metadata.phone_number_id !== phoneNumberId) return;
      (value.messages ?? []).forEach((rawMessage, m) => {
        const at = `${where}.value.messages[${m}]`;
        const message = expectShape(messageSchema, rawMessage, at);
        const text = textOf(message, at);
        if (text === undefined || text === '') return;
        messages.push({ messageId: message.id, address: message.from, userId: message.from, text });
      });
    });
  });
  return messages;
}

/** What the user said or chose; undefined for a type Parley does not read. */
function textOf(message: WhatsAppMessage, at: string): string | undefined {
  switch (message.type) {
    case 'text':
      if (message.text === undefined) throw new MalformedPayloadError(`${at}: a text message has no text.body`);
      return message.text.body;
    case 'interactive': {
      const interactive = message.interactive;
      if (interactive === undefined) throw new MalformedPayloadError(`${at}: an interactive message has no interactive object`);
      if (interactive.type === 'button_reply') {
        if (interactive.button_reply === undefined) throw new MalformedPayloadError(`${at}.interactive: a button_reply has no button_reply object`);
        return interactive.button_reply.id;
      }
      if (interactive.type === 'list_reply') {
        if (interactive.list_reply === undefined) throw new MalformedPayloadError(`${at}.interactive: a list_reply has no list_reply object`);
        return interactive.list_reply.id;
      }
      return undefined;
    }
    case 'button':
      // A quick-reply button of a template message: its payload, else the text it shows.
      if (message.button === undefined) throw new MalformedPayloadError(`${at}: a button message has no button object`);
      return message.button.payload ?? message.button.text;
    default:
      return undefined;
  }
}

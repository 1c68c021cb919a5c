import { z } from 'zod';
import type { InboundChannelMessage } from '../../core/index.js';
import { expectShape, MalformedPayloadError } from './webhook.js';

/**
 * Messenger webhooks (`object: page`) into messages. Each entry is a Page; its `messaging` items
 * are events. A message gives its text, or a tapped quick reply's payload; a postback (a button or
 * the Get Started button) gives its payload. Echoes of what the Page sent (`is_echo`), delivery
 * and read receipts, reactions, attachments without text and `standby` events (another app owns
 * the conversation) are skipped.
 */

const entrySchema = z.object({ time: z.number().optional(), messaging: z.array(z.unknown()).optional() });
const itemSchema = z.object({
  sender: z.object({ id: z.string().min(1) }).optional(),
  timestamp: z.number().optional(),
  message: z
    .object({
      mid: z.string().min(1),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
    })
    .optional(),
  postback: z.object({ mid: z.string().optional(), payload: z.string().optional(), title: z.string().optional() }).optional(),
});

export function parseMessengerEntries(entries: readonly unknown[]): InboundChannelMessage[] {
  const messages: InboundChannelMessage[] = [];
  entries.forEach((rawEntry, e) => {
    const entry = expectShape(entrySchema, rawEntry, `entry[${e}]`);
    (entry.messaging ?? []).forEach((rawItem, i) => {
      const at = `entry[${e}].messaging[${i}]`;
      const item = expectShape(itemSchema, rawItem, at);
      if (item.message?.is_echo === true) return;
      if (item.message === undefined && item.postback === undefined) return;
      const sender = item.sender?.id;
      if (sender === undefined) throw new MalformedPayloadError(`${at}: a message or postback has no sender.id`);
      if (item.message !== undefined) {
        const text = item.message.quick_reply?.payload ?? item.message.text;
        if (text !== undefined && text !== '') messages.push({ messageId: item.message.mid, address: sender, userId: sender, text });
        return;
      }
      const postback = item.postback;
      const text = postback?.payload ?? postback?.title;
      if (postback === undefined || text === undefined || text === '') return;
      // Postbacks carry a mid since Graph v8; an older one is identified by who pressed when.
      const time = item.timestamp ?? entry.time;
      if (postback.mid === undefined && time === undefined) throw new MalformedPayloadError(`${at}: a postback has neither a mid nor a timestamp`);
      messages.push({ messageId: postback.mid ?? `postback:${sender}:${String(time)}`, address: sender, userId: sender, text });
    });
  });
  return messages;
}

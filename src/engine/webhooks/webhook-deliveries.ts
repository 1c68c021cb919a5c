import { WEBHOOK_CHANNEL_PREFIX, type ConversationEvent, type NewOutboxEntry, type WebhookConfig, type WebhookEventDelivery } from '../../core/index.js';

/**
 * The outbox entries that carry committed events to the bot's webhooks: one per (webhook that
 * subscribes to the event's type × event). They are written in the same transaction as the
 * events, so a committed event is never lost and an event that was not committed is never sent.
 */

/** Whether a webhook subscribes to an event type (`*` is every type). */
export function webhookWants(webhook: Pick<WebhookConfig, 'events'>, type: string): boolean {
  return webhook.events.includes('*') || webhook.events.includes(type);
}

/**
 * The delivery's id (the `X-Parley-Delivery` header). It is made of the conversation, the
 * event's seq (zero-padded) and the webhook, so it is unique and the outbox, which hands out
 * entries of the same time in id order, sends a conversation's events in log order.
 */
export function webhookDeliveryId(event: Pick<ConversationEvent, 'conversationId' | 'seq'>, webhook: string): string {
  return `whd_${event.conversationId}_${String(event.seq).padStart(10, '0')}_${webhook}`;
}

export function webhookDeliveries(
  webhooks: readonly Pick<WebhookConfig, 'name' | 'events'>[],
  bot: string,
  events: readonly ConversationEvent[],
  createdAt: string,
): NewOutboxEntry<WebhookEventDelivery>[] {
  const entries: NewOutboxEntry<WebhookEventDelivery>[] = [];
  for (const event of events) {
    for (const webhook of webhooks) {
      if (!webhookWants(webhook, event.type)) continue;
      entries.push({
        id: webhookDeliveryId(event, webhook.name),
        conversationId: event.conversationId,
        channel: `${WEBHOOK_CHANNEL_PREFIX}${webhook.name}`,
        message: { type: 'webhook-event', webhook: webhook.name, bot, event },
        createdAt,
      });
    }
  }
  return entries;
}

import { ChannelSendError, type ChannelAdapter, type ChannelSender, type ParleyStore } from '../core/index.js';

/**
 * The delivery worker's sender for one messaging channel: finds where the conversation lives on
 * the platform and hands the reply to the channel's adapter. The outbox entry's id goes along as
 * the delivery id, so an adapter can pass it to a platform as an idempotency key.
 */
export function channelSender(channel: ChannelAdapter, store: ParleyStore): ChannelSender {
  return {
    channel: channel.name,
    async send(entry) {
      const conversation = await store.conversations.get(entry.conversationId);
      if (!conversation?.address) {
        throw new ChannelSendError(`conversation ${entry.conversationId} has no ${channel.name} address to reply to`, true);
      }
      await channel.send({ id: entry.id, address: conversation.address, message: entry.message });
    },
  };
}

import type { ChannelSender } from '../core/index.js';

/**
 * REST clients pull their replies: they receive them in the response to their message and can
 * read them again from the history. Once committed, a REST reply is delivered; the outbox entry
 * is closed so the delivery worker's counts stay true.
 */
export const restChannelSender: ChannelSender = {
  channel: 'rest',
  async send() {
    // Nothing to push.
  },
};

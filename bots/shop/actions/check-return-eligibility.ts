import type { Action } from 'parley/actions';

/**
 * Decides whether the order in the slot "order" (as the orders service returned it) can still be
 * returned: it must have been delivered, within the return window, and not be returned already.
 * Sets "return_eligible" (true or false) and, when false, "return_refusal": why, in a sentence
 * the bot can say as it is.
 */

const RETURN_WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

interface OrderRecord {
  readonly status?: string;
  readonly delivered_at?: string;
  readonly return_requested?: boolean;
}

const action: Action = {
  description: 'Checks the 30-day return window of the looked-up order',
  run(ctx) {
    const order = (ctx.slots.order ?? {}) as OrderRecord;
    const refuse = (why: string) => {
      ctx.setSlot('return_eligible', false);
      ctx.setSlot('return_refusal', why);
    };
    if (order.return_requested) return refuse('A return has already been started for this order - the label is in your inbox.');
    if (order.status !== 'delivered' || order.delivered_at === undefined) {
      return refuse("This order hasn't been delivered yet. Once it arrives you have 30 days to send it back.");
    }
    const delivered = Date.parse(order.delivered_at);
    if (Number.isNaN(delivered)) throw new Error(`order.delivered_at is not a date: ${order.delivered_at}`);
    const days = Math.floor((Date.now() - delivered) / DAY_MS);
    if (days > RETURN_WINDOW_DAYS) {
      return refuse(`This order was delivered ${days} days ago, so it's outside our ${RETURN_WINDOW_DAYS}-day return window.`);
    }
    ctx.setSlot('return_eligible', true);
  },
};

export default action;

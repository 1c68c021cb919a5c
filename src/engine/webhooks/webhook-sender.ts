import { parseRetryAfter } from '../../connectors/index.js';
import { ParleyError, systemClock, type Clock, type ErrorCode, type OutboxEntry, type OutboxSender, type WebhookEventDelivery } from '../../core/index.js';
import { signWebhookPayload } from './webhook-signature.js';
import type { WebhookTargets } from './webhook-targets.js';

/**
 * Sends one outbox entry that carries a conversation event to its webhook: a signed JSON POST.
 * A 2xx answer is a delivery. Anything else throws a WebhookDeliveryError, which tells the
 * delivery worker whether to retry (network error, timeout, 3xx, 5xx, 408, 429) or give up at
 * once (any other 4xx, or a webhook the bot no longer has), and how long the receiver asked to
 * wait (Retry-After on 429 and 503). Error messages name the webhook, never its URL or secret.
 */

export const WEBHOOK_USER_AGENT = 'Parley-Webhooks/1';

/** What the receiver gets as the request body. */
export interface WebhookBody {
  /** The event's id: the same in every retry, so receivers can drop duplicates by it. */
  readonly id: string;
  readonly type: string;
  /** The event type's schema version. */
  readonly v: number;
  readonly conversationId: string;
  /** The event's position in the conversation's log (1, 2, …). */
  readonly seq: number;
  readonly at: string;
  readonly bot: string;
  readonly data: unknown;
}

export class WebhookDeliveryError extends ParleyError {
  /** Retrying cannot help: the delivery worker gives up at once. */
  readonly permanent: boolean;
  /** The receiver asked to wait this long before the next attempt. */
  readonly retryAfterMs: number | undefined;

  constructor(code: Extract<ErrorCode, `PARLEY_WEBHOOK_${string}`>, message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'WebhookDeliveryError';
    this.permanent = !this.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export interface WebhookSenderOptions {
  /** The webhooks of the bot being served now: a reload changes where new attempts go. */
  readonly targets: () => WebhookTargets;
  readonly clock?: Clock;
  readonly fetch?: typeof globalThis.fetch;
}

export function webhookBody(delivery: WebhookEventDelivery): WebhookBody {
  const { event } = delivery;
  return { id: event.id, type: event.type, v: event.v, conversationId: event.conversationId, seq: event.seq, at: event.at, bot: delivery.bot, data: event.data };
}

export function createWebhookSender(options: WebhookSenderOptions): OutboxSender<WebhookEventDelivery> {
  const clock = options.clock ?? systemClock;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  return {
    async send(entry: OutboxEntry<WebhookEventDelivery>): Promise<void> {
      const delivery = entry.message;
      const name = delivery.webhook;
      const target = options.targets().get(name);
      if (!target) {
        throw new WebhookDeliveryError('PARLEY_WEBHOOK_UNKNOWN', `webhook "${name}" is no longer in the bot's webhooks; the delivery is given up`);
      }
      const body = JSON.stringify(webhookBody(delivery));
      const timestamp = Math.floor(clock.now().getTime() / 1000);
      let response: Response;
      try {
        response = await fetchImpl(target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': WEBHOOK_USER_AGENT,
            'x-parley-event-id': delivery.event.id,
            'x-parley-event-type': delivery.event.type,
            'x-parley-delivery': entry.id,
            'x-parley-timestamp': String(timestamp),
            'x-parley-signature': signWebhookPayload(target.secret, timestamp, body),
          },
          body,
          // A redirect is reported, not followed: a POST would arrive elsewhere, or as a GET.
          redirect: 'manual',
          signal: AbortSignal.timeout(target.timeoutMs),
        });
      } catch (error) {
        throw new WebhookDeliveryError('PARLEY_WEBHOOK_DELIVERY_FAILED', `webhook "${name}": ${describeFetchFailure(error, target.timeoutMs)}`, { cause: error });
      }
      // The answer's body is not needed; dropping it frees the connection.
      await response.body?.cancel().catch(() => undefined);
      const status = response.status;
      if (status >= 200 && status <= 299) return;
      const permanent = status >= 400 && status <= 499 && status !== 408 && status !== 429;
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after'), clock.now()) : undefined;
      throw new WebhookDeliveryError(
        permanent ? 'PARLEY_WEBHOOK_REJECTED' : 'PARLEY_WEBHOOK_DELIVERY_FAILED',
        `webhook "${name}" answered HTTP ${status}${permanent ? '; the delivery is given up' : ''}`,
        retryAfterMs === undefined ? {} : { retryAfterMs },
      );
    },
  };
}

/** Why no answer came, without the URL (it may hold a token). */
function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  return code === undefined ? 'the request failed' : `the request failed (${code})`;
}

import {
  isWebhookDelivery,
  type ChannelSender,
  type Clock,
  type DeliveryFailureHints,
  type OutboxEntry,
  type OutboxPayload,
  type OutboxSender,
  type OutboxStore,
  type WebhookEventDelivery,
} from '../core/index.js';
import { silentLogger, type EngineLogger } from './logger.js';

/**
 * Sends what turns put in the outbox: channel messages through their channel's sender, webhook
 * deliveries through the webhook sender. Entries are leased, not locked, so a worker that dies
 * mid-send gives its entries back when the lease runs out and another worker (or this one after a
 * restart) sends them: delivery is at least once. Failed sends are retried with exponential
 * backoff (or later, when the receiver asked to wait), then given up on; a failure the sender
 * marks permanent is given up on at once. The channels of one pass are served side by side, each
 * in order, so a slow webhook does not hold back a chat reply.
 */

export interface DeliveryWorkerOptions {
  readonly outbox: OutboxStore;
  readonly senders: readonly ChannelSender[];
  /** Sends the entries that carry a webhook delivery (channels `webhook:<name>`). */
  readonly webhookSender?: OutboxSender<WebhookEventDelivery>;
  readonly clock: Clock;
  readonly logger?: EngineLogger;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  readonly maxAttempts?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Longest wait a receiver's Retry-After may impose (default one hour); longer requests are cut to this. */
  readonly maxRetryAfterMs?: number;
}

export interface DeliveryWorker {
  start(): void;
  /** Asks for a pass soon, e.g. after a turn queued messages. */
  kick(): void;
  /** One pass over the due entries; returns how many it handled. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 1000;
  const maxAttempts = options.maxAttempts ?? 8;
  const baseBackoffMs = options.baseBackoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60 * 60_000;
  const senders = new Map<string, OutboxSender<OutboxPayload>>(
    // A channel sender only ever gets entries that are not webhook deliveries (see senderFor).
    options.senders.map((sender) => [sender.channel, sender as OutboxSender<OutboxPayload>]),
  );
  const webhookSender = options.webhookSender as OutboxSender<OutboxPayload> | undefined;

  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let kicked = false;

  async function runOnce(): Promise<number> {
    const now = options.clock.now();
    const due = await options.outbox.claimDue({ limit: batchSize, now: now.toISOString(), leaseMs });
    if (due.length === 0) return 0;
    const delivered: string[] = [];
    const byChannel = new Map<string, OutboxEntry<OutboxPayload>[]>();
    for (const entry of due) {
      const queue = byChannel.get(entry.channel);
      if (queue) queue.push(entry);
      else byChannel.set(entry.channel, [entry]);
    }
    const passes = await Promise.allSettled(
      [...byChannel.values()].map(async (queue) => {
        for (const entry of queue) if (await sendOne(entry, now)) delivered.push(entry.id);
      }),
    );
    // What did go out is recorded even when recording a failure did not work (the store refused).
    if (delivered.length > 0) await options.outbox.markDelivered(delivered, options.clock.now().toISOString());
    const broken = passes.find((pass) => pass.status === 'rejected');
    if (broken) throw broken.reason;
    return due.length;
  }

  function senderFor(entry: OutboxEntry<OutboxPayload>): OutboxSender<OutboxPayload> | undefined {
    return isWebhookDelivery(entry) ? webhookSender : senders.get(entry.channel);
  }

  async function sendOne(entry: OutboxEntry<OutboxPayload>, now: Date): Promise<boolean> {
    const sender = senderFor(entry);
    try {
      if (!sender) throw new Error(`no sender for channel "${entry.channel}"`);
      await sender.send(entry);
      return true;
    } catch (error) {
      const attempts = entry.attempts + 1;
      const hints = failureHints(error);
      const giveUp = !sender || hints.permanent || attempts >= maxAttempts;
      let retryAt: string | null = null;
      if (!giveUp) {
        const backoffMs = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (attempts - 1));
        const waitMs = Math.max(backoffMs, Math.min(maxRetryAfterMs, hints.retryAfterMs));
        retryAt = new Date(now.getTime() + waitMs).toISOString();
      }
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn({ outboxId: entry.id, channel: entry.channel, attempts, giveUp, reason }, 'delivery failed');
      await options.outbox.markAttemptFailed(entry.id, reason, retryAt);
      return false;
    }
  }

  async function run(): Promise<void> {
    while (running) {
      let handled = 0;
      try {
        handled = await runOnce();
      } catch (error) {
        logger.error({ err: error }, 'delivery pass failed');
      }
      if (handled > 0 || !running) continue;
      if (kicked) {
        kicked = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
      kicked = false;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    kick() {
      kicked = true;
      wake?.();
    },
    runOnce,
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = null;
    },
  };
}

/** What the thrown error says about retrying (see DeliveryFailureHints); anything else is retried normally. */
function failureHints(error: unknown): { permanent: boolean; retryAfterMs: number } {
  if (typeof error !== 'object' || error === null) return { permanent: false, retryAfterMs: 0 };
  const { permanent, retryAfterMs } = error as DeliveryFailureHints;
  return {
    permanent: permanent === true,
    retryAfterMs: typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0,
  };
}

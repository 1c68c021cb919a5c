import type { ChannelSender, Clock, OutboxEntry, OutboxStore } from '../core/index.js';
import { silentLogger, type EngineLogger } from './logger.js';

/**
 * Sends what turns put in the outbox. Entries are leased, not locked, so a worker that dies
 * mid-send gives its entries back when the lease runs out and another worker (or this one after a
 * restart) sends them. Failed sends are retried with exponential backoff, then given up on.
 */

export interface DeliveryWorkerOptions {
  readonly outbox: OutboxStore;
  readonly senders: readonly ChannelSender[];
  readonly clock: Clock;
  readonly logger?: EngineLogger;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  readonly maxAttempts?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
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
  const senders = new Map(options.senders.map((sender) => [sender.channel, sender]));

  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let kicked = false;

  async function runOnce(): Promise<number> {
    const now = options.clock.now();
    const due = await options.outbox.claimDue({ limit: batchSize, now: now.toISOString(), leaseMs });
    const delivered: string[] = [];
    for (const entry of due) {
      if (await sendOne(entry, now)) delivered.push(entry.id);
    }
    if (delivered.length > 0) await options.outbox.markDelivered(delivered, options.clock.now().toISOString());
    return due.length;
  }

  async function sendOne(entry: OutboxEntry, now: Date): Promise<boolean> {
    const sender = senders.get(entry.channel);
    try {
      if (!sender) throw new Error(`no sender for channel "${entry.channel}"`);
      await sender.send(entry);
      return true;
    } catch (error) {
      const attempts = entry.attempts + 1;
      const giveUp = attempts >= maxAttempts || !sender;
      const retryAt = giveUp ? null : new Date(now.getTime() + Math.min(maxBackoffMs, baseBackoffMs * 2 ** (attempts - 1))).toISOString();
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

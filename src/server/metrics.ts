import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboxStore } from '../core/index.js';
import type { TurnObserver } from '../engine/index.js';

/** Prometheus metrics, in a registry of their own so several servers can live in one process (tests). */
export interface ServerMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly turnObserver: TurnObserver;
  /** Gauges read at scrape time from the store. */
  watchOutbox(outbox: OutboxStore): void;
}

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const httpRequests = new Counter({
    name: 'parley_http_requests_total',
    help: 'HTTP requests answered, by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const turns = new Counter({ name: 'parley_turns_total', help: 'Turns processed, by outcome', labelNames: ['outcome', 'stage'] as const, registers: [registry] });
  const turnDuration = new Histogram({
    name: 'parley_turn_duration_seconds',
    help: 'Time to process one turn, from lock to commit',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  let outbox: OutboxStore | null = null;
  new Gauge({
    name: 'parley_outbox_entries',
    help: 'Outgoing messages by delivery status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      if (!outbox) return;
      const counts = await outbox.countByStatus();
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  });

  return {
    registry,
    httpRequests,
    httpDuration,
    turnObserver: {
      turnCompleted({ durationMs, outcome, stage }) {
        turns.inc({ outcome, stage: stage ?? 'none' });
        turnDuration.observe(durationMs / 1000);
      },
    },
    watchOutbox(store) {
      outbox = store;
    },
  };
}

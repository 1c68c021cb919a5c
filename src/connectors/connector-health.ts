import type { Clock } from '../core/index.js';
import type { CircuitState } from './circuit-breaker.js';

/** What an operator sees of one connector: on `/readyz` (its state) and `GET /v1/admin/connectors` (all of it). */
export interface ConnectorHealth {
  readonly name: string;
  readonly type: 'static' | 'http';
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
  /** What went wrong last time: a code and a message without secrets, URLs or user data. */
  readonly lastError: string | null;
}

export interface HealthRecord {
  recordSuccess(): void;
  recordFailure(error: { readonly code: string; readonly message: string }): void;
  snapshot(circuit: { readonly state: CircuitState; readonly consecutiveFailures: number }): ConnectorHealth;
}

export function createHealthRecord(name: string, type: ConnectorHealth['type'], clock: Clock): HealthRecord {
  let lastSuccessAt: string | null = null;
  let lastFailureAt: string | null = null;
  let lastError: string | null = null;
  return {
    recordSuccess() {
      lastSuccessAt = clock.now().toISOString();
    },
    recordFailure(error) {
      lastFailureAt = clock.now().toISOString();
      lastError = `${error.code}: ${error.message}`;
    },
    snapshot(circuit) {
      return { name, type, state: circuit.state, consecutiveFailures: circuit.consecutiveFailures, lastSuccessAt, lastFailureAt, lastError };
    },
  };
}

/** A static connector reads data loaded with the bot: always there, always closed. */
export function staticConnectorHealth(name: string): ConnectorHealth {
  return { name, type: 'static', state: 'closed', consecutiveFailures: 0, lastSuccessAt: null, lastFailureAt: null, lastError: null };
}

/** Name → circuit state, for the readiness probe. */
export function connectorStates(health: readonly ConnectorHealth[]): Record<string, CircuitState> {
  return Object.fromEntries(health.map((entry) => [entry.name, entry.state]));
}

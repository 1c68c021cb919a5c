import type { z } from 'zod';
import type { Clock, ConnectorResult, HttpConnectorConfig, HttpOperation } from '../core/index.js';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';
import { createHealthRecord, type ConnectorHealth } from './connector-health.js';
import { planRequest, type HttpConnectionSettings, type PlannedRequest } from './http-request.js';
import { TransportTimeoutError, type HttpTransport } from './http-transport.js';
import { cacheKey, type ResponseCache } from './response-cache.js';
import { checkResponseShape, responseShapeToSchema } from './response-shape.js';
import { createRetryPolicy, isIdempotent, type AttemptFailure, type RetryTuning } from './retry-policy.js';
import type { Connector } from './static-connector.js';

/** A failed call. `status` is set for PARLEY_CONNECTOR_HTTP_ERROR: the status the service answered. */
export interface ConnectorFailure {
  readonly outcome: 'error';
  readonly code: ConnectorErrorCode;
  readonly message: string;
  readonly status?: number;
}

export type ConnectorErrorCode =
  | 'PARLEY_CONNECTOR_TIMEOUT'
  | 'PARLEY_CONNECTOR_HTTP_ERROR'
  | 'PARLEY_CONNECTOR_CIRCUIT_OPEN'
  | 'PARLEY_CONNECTOR_INVALID_RESPONSE'
  | 'PARLEY_CONNECTOR_UNREACHABLE'
  | 'PARLEY_CONNECTOR_NOT_FOUND'
  | 'PARLEY_CONNECTOR_FAILED';

export function connectorFailure(code: ConnectorErrorCode, message: string, status?: number): ConnectorFailure {
  return status === undefined ? { outcome: 'error', code, message } : { outcome: 'error', code, message, status };
}

export interface HttpConnectorDependencies {
  readonly settings: HttpConnectionSettings;
  readonly transport: HttpTransport;
  readonly clock: Clock;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly cache: ResponseCache;
  readonly retry?: Partial<RetryTuning>;
  /** Answers larger than this are refused as invalid (default 1 MiB). */
  readonly maxResponseBytes?: number;
}

export interface HttpConnector extends Connector {
  health(): ConnectorHealth;
}

export const defaultMaxResponseBytes = 1024 * 1024;

type AttemptResult =
  | { readonly kind: 'success'; readonly data: unknown }
  | { readonly kind: 'not-found' }
  | {
      readonly kind: 'failure';
      readonly failure: AttemptFailure;
      readonly error: ConnectorFailure;
      /** Whether this says the service is unwell (it counts towards opening the circuit); a 400 says the request was wrong. */
      readonly unhealthy: boolean;
    };

/**
 * One HTTP connector: its operations, its circuit breaker and its health record. Calls never
 * throw: every remote failure becomes an `error` result with a stable code.
 */
export function createHttpConnector(name: string, config: HttpConnectorConfig, deps: HttpConnectorDependencies): HttpConnector {
  const breaker: CircuitBreaker = createCircuitBreaker({
    failureThreshold: config.circuit_breaker.failure_threshold,
    resetMs: config.circuit_breaker.reset_ms,
    clock: deps.clock,
  });
  const health = createHealthRecord(name, 'http', deps.clock);
  const maxBytes = deps.maxResponseBytes ?? defaultMaxResponseBytes;
  const shapes = new Map<string, z.ZodType>();
  for (const [operationName, operation] of Object.entries(config.operations)) {
    if (operation.response !== undefined) shapes.set(operationName, responseShapeToSchema(operation.response));
  }

  async function attempt(label: string, operationName: string, operation: HttpOperation, request: PlannedRequest): Promise<AttemptResult> {
    const failed = (failure: AttemptFailure, error: ConnectorFailure, unhealthy = true): AttemptResult => ({ kind: 'failure', failure, error, unhealthy });
    try {
      // A redirect could carry the auth header to another host: the transport never follows one.
      const response = await deps.transport({
        method: request.method,
        url: request.url,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        timeoutMs: config.timeout_ms,
      });
      if (operation.not_found_status.includes(response.status)) {
        await response.discard();
        return { kind: 'not-found' };
      }
      if (response.status < 200 || response.status > 299) {
        const retryAfter = response.header('retry-after');
        await response.discard();
        const failure: AttemptFailure = { kind: 'status', status: response.status, retryAfter };
        const serverSide = response.status === 429 || response.status >= 500;
        return failed(failure, connectorFailure('PARLEY_CONNECTOR_HTTP_ERROR', `${label} answered HTTP ${response.status}`, response.status), serverSide);
      }
      const text = await response.text(maxBytes);
      if (text === null) {
        return failed({ kind: 'invalid-response' }, connectorFailure('PARLEY_CONNECTOR_INVALID_RESPONSE', `${label} answered with more than ${maxBytes} bytes`));
      }
      let data: unknown = null;
      if (text.trim() !== '') {
        try {
          data = JSON.parse(text) as unknown;
        } catch {
          return failed({ kind: 'invalid-response' }, connectorFailure('PARLEY_CONNECTOR_INVALID_RESPONSE', `${label} answered with a body that is not JSON`));
        }
      }
      const shape = shapes.get(operationName);
      if (shape !== undefined) {
        const checked = checkResponseShape(shape, data);
        if (!checked.ok) {
          return failed(
            { kind: 'invalid-response' },
            connectorFailure('PARLEY_CONNECTOR_INVALID_RESPONSE', `${label} answered with an unexpected shape at ${checked.path}: ${checked.problem}`),
          );
        }
        data = checked.data;
      }
      return { kind: 'success', data };
    } catch (error) {
      if (error instanceof TransportTimeoutError) {
        return failed({ kind: 'timeout' }, connectorFailure('PARLEY_CONNECTOR_TIMEOUT', `${label} did not answer within ${config.timeout_ms} ms`));
      }
      return failed({ kind: 'unreachable' }, connectorFailure('PARLEY_CONNECTOR_UNREACHABLE', `${label} could not reach the service${networkErrorCode(error)}`));
    }
  }

  return {
    async call(operationName, args): Promise<ConnectorResult> {
      const operation = Object.hasOwn(config.operations, operationName) ? config.operations[operationName] : undefined;
      if (operation === undefined) {
        return connectorFailure(
          'PARLEY_CONNECTOR_NOT_FOUND',
          `Connector "${name}" has no operation "${operationName}" (it has: ${Object.keys(config.operations).join(', ') || 'none'})`,
        );
      }
      const label = `${name}.${operationName}`;
      const request = planRequest(deps.settings, operation, args);
      // A record cannot be named by an empty argument: like a static lookup, nothing is found.
      if ('missing' in request) return { outcome: 'not-found' };

      const ttl = operation.method === 'GET' ? (operation.cache_ttl_ms ?? config.cache_ttl_ms) : 0;
      const key = ttl > 0 ? cacheKey(name, operationName, args) : undefined;
      if (key !== undefined) {
        const cached = deps.cache.get(key);
        if (cached !== undefined) return { outcome: 'success', data: cached.data };
      }

      const policy = createRetryPolicy({ retries: config.retries, idempotent: isIdempotent(operation), random: deps.random, ...(deps.retry ? { tuning: deps.retry } : {}) });
      let lastFailure: ConnectorFailure | undefined;
      for (let attemptNumber = 0; ; attemptNumber += 1) {
        if (!breaker.tryAcquire()) return lastFailure ?? circuitOpen(label);
        const result = await attempt(label, operationName, operation, request);
        if (result.kind !== 'failure') {
          breaker.recordSuccess();
          health.recordSuccess();
          if (result.kind === 'not-found') return { outcome: 'not-found' };
          if (key !== undefined) deps.cache.set(key, result.data, ttl);
          return { outcome: 'success', data: result.data };
        }
        if (result.unhealthy) breaker.recordFailure();
        else breaker.recordSuccess();
        health.recordFailure(result.error);
        lastFailure = result.error;
        const decision = policy.decide(attemptNumber, result.failure, deps.clock.now());
        if (!decision.retry) return lastFailure;
        await deps.sleep(decision.delayMs);
      }
    },
    health() {
      return health.snapshot({ state: breaker.state(), consecutiveFailures: breaker.consecutiveFailures });
    },
  };

  function circuitOpen(label: string): ConnectorFailure {
    return connectorFailure(
      'PARLEY_CONNECTOR_CIRCUIT_OPEN',
      `${label} was not called: the circuit of connector "${name}" is open after ${breaker.consecutiveFailures} consecutive failures`,
    );
  }
}

/** " (ECONNRESET)" from a network error or its cause; an empty text when there is no system code. */
function networkErrorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return ` (${code})`;
    current = (current as { cause?: unknown }).cause;
  }
  return '';
}

import type { Clock } from '../core/index.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Stops calling a remote that keeps failing, so a conversation gets its "try again later" at once
 * instead of after every timeout and retry, and the remote gets room to recover.
 *
 * closed → (failure_threshold consecutive failures) → open → (reset_ms later) → half-open: one
 * trial attempt goes through; its success closes the circuit, its failure opens it again for
 * another reset_ms. Other attempts made while the trial is out are refused, as when open.
 */
export interface CircuitBreaker {
  state(): CircuitState;
  readonly consecutiveFailures: number;
  /** Whether an attempt may go out now; a true answer in half-open is the trial and must be followed by a record call. */
  tryAcquire(): boolean;
  recordSuccess(): void;
  recordFailure(): void;
}

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly resetMs: number;
  readonly clock: Clock;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  let failures = 0;
  let openedAt: number | null = null;
  let trialOut = false;

  const state = (): CircuitState => {
    if (openedAt === null) return 'closed';
    return options.clock.now().getTime() - openedAt >= options.resetMs ? 'half-open' : 'open';
  };

  const open = (): void => {
    openedAt = options.clock.now().getTime();
    trialOut = false;
  };

  return {
    state,
    get consecutiveFailures() {
      return failures;
    },
    tryAcquire() {
      switch (state()) {
        case 'closed':
          return true;
        case 'open':
          return false;
        case 'half-open':
          if (trialOut) return false;
          trialOut = true;
          return true;
      }
    },
    recordSuccess() {
      failures = 0;
      openedAt = null;
      trialOut = false;
    },
    recordFailure() {
      failures += 1;
      if (openedAt !== null) {
        // A failed trial (or a late answer from before the circuit opened) restarts the wait.
        open();
        return;
      }
      if (failures >= options.failureThreshold) open();
    },
  };
}

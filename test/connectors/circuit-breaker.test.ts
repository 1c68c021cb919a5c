import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../src/connectors/index.js';
import { manualClock } from './misbehaving-server.js';

function breaker(failureThreshold = 3, resetMs = 1000) {
  const clock = manualClock();
  return { clock, breaker: createCircuitBreaker({ failureThreshold, resetMs, clock }) };
}

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive failures and then refuses calls', () => {
    const { breaker: circuit } = breaker(3);
    for (let i = 0; i < 2; i += 1) {
      expect(circuit.tryAcquire()).toBe(true);
      circuit.recordFailure();
    }
    expect(circuit.state()).toBe('closed');
    expect(circuit.consecutiveFailures).toBe(2);
    expect(circuit.tryAcquire()).toBe(true);
    circuit.recordFailure();
    expect(circuit.state()).toBe('open');
    expect(circuit.tryAcquire()).toBe(false);
    expect(circuit.consecutiveFailures).toBe(3);
  });

  it('counts only consecutive failures: a success starts the count again', () => {
    const { breaker: circuit } = breaker(3);
    circuit.recordFailure();
    circuit.recordFailure();
    circuit.recordSuccess();
    circuit.recordFailure();
    circuit.recordFailure();
    expect(circuit.state()).toBe('closed');
    expect(circuit.consecutiveFailures).toBe(2);
  });

  it('turns half-open after reset_ms and lets exactly one trial through', () => {
    const { clock, breaker: circuit } = breaker(1, 1000);
    circuit.recordFailure();
    clock.advance(999);
    expect(circuit.state()).toBe('open');
    expect(circuit.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(circuit.state()).toBe('half-open');
    expect(circuit.tryAcquire()).toBe(true);
    expect(circuit.tryAcquire()).toBe(false);
    expect(circuit.state()).toBe('half-open');
  });

  it('closes when the trial succeeds', () => {
    const { clock, breaker: circuit } = breaker(2, 500);
    circuit.recordFailure();
    circuit.recordFailure();
    clock.advance(500);
    expect(circuit.tryAcquire()).toBe(true);
    circuit.recordSuccess();
    expect(circuit.state()).toBe('closed');
    expect(circuit.consecutiveFailures).toBe(0);
    expect(circuit.tryAcquire()).toBe(true);
    expect(circuit.tryAcquire()).toBe(true);
  });

  it('opens again for another reset_ms when the trial fails', () => {
    const { clock, breaker: circuit } = breaker(2, 500);
    circuit.recordFailure();
    circuit.recordFailure();
    clock.advance(600);
    expect(circuit.tryAcquire()).toBe(true);
    circuit.recordFailure();
    expect(circuit.state()).toBe('open');
    expect(circuit.consecutiveFailures).toBe(3);
    clock.advance(499);
    expect(circuit.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(circuit.state()).toBe('half-open');
    expect(circuit.tryAcquire()).toBe(true);
  });
});

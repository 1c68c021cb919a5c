import type { FastifyRequest } from 'fastify';

export interface RateLimits {
  readonly messagesPerMinute: number;
  readonly conversationsPerMinute: number;
}

/** Route config for @fastify/rate-limit; a limit of 0 turns limiting off for the route. */
export function rateLimitFor(perMinute: number, key: (request: FastifyRequest) => string): false | { max: number; timeWindow: number; keyGenerator: (request: FastifyRequest) => string } {
  if (perMinute === 0) return false;
  return { max: perMinute, timeWindow: 60_000, keyGenerator: key };
}

import { z } from 'zod';

/**
 * What the orchestrator and the load-generator process say to each other over the IPC channel,
 * and the conversation every virtual user plays. Shared so both sides agree on one shape.
 */

export const loadOptionsSchema = z.object({
  /** Base URL of the server under test, e.g. http://127.0.0.1:41234 (loopback only). */
  url: z.url({ protocol: /^http$/, hostname: /^127\.0\.0\.1$/ }),
  mode: z.enum(['bare', 'parley']),
  /** Virtual users, each with at most one request in flight; also the socket pool size. */
  concurrency: z.number().int().min(1).max(1024),
  /** Measured time; the run also stops early once `messages` measured messages were sent. */
  durationMs: z.number().int().min(100),
  messages: z.number().int().min(1).optional(),
  /** Load before the measured window, not recorded: JIT, SQLite page cache, socket set-up. */
  warmupMs: z.number().int().min(0),
  messagesPerConversation: z.number().int().min(1).default(10),
  requestTimeoutMs: z.number().int().min(100).default(10_000),
});
export type LoadOptions = z.input<typeof loadOptionsSchema>;

export const loadResultSchema = z.object({
  mode: z.enum(['bare', 'parley']),
  /** Messages answered 2xx in the measured window. */
  messages: z.number().int(),
  /** Conversations started in the measured window (requests not counted in `messages`). */
  conversations: z.number().int(),
  /** Non-2xx answers, timeouts and connection failures, warm-up included. */
  errors: z.number().int(),
  errorSamples: z.array(z.string()),
  elapsedMs: z.number(),
  messagesPerSecond: z.number(),
  p50Ms: z.number(),
  p90Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
  /** Every message answered 200 as a new turn, warm-up included: what the inbox must hold. */
  acceptedTotal: z.number().int(),
});
export type LoadResult = z.infer<typeof loadResultSchema>;

/**
 * One conversation of a shop customer, ten turns: the mix the shop bot sees (greetings, order
 * tracking with a 5-digit order number, shipping and returns questions, thanks). `n` varies the
 * order numbers so the NLU and the store do not see the same text every time.
 */
export const conversationScript: readonly ((n: number) => string)[] = [
  () => 'hi',
  () => 'where is my order',
  (n) => String(10_000 + ((n * 7919) % 90_000)),
  () => 'how long does shipping take?',
  () => 'do you ship to Canada',
  () => 'can I return a jacket that does not fit',
  () => 'what is your returns policy',
  () => 'hello, is anyone there?',
  (n) => `has order ${10_000 + ((n * 104_729) % 90_000)} shipped yet`,
  () => 'thanks, bye',
];

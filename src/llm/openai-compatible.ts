import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ParleyError } from '../core/index.js';
import type { IntentCandidate, IntentProvider, ProviderIntentResult } from '../core/index.js';
import { buildSystemPrompt, readChatAnswer } from './intent-prompt.js';
import { createJsonHttpClient, defaultSleep } from './json-http-client.js';
import type { JsonHttpClient, Sleep } from './json-http-client.js';
import { centroid, cosine } from './vectors.js';

/**
 * An intent provider for any server that speaks the OpenAI HTTP API (OpenAI, Azure-style
 * gateways, vLLM, llama.cpp server, LM Studio, Ollama's `/v1`, LiteLLM, …), in one of two modes:
 *
 * `embeddings` — `POST {baseUrl}/embeddings` with `{ model, input: string[] }`. On first use with
 * a set of candidates, every candidate's examples are embedded (in batches of `batchSize`) and one
 * centroid per intent is kept, cached under a hash of the candidates' content, so a retrained bot
 * with other examples is embedded again and an unchanged one never is. Then each message costs
 * one request: its embedding is compared by cosine with every centroid and the closest intent
 * wins. Centroids rather than nearest examples: the mean direction of an intent's examples is
 * less swayed by one odd or mislabelled example, and matching costs one comparison per intent.
 * The confidence is the cosine clamped to [0, 1]; below `minSimilarity` the answer is "out of
 * scope" (intent null, confidence still the best similarity). Cosine scales differ between
 * embedding models, so `minSimilarity` is to be tuned per model; it defaults to 0.
 *
 * `chat` — `POST {baseUrl}/chat/completions` with `{ model, messages: [system, user],
 * temperature: 0, response_format: { type: 'json_object' } }`. The system prompt lists the
 * intents (name and up to 3 examples); the user's text travels alone as the user message, cut to
 * `maxInputChars`. The answer's `choices[0].message.content` must be `{"intent": "<name or
 * none>", "confidence": 0..1}`; an intent that is not a candidate is treated as none. A model
 * refusal is an answer too: out of scope with confidence 0.
 *
 * Errors (see json-http-client.ts): 429 and 5xx are retried with exponential backoff honouring
 * `Retry-After` (capped at `maxRetryDelayMs`), network errors are retried, other 4xx are not;
 * `timeoutMs` bounds each request including its retries. Failures and answers that do not make
 * sense are a retryable PARLEY_CONNECTOR_FAILED whose message never contains the API key. An
 * aborted `signal` rejects with the signal's reason.
 */

export interface OpenAiCompatibleIntentProviderOptions {
  /** Up to and including the API version, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when given. */
  readonly apiKey?: string;
  readonly model: string;
  readonly mode: 'embeddings' | 'chat';
  /** Budget of one request, retries included. Default 3000. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx and network errors. Default 2. */
  readonly maxRetries?: number;
  readonly fetch?: typeof fetch;
  /** Embeddings mode: a best cosine below this means out of scope. Default 0. */
  readonly minSimilarity?: number;
  /** Embeddings mode: inputs per request when embedding the candidates' examples. Default 64. */
  readonly batchSize?: number;
  /** The message is cut to this many characters before it is sent. Default 1000. */
  readonly maxInputChars?: number;
  /** First retry delay; it doubles with every retry. Default 200. */
  readonly retryBaseDelayMs?: number;
  /** Cap on any retry delay, `Retry-After` included. Default 2000. */
  readonly maxRetryDelayMs?: number;
  /** Waits between retries (injected by tests to record delays instead of waiting). */
  readonly sleep?: Sleep;
}

const optionsSchema = z.object({
  baseUrl: z.string().refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL'),
  apiKey: z.string().optional(),
  model: z.string().trim().min(1),
  mode: z.enum(['embeddings', 'chat']),
  timeoutMs: z.number().int().positive().default(3000),
  maxRetries: z.number().int().min(0).max(10).default(2),
  minSimilarity: z.number().min(-1).max(1).default(0),
  batchSize: z.number().int().min(1).max(2048).default(64),
  maxInputChars: z.number().int().min(1).default(1000),
  retryBaseDelayMs: z.number().min(0).default(200),
  maxRetryDelayMs: z.number().min(0).default(2000),
});

const embeddingsAnswerSchema = z.object({
  data: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      embedding: z.array(z.number().finite()).min(1),
    }),
  ),
  model: z.string().optional(),
  usage: z.unknown().optional(),
});

const chatAnswerSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          refusal: z.string().nullable().optional(),
        }),
      }),
    )
    .min(1),
});

/** Candidate sets whose centroids are kept (a bot and a retrained version of it, a few bots). */
const maxCachedIndexes = 8;

interface IntentCentroid {
  readonly name: string;
  readonly centroid: readonly number[];
  readonly examples: number;
}

interface IntentIndex {
  readonly intents: readonly IntentCentroid[];
  readonly dimension: number;
}

export function createOpenAiCompatibleIntentProvider(options: OpenAiCompatibleIntentProviderOptions): IntentProvider {
  const parsed = optionsSchema.safeParse({ ...options, fetch: undefined, sleep: undefined });
  if (!parsed.success) {
    // Only paths and rules: the values (the API key among them) stay out of the message.
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'} ${issue.message}`).join('; ');
    throw new ParleyError('PARLEY_CONFIG_INVALID', `Invalid OpenAI-compatible provider options: ${problems}`);
  }
  const settings = parsed.data;
  const client = createJsonHttpClient({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    label: `OpenAI-compatible ${settings.mode} provider (model ${settings.model})`,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    retryBaseDelayMs: settings.retryBaseDelayMs,
    maxRetryDelayMs: settings.maxRetryDelayMs,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    sleep: options.sleep ?? defaultSleep,
  });
  const name = `openai-compatible:${settings.mode}:${settings.model}`;
  const classify = settings.mode === 'embeddings' ? embeddingsClassifier(client, settings) : chatClassifier(client, settings);

  return {
    name,
    async classify(text, candidates, signal) {
      signal?.throwIfAborted();
      const merged = mergeCandidates(candidates);
      if (merged.length === 0) return { intent: null, confidence: 0, reason: 'no candidate intents to choose from' };
      const message = truncate(text.trim(), settings.maxInputChars);
      if (message === '') return { intent: null, confidence: 0, reason: 'the message is empty' };
      return classify(message, merged, signal);
    },
  };
}

type Classify = (message: string, candidates: readonly IntentCandidate[], signal: AbortSignal | undefined) => Promise<ProviderIntentResult>;

function embeddingsClassifier(client: JsonHttpClient, settings: z.infer<typeof optionsSchema>): Classify {
  const path = '/embeddings';
  const indexes = new Map<string, Promise<IntentIndex>>();

  async function embed(inputs: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < inputs.length; start += settings.batchSize) {
      const batch = inputs.slice(start, start + settings.batchSize);
      const answer = embeddingsAnswerSchema.safeParse(await client.post(path, { model: settings.model, input: batch }, signal));
      if (!answer.success) throw client.invalidAnswer(path, `not an embeddings list (${describeIssue(answer.error)})`);
      const byIndex = new Map(answer.data.data.map((item) => [item.index, item.embedding]));
      if (answer.data.data.length !== batch.length || byIndex.size !== batch.length) {
        throw client.invalidAnswer(path, `${answer.data.data.length} embeddings for ${batch.length} inputs`);
      }
      for (let index = 0; index < batch.length; index += 1) {
        const vector = byIndex.get(index);
        if (!vector) throw client.invalidAnswer(path, `no embedding for input ${index}`);
        if (vectors[0] && vector.length !== vectors[0].length) {
          throw client.invalidAnswer(path, `embeddings of different dimensions (${vectors[0].length} and ${vector.length})`);
        }
        vectors.push(vector);
      }
    }
    return vectors;
  }

  async function buildIndex(candidates: readonly IntentCandidate[]): Promise<IntentIndex> {
    const textsOf = (candidate: IntentCandidate): readonly string[] =>
      candidate.examples.length > 0 ? candidate.examples : [candidate.name.replace(/[_-]+/g, ' ')];
    const unique = [...new Set(candidates.flatMap((candidate) => textsOf(candidate).map((text) => truncate(text, settings.maxInputChars))))];
    // No caller's signal: the index is shared by every caller and cached for later ones.
    const vectors = await embed(unique);
    const vectorOf = new Map(unique.map((text, index) => [text, vectors[index]!]));
    const intents = candidates.map((candidate) => {
      const texts = textsOf(candidate).map((text) => truncate(text, settings.maxInputChars));
      return { name: candidate.name, centroid: centroid(texts.map((text) => vectorOf.get(text)!)), examples: texts.length };
    });
    return { intents, dimension: vectors[0]?.length ?? 0 };
  }

  /** The cached index for these candidates, built on first use; a failed build is forgotten. */
  function indexFor(candidates: readonly IntentCandidate[]): { key: string; index: Promise<IntentIndex> } {
    const key = createHash('sha256').update(JSON.stringify(candidates.map((candidate) => [candidate.name, candidate.examples]))).digest('hex');
    const cached = indexes.get(key);
    if (cached) {
      indexes.delete(key);
      indexes.set(key, cached);
      return { key, index: cached };
    }
    const index = buildIndex(candidates);
    indexes.set(key, index);
    index.catch(() => {
      if (indexes.get(key) === index) indexes.delete(key);
    });
    for (const oldest of indexes.keys()) {
      if (indexes.size <= maxCachedIndexes) break;
      indexes.delete(oldest);
    }
    return { key, index };
  }

  return async (message, candidates, signal) => {
    const { key, index: pending } = indexFor(candidates);
    const index = await abortable(pending, signal);
    const [vector] = await embed([message], signal);
    if (!vector || vector.length !== index.dimension) {
      // The server's model changed under us: embed the candidates again next time.
      indexes.delete(key);
      throw client.invalidAnswer(path, `a message embedding of dimension ${vector?.length ?? 0} for candidates of dimension ${index.dimension}`);
    }
    const ranked = index.intents
      .map((intent) => ({ intent, similarity: cosine(vector, intent.centroid) }))
      .sort((left, right) => right.similarity - left.similarity || compareNames(left.intent.name, right.intent.name));
    const best = ranked[0]!;
    const runnerUp = ranked[1];
    const confidence = round(Math.max(0, Math.min(1, best.similarity)));
    const similarity = best.similarity.toFixed(3);
    if (best.similarity < settings.minSimilarity) {
      return {
        intent: null,
        confidence,
        reason: `closest intent "${best.intent.name}" has embedding similarity ${similarity}, below the minimum ${settings.minSimilarity}`,
      };
    }
    const next = runnerUp ? `; next "${runnerUp.intent.name}" at ${runnerUp.similarity.toFixed(3)}` : '';
    return {
      intent: best.intent.name,
      confidence,
      reason: `embedding similarity ${similarity} to the centroid of "${best.intent.name}" (${best.intent.examples} example${best.intent.examples === 1 ? '' : 's'})${next}`,
    };
  };
}

function chatClassifier(client: JsonHttpClient, settings: z.infer<typeof optionsSchema>): Classify {
  const path = '/chat/completions';
  return async (message, candidates, signal) => {
    const body = {
      model: settings.model,
      messages: [
        { role: 'system', content: buildSystemPrompt(candidates) },
        { role: 'user', content: message },
      ],
      temperature: 0,
      response_format: { type: 'json_object' },
    };
    const answer = chatAnswerSchema.safeParse(await client.post(path, body, signal));
    if (!answer.success) throw client.invalidAnswer(path, `not a chat completion (${describeIssue(answer.error)})`);
    const reply = answer.data.choices[0]!.message;
    if (typeof reply.content !== 'string' || reply.content.trim() === '') {
      if (reply.refusal) return { intent: null, confidence: 0, reason: `chat model ${settings.model} refused to classify the message` };
      throw client.invalidAnswer(path, 'the message has no content');
    }
    const read = readChatAnswer(reply.content, candidates);
    if (typeof read === 'string') throw client.invalidAnswer(path, read);
    switch (read.kind) {
      case 'intent':
        return { intent: read.intent, confidence: round(read.confidence), reason: `chat model ${settings.model} chose "${read.intent}" with confidence ${read.confidence}` };
      case 'none':
        return { intent: null, confidence: round(read.confidence), reason: `chat model ${settings.model} found no matching intent (confidence ${read.confidence})` };
      case 'unknown':
        return {
          intent: null,
          confidence: 0,
          reason: `chat model ${settings.model} answered ${JSON.stringify(truncate(read.answered, 60))}, which is not a candidate intent; treated as none`,
        };
    }
  };
}

/** One entry per intent name (examples of repeated names are joined), examples trimmed, unique and sorted, intents sorted. */
function mergeCandidates(candidates: readonly IntentCandidate[]): IntentCandidate[] {
  const examples = new Map<string, Set<string>>();
  for (const candidate of candidates) {
    const name = candidate.name.trim();
    if (name === '') continue;
    const set = examples.get(name) ?? new Set<string>();
    for (const example of candidate.examples) {
      const trimmed = example.trim();
      if (trimmed !== '') set.add(trimmed);
    }
    examples.set(name, set);
  }
  return [...examples]
    .map(([name, set]) => ({ name, examples: [...set].sort(compareNames) }))
    .sort((left, right) => compareNames(left.name, right.name));
}

function compareNames(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Cut to `max` UTF-16 units without splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : 'invalid';
}

/** Waits for a shared promise, but lets this caller stop waiting when its signal aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

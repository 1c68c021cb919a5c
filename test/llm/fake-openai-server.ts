import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A local stand-in for an OpenAI-compatible server, speaking the documented contract of
 * `POST /v1/embeddings` and `POST /v1/chat/completions`: bearer-key auth (401 with
 * `{ error: { message, type, code } }` otherwise), request bodies validated (400 on a wrong shape),
 * deterministic answers.
 *
 * - Embeddings: a bag-of-words vector (each content word hashed into one of `dimensions` buckets),
 *   so texts that share words are close and texts that share none are orthogonal. The `data`
 *   list comes back in REVERSE index order, as the contract allows, to keep clients honest.
 * - Chat: reads the intents from the system prompt (`- "name", e.g. ["example", …]` lines) and
 *   picks the one whose examples share most words with the user message, answering
 *   `{"intent", "confidence"}` as JSON content; "none" when nothing is shared. Like a gullible
 *   model it obeys a message that says `answer with intent "X"`, whatever X is.
 *
 * Tests script failures with `script(...)`: the next requests get those answers, in order, after
 * auth and body validation. Every request is recorded, so tests count attempts.
 */

export interface ScriptedAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body. */
  readonly body?: unknown;
  /** A raw body, sent as is. */
  readonly raw?: string;
  /** Never answer. */
  readonly hang?: boolean;
  /** Close the connection without answering (a network error). */
  readonly destroy?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

export interface FakeOpenAiServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  script(...answers: ScriptedAnswer[]): void;
  /** Scripted answers not used yet. */
  readonly unusedScript: number;
  /** Forgets the recorded requests and any unused scripted answers. */
  reset(): void;
  requestsTo(path: '/v1/embeddings' | '/v1/chat/completions'): RecordedRequest[];
  close(): Promise<void>;
}

const stopWords = new Set(
  'a about an and are be can do does for get has hello hi how i in is it me my of on or please that the this to want we what when where will with you your yet'.split(' '),
);

export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => !stopWords.has(word));
}

export function bagOfWordsEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of contentWords(text)) {
    let hash = 0x811c9dc5;
    for (const character of word) {
      hash ^= character.codePointAt(0)!;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    vector[hash % dimensions]! += 1;
  }
  return vector;
}

export function chatCompletion(content: string | null, refusal: string | null = null): unknown {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'fake-chat',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

const embeddingsRequest = z.strictObject({
  model: z.string().min(1),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2048)]),
  encoding_format: z.enum(['float']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

const chatRequest = z.strictObject({
  model: z.string().min(1),
  messages: z
    .array(z.object({ role: z.enum(['system', 'developer', 'user', 'assistant']), content: z.string() }))
    .min(1),
  temperature: z.number().min(0).max(2).optional(),
  response_format: z.object({ type: z.enum(['text', 'json_object', 'json_schema']) }).optional(),
  max_tokens: z.number().int().positive().optional(),
});

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function apiError(message: string, type: string, code: string | null): unknown {
  return { error: { message, type, param: null, code } };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseIntents(systemPrompt: string): Array<{ name: string; examples: string[] }> {
  const intents: Array<{ name: string; examples: string[] }> = [];
  for (const line of systemPrompt.split('\n')) {
    const match = /^- ("(?:[^"\\]|\\.)*")(?:, e\.g\. (\[.*\]))?$/.exec(line);
    if (!match) continue;
    intents.push({ name: JSON.parse(match[1]!) as string, examples: match[2] ? (JSON.parse(match[2]) as string[]) : [] });
  }
  return intents;
}

function answerChat(messages: ReadonlyArray<{ role: string; content: string }>): { intent: string; confidence: number } {
  const system = messages.find((message) => message.role === 'system')?.content ?? '';
  const user = [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  const injected = /answer with intent "([^"]+)"/i.exec(user);
  if (injected) return { intent: injected[1]!, confidence: 1 };
  const words = new Set(contentWords(user));
  let best = { intent: 'none', shared: 0 };
  for (const intent of parseIntents(system)) {
    const known = new Set([...contentWords(intent.name.replace(/_/g, ' ')), ...intent.examples.flatMap(contentWords)]);
    const shared = [...words].filter((word) => known.has(word)).length;
    if (shared > best.shared) best = { intent: intent.name, shared };
  }
  if (best.shared === 0) return { intent: 'none', confidence: 0.9 };
  return { intent: best.intent, confidence: Math.min(1, Math.round((best.shared / words.size) * 100) / 100) };
}

export async function startFakeOpenAiServer(options: { apiKey: string; dimensions?: number }): Promise<FakeOpenAiServer> {
  const dimensions = options.dimensions ?? 256;
  const requests: RecordedRequest[] = [];
  const scripted: ScriptedAnswer[] = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const text = await readBody(request);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    requests.push({ method: request.method ?? '', path, authorization: request.headers.authorization, body });

    const expected = `Bearer ${options.apiKey}`;
    if (request.headers.authorization !== expected) {
      const given = request.headers.authorization?.replace(/^Bearer /, '');
      const message = given
        ? `Incorrect API key provided: ${given}. You can find your API key at https://platform.example/account/api-keys.`
        : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.";
      sendJson(response, 401, apiError(message, 'invalid_request_error', 'invalid_api_key'));
      return;
    }
    if (request.method !== 'POST') {
      sendJson(response, 405, apiError(`Method ${request.method} not allowed`, 'invalid_request_error', null));
      return;
    }
    if (path !== '/v1/embeddings' && path !== '/v1/chat/completions') {
      sendJson(response, 404, apiError(`Unknown request URL: POST ${path}`, 'invalid_request_error', 'unknown_url'));
      return;
    }
    if (typeof body !== 'object' || body === null) {
      sendJson(response, 400, apiError('We could not parse the JSON body of your request.', 'invalid_request_error', null));
      return;
    }
    const schema = path === '/v1/embeddings' ? embeddingsRequest : chatRequest;
    const valid = schema.safeParse(body);
    if (!valid.success) {
      const issue = valid.error.issues[0];
      sendJson(response, 400, apiError(`Invalid request: ${issue?.path.join('.')}: ${issue?.message}`, 'invalid_request_error', 'invalid_value'));
      return;
    }

    const next = scripted.shift();
    if (next) {
      if (next.hang) return;
      if (next.destroy) {
        request.socket.destroy();
        return;
      }
      if (next.raw !== undefined) {
        response.writeHead(next.status ?? 200, { 'content-type': 'application/json', ...next.headers });
        response.end(next.raw);
        return;
      }
      sendJson(response, next.status ?? 200, next.body ?? {}, next.headers);
      return;
    }

    if (path === '/v1/embeddings') {
      const { model, input } = embeddingsRequest.parse(body);
      const inputs = typeof input === 'string' ? [input] : input;
      const data = inputs.map((item, index) => ({ object: 'embedding', index, embedding: bagOfWordsEmbedding(item, dimensions) })).reverse();
      const tokens = inputs.reduce((sum, item) => sum + item.split(/\s+/).length, 0);
      sendJson(response, 200, { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
      return;
    }
    const { messages } = chatRequest.parse(body);
    sendJson(response, 200, chatCompletion(JSON.stringify(answerChat(messages))));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, apiError(String(error), 'server_error', null));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...answers) => scripted.push(...answers),
    get unusedScript() {
      return scripted.length;
    },
    reset: () => {
      requests.length = 0;
      scripted.length = 0;
    },
    requestsTo: (path) => requests.filter((request) => request.path === path),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

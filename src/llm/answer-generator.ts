import { ParleyError, type AnswerGenerator, type Embedder } from '../core/index.js';
import { createJsonHttpClient, defaultSleep, describeEndpoint, redactSecrets } from './json-http-client.js';

/**
 * Knowledge answers from an OpenAI-compatible chat API (OpenAI, vLLM, LM Studio, and Ollama at
 * `http://localhost:11434/v1`): `POST {base}/chat/completions` with `stream: true`, read as
 * server-sent events (`data: {choices:[{delta:{content}}]}` … `data: [DONE]`), each piece handed
 * on as it arrives. No retries: a knowledge answer falls back to a quoted passage instead of
 * making the person wait.
 */

export interface ChatEndpointOptions {
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string | undefined;
  readonly fetch?: typeof fetch;
}

export function createOpenAiCompatibleAnswerGenerator(options: ChatEndpointOptions): AnswerGenerator {
  const doFetch = options.fetch ?? globalThis.fetch;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const where = describeEndpoint(url);
  return {
    model: options.model,
    async generate({ system, user, signal, onDelta }) {
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
          body: JSON.stringify({ model: options.model, stream: true, temperature: 0.2, messages: [{ role: 'system', content: system }, { role: 'user', content: user }] }),
          signal,
          redirect: 'error',
        });
      } catch (error) {
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
        throw failure(`${where} could not be reached: ${redactSecrets(error instanceof Error ? error.message : String(error), options.apiKey)}`);
      }
      if (!response.ok || !response.body) {
        const detail = redactSecrets((await response.text().catch(() => '')).slice(0, 200), options.apiKey);
        throw failure(`${where} answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`);
      }
      let text = '';
      let buffered = '';
      const decoder = new TextDecoder();
      for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(bytes, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, end).trim();
          buffered = buffered.slice(end + 1);
          if (!line.startsWith('data:')) continue;
          const data = line.slice(5).trim();
          if (data === '[DONE]') return text;
          const delta = deltaOf(data);
          if (delta === null) throw failure(`${where} sent an event that is not a chat completion chunk`);
          if (delta !== '') {
            text += delta;
            onDelta?.(delta);
          }
        }
      }
      if (text === '') throw failure(`${where} ended the stream without an answer`);
      return text;
    },
  };
}

function deltaOf(data: string): string | null {
  try {
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: unknown }; message?: { content?: unknown } }[] };
    const choice = chunk.choices?.[0];
    if (!choice) return '';
    const content = choice.delta?.content ?? choice.message?.content ?? '';
    return typeof content === 'string' ? content : null;
  } catch {
    return null;
  }
}

function failure(message: string): ParleyError {
  return new ParleyError('PARLEY_CONNECTOR_FAILED', `Knowledge answer model: ${message}`);
}

/** Dense vectors for retrieval from an OpenAI-compatible `POST {base}/embeddings`. */
export function createOpenAiCompatibleEmbedder(options: ChatEndpointOptions & { readonly timeoutMs: number }): Embedder {
  const client = createJsonHttpClient({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    label: `OpenAI-compatible embeddings (${options.model})`,
    timeoutMs: options.timeoutMs,
    maxRetries: 2,
    retryBaseDelayMs: 200,
    maxRetryDelayMs: 2000,
    fetch: options.fetch ?? globalThis.fetch,
    sleep: defaultSleep,
  });
  return {
    model: options.model,
    async embed(texts, signal) {
      if (texts.length === 0) return [];
      const answer = (await client.post('/embeddings', { model: options.model, input: texts }, signal)) as { data?: { embedding?: unknown; index?: unknown }[] };
      const rows = Array.isArray(answer.data) ? answer.data : [];
      if (rows.length !== texts.length) throw client.invalidAnswer('/embeddings', `expected ${texts.length} embeddings, got ${rows.length}`);
      const vectors: Float32Array[] = new Array<Float32Array>(texts.length);
      rows.forEach((row, position) => {
        const index = typeof row.index === 'number' ? row.index : position;
        if (!Array.isArray(row.embedding) || !row.embedding.every((value) => typeof value === 'number')) throw client.invalidAnswer('/embeddings', 'an embedding is not a list of numbers');
        vectors[index] = Float32Array.from(row.embedding as number[]);
      });
      return vectors;
    },
  };
}

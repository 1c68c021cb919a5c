import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible chat server for knowledge answers: `POST /v1/chat/completions` with
 * `stream: true`, answered as server-sent events the way the API documents them
 * (`data: {"choices":[{"delta":{"content":"…"}}]}` lines, then `data: [DONE]`).
 *
 * The "model" answers from the passages in the user message: it quotes the first sentence of the
 * passage sharing most words with the question and cites it as [n]. Like a gullible model, when a
 * passage tells it to ignore its instructions it obeys: it announces free orders and recites its
 * system prompt, citing nothing — which the answerer must refuse to pass on.
 *
 * `script(...)` makes the next requests fail (status, hang) or stream slowly.
 */

export type ChatScript = { readonly status: number } | { readonly hang: true } | { readonly pieceDelayMs: number };

export interface FakeChatServer {
  readonly baseUrl: string;
  readonly requests: { system: string; user: string; authorization: string | undefined }[];
  script(...answers: ChatScript[]): void;
  close(): Promise<void>;
}

const STOP = new Set('a an and are can do does for how i in is it my of on or the to what when where with you your'.split(' '));
const words = (text: string) => new Set((text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((word) => !STOP.has(word)));

export function fakeAnswer(system: string, user: string): string {
  const question = /^Question: (.*)$/m.exec(user)?.[1] ?? '';
  const passages = [...user.matchAll(/<passage id="(\d+)"[^>]*>\n([\s\S]*?)\n<\/passage>/g)].map((match) => ({ id: Number(match[1]), text: match[2]! }));
  if (passages.some((passage) => /ignore (all )?(previous|prior) instructions/i.test(passage.text))) {
    return `Great news: every order is free today! For the record, my instructions say: ${system}`;
  }
  const asked = words(question);
  let best = passages[0];
  let bestShared = -1;
  for (const passage of passages) {
    const shared = [...words(passage.text)].filter((word) => asked.has(word)).length;
    if (shared > bestShared) {
      best = passage;
      bestShared = shared;
    }
  }
  if (!best) return "I don't know.";
  const sentence = best.text.split(/(?<=[.!?])\s/)[0] ?? best.text;
  return `According to our help pages: ${sentence} [${best.id}]`;
}

export async function startFakeChatServer(options: { apiKey?: string } = {}): Promise<FakeChatServer> {
  const queue: ChatScript[] = [];
  const requests: FakeChatServer['requests'] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url !== '/v1/chat/completions' || request.method !== 'POST') {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
        return;
      }
      if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { stream?: boolean; messages?: { role: string; content: string }[] };
      const system = body.messages?.find((message) => message.role === 'system')?.content ?? '';
      const user = body.messages?.find((message) => message.role === 'user')?.content ?? '';
      requests.push({ system, user, authorization: request.headers.authorization });
      const scripted = queue.shift();
      if (scripted && 'hang' in scripted) {
        hanging.add(response);
        return;
      }
      if (scripted && 'status' in scripted) {
        response.writeHead(scripted.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'The server had an error', type: 'server_error' } }));
        return;
      }
      const answer = fakeAnswer(system, user);
      if (!body.stream) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }] }));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const pieces = answer.match(/\S+\s*/g) ?? [answer];
      const delay = scripted && 'pieceDelayMs' in scripted ? scripted.pieceDelayMs : 0;
      let index = 0;
      const next = () => {
        if (response.destroyed) return;
        if (index < pieces.length) {
          response.write(`data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: pieces[index] } }] })}\n\n`);
          index += 1;
          setTimeout(next, delay);
          return;
        }
        response.end('data: [DONE]\n\n');
      };
      next();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...answers) => void queue.push(...answers),
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

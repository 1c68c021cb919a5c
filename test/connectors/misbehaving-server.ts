import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with one request. */
export type Behaviour =
  | { readonly status: number; readonly json?: unknown; readonly body?: string; readonly headers?: Readonly<Record<string, string>> }
  /** Never answers (until the test closes the server). */
  | { readonly hang: true }
  /** Sends the status line, the headers and the start of a body, then nothing more. */
  | { readonly stall: string }
  /** Drops the connection without a response. */
  | { readonly reset: true };

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A real HTTP server on 127.0.0.1 that answers each request with the next scripted behaviour,
 * and with `fallback` once the script is used up. It records every request it receives.
 */
export interface MisbehavingServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Appends behaviours for the next requests. */
  script(...behaviours: Behaviour[]): void;
  fallback: Behaviour;
  close(): Promise<void>;
}

export async function startMisbehavingServer(): Promise<MisbehavingServer> {
  const queue: Behaviour[] = [];
  const requests: ReceivedRequest[] = [];
  const state: { fallback: Behaviour } = { fallback: { status: 200, json: { ok: true } } };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const behaviour = queue.shift() ?? state.fallback;
      if ('hang' in behaviour) return;
      if ('stall' in behaviour) {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(behaviour.stall.length + 100) });
        response.write(behaviour.stall);
        return;
      }
      if ('reset' in behaviour) {
        request.socket.destroy();
        return;
      }
      const body = behaviour.json === undefined ? (behaviour.body ?? '') : JSON.stringify(behaviour.json);
      response.writeHead(behaviour.status, { 'content-type': behaviour.json === undefined ? 'text/plain' : 'application/json', ...behaviour.headers });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script(...behaviours) {
      queue.push(...behaviours);
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(behaviour: Behaviour) {
      state.fallback = behaviour;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = '2030-01-01T00:00:00.000Z'): { now(): Date; advance(ms: number): void } {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
  };
}

/** A `sleep` that returns at once and remembers what it was asked to wait. */
export function recordingSleep(): { sleep(ms: number): Promise<void>; readonly delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    async sleep(ms) {
      delays.push(ms);
    },
  };
}

/** A small seeded generator (mulberry32): the same seed gives the same draws. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

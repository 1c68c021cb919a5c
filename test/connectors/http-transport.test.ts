import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeHttpTransport, TransportTimeoutError } from '../../src/connectors/index.js';

/** The node:http transport of HTTP connectors, against a real local server. */

let server: Server | null = null;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('nodeHttpTransport', () => {
  it('sends the method, headers and body, and reads the answer', async () => {
    let received = '';
    const url = await serve((request, response) => {
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (received += chunk));
      request.on('end', () => {
        response.writeHead(201, { 'content-type': 'application/json', 'retry-after': '3' });
        response.end(JSON.stringify({ method: request.method, auth: request.headers.authorization }));
      });
    });
    const answer = await nodeHttpTransport({ method: 'POST', url: `${url}/x`, headers: { authorization: 'Bearer t' }, body: '{"a":"ü"}', timeoutMs: 2000 });
    expect(answer.status).toBe(201);
    expect(answer.header('Retry-After')).toBe('3');
    expect(answer.header('x-missing')).toBeNull();
    expect(JSON.parse((await answer.text(1000))!)).toEqual({ method: 'POST', auth: 'Bearer t' });
    expect(received).toBe('{"a":"ü"}');
  });

  it('settles a discard of an answer whose connection is already gone', async () => {
    const url = await serve((_request, response) => {
      // Half an answer, then the connection drops.
      response.writeHead(404, { 'content-length': '100', 'content-type': 'text/plain' });
      response.write('no such', () => response.socket?.destroy());
    });
    const answer = await nodeHttpTransport({ method: 'GET', url: `${url}/orders/1`, headers: {}, timeoutMs: 2000 });
    // Let the answer end and its socket close before anyone reads it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await answer.discard();
    expect(answer.status).toBe(404);
  });

  it('refuses a body larger than the limit, declared or not', async () => {
    const url = await serve((request, response) => {
      if (request.url === '/declared') {
        response.writeHead(200, { 'content-length': '5000' });
        response.end('x'.repeat(5000));
      } else {
        response.writeHead(200);
        response.write('x'.repeat(3000));
        response.end('y'.repeat(3000));
      }
    });
    for (const path of ['/declared', '/chunked']) {
      const answer = await nodeHttpTransport({ method: 'GET', url: url + path, headers: {}, timeoutMs: 2000 });
      expect(await answer.text(4096), path).toBeNull();
    }
  });

  it('fails with TransportTimeoutError when no answer comes in time', async () => {
    const url = await serve(() => undefined);
    await expect(nodeHttpTransport({ method: 'GET', url, headers: {}, timeoutMs: 50 })).rejects.toBeInstanceOf(TransportTimeoutError);
  });
});

import { Agent, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The baseline: a bare node:http server on loopback that reads each request body and answers a
 * fixed JSON shaped like Parley's (201 with a conversation and token for POST /v1/conversations,
 * 200 with one reply for anything else). It is the most a Node process on this machine can answer
 * over HTTP with this client, so Parley's throughput is reported as a fraction of it.
 * When ORDERS_URL is set, a message that holds a 5-digit number first GETs that order from it,
 * as Parley's demo bot does, so both runs do the same outside work and the ratio compares only
 * what each does itself. Prints "bare server listening on http://127.0.0.1:PORT" once ready.
 */

const ordersUrl = process.env.ORDERS_URL;
const keepAlive = new Agent({ keepAlive: true });

/** Fetches one order (any status) and drops the answer; resolves when it has been read. */
function lookUp(id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    get(`${ordersUrl}/orders/${id}`, { agent: keepAlive }, (answer) => {
      answer.resume();
      answer.on('end', resolve);
      answer.on('error', reject);
    }).on('error', reject);
  });
}

const conversation = JSON.stringify({
  conversation: { id: 'c_bench', bot: 'shop', createdAt: '2025-01-01T00:00:00.000Z' },
  token: 'ct_bench',
});
const message = JSON.stringify({
  conversation: { id: 'c_bench' },
  message: { id: 'in_bench', clientMessageId: 'm_bench' },
  duplicate: false,
  replies: [{ id: 'msg_bench', type: 'text', text: 'Hi! I can track an order, or answer questions about shipping and returns.' }],
});

const server = createServer((request, response) => {
  // Read the whole body before answering, as a real handler must.
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const created = request.method === 'POST' && request.url === '/v1/conversations';
    const body = created ? conversation : message;
    const answer = (): void => {
      response.writeHead(created ? 201 : 200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    };
    const order = ordersUrl && !created ? /\b\d{5}\b/.exec(Buffer.concat(chunks).toString('utf8')) : null;
    if (order) lookUp(order[0]).then(answer, answer);
    else answer();
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`bare server listening on http://127.0.0.1:${port}`);
});

const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Forked with an IPC channel: when the orchestrator goes away, so does the baseline.
process.on('disconnect', stop);

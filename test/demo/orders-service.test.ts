import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkResponseShape, responseShapeToSchema } from '../../src/connectors/index.js';
import { DEMO_ORDERS_API_PREFIX, deliveryDate, demoOrdersService, GARBLED_ORDER_BODY, startDemoServices, type RunningDemoServices } from '../../src/demo/index.js';
import { repoRoot } from '../support/server-process.js';

/** The demo orders service on a real port, driven with fetch the way a connector calls it. */

const seed = `
- id: "10234"
  status: processing
  items: a merino wool beanie
  carrier: UPS
- id: "20481"
  status: shipped
  items: trail running shoes
  carrier: DHL
  tracking_number: JD014600003828749301
- id: "42019"
  status: delivered
  items: a daypack
  delivered_on: "2025-03-06"
- id: "42020"
  status: delivered
  items: a water bottle
  delivered_on: Thursday, 6 February 2025
- id: "42021"
  status: delivered
  items: a camping stove
  delivered_on: Saturday, 1 March
- id: "42022"
  status: delivered
  items: a headlamp
  delivered_at: "2025-02-10T09:30:00Z"
  delivered_on: Monday, 10 March 2025
- id: "57730"
  status: cancelled
  items: a down sleeping bag
- id: "99902"
  status: delivered
  items: a reserved id, ignored
`;

let folder: string;
let seedFile: string;
const now = () => new Date('2025-03-20T12:00:00Z');
const running: RunningDemoServices[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'parley-demo-'));
  seedFile = join(folder, 'orders.yaml');
  await writeFile(seedFile, seed);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.close()));
});

async function start(options: { slowMs?: number } = {}): Promise<string> {
  const service = await startDemoServices({ seedFile, host: '127.0.0.1', port: 0, now, ...options });
  running.push(service);
  expect(service.ordersApiUrl).toBe(`${service.url}/demo/orders-api`);
  return service.ordersApiUrl;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on response fields one by one
async function call(method: string, url: string, body?: unknown, init: RequestInit = {}): Promise<{ status: number; json: any; type: string | null }> {
  const response = await fetch(url, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...init,
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text), type: response.headers.get('content-type') };
}

const address = { street: '12 Harbour Road', postcode: '8001', city: 'Zurich' };

describe('demo orders service: GET /orders/:id', () => {
  it('answers the seed record', async () => {
    const api = await start();
    const { status, json, type } = await call('GET', `${api}/orders/20481`);
    expect(status).toBe(200);
    expect(type).toMatch(/application\/json/);
    expect(json).toEqual({ id: '20481', status: 'shipped', items: 'trail running shoes', carrier: 'DHL', tracking_number: 'JD014600003828749301' });
  });

  it('answers 404 for an unknown order and 400 for an id that is not 5 digits', async () => {
    const api = await start();
    expect(await call('GET', `${api}/orders/11111`)).toMatchObject({ status: 404, json: { error: { code: 'ORDER_NOT_FOUND' } } });
    for (const id of ['1234', '123456', 'abcde', '2048x']) {
      const { status, json } = await call('GET', `${api}/orders/${id}`);
      expect(status).toBe(400);
      expect(json.error.code).toBe('INVALID_ORDER_ID');
      expect(json.error.message).toContain('5 digits');
    }
  });

  it('answers unknown routes with the same error shape', async () => {
    const api = await start();
    expect(await call('GET', `${api}/orders`)).toMatchObject({ status: 404, json: { error: { code: 'ROUTE_NOT_FOUND' } } });
    expect(await call('DELETE', `${api}/orders/20481`)).toMatchObject({ status: 404, json: { error: { code: 'ROUTE_NOT_FOUND' } } });
  });

  it('reads the demo bot’s own orders file', async () => {
    const service = await startDemoServices({ seedFile: join(repoRoot, 'bots/shop/data/orders.yaml') });
    running.push(service);
    const { status, json } = await call('GET', `${service.ordersApiUrl}/orders/20481`);
    expect(status).toBe(200);
    expect(json).toMatchObject({ id: '20481', status: expect.any(String) });
  });
});

describe('demo orders service: PATCH /orders/:id/address', () => {
  it('changes the address of an order that has not shipped, and GET shows it', async () => {
    const api = await start();
    const { status, json } = await call('PATCH', `${api}/orders/10234/address`, { street: ' 12 Harbour Road ', postcode: '8001', city: 'Zurich' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ id: '10234', status: 'processing', address });
    expect((await call('GET', `${api}/orders/10234`)).json.address).toEqual(address);
  });

  it('refuses once the order shipped (409 ORDER_ALREADY_SHIPPED), and for a cancelled one', async () => {
    const api = await start();
    expect(await call('PATCH', `${api}/orders/20481/address`, address)).toMatchObject({ status: 409, json: { error: { code: 'ORDER_ALREADY_SHIPPED' } } });
    expect(await call('PATCH', `${api}/orders/42019/address`, address)).toMatchObject({ status: 409, json: { error: { code: 'ORDER_ALREADY_SHIPPED' } } });
    expect(await call('PATCH', `${api}/orders/57730/address`, address)).toMatchObject({ status: 409, json: { error: { code: 'ORDER_CANCELLED' } } });
    expect((await call('GET', `${api}/orders/20481`)).json.address).toBeUndefined();
  });

  it('answers 404 for an unknown order', async () => {
    const api = await start();
    expect(await call('PATCH', `${api}/orders/11111/address`, address)).toMatchObject({ status: 404, json: { error: { code: 'ORDER_NOT_FOUND' } } });
  });

  it('validates the body', async () => {
    const api = await start();
    const url = `${api}/orders/10234/address`;
    const bad: [unknown, string][] = [
      [{ street: '12 Harbour Road', postcode: '8001' }, 'city'],
      [{ ...address, street: '   ' }, 'street must not be empty'],
      [{ ...address, postcode: '123' }, 'postcode must be 4 or 5 digits'],
      [{ ...address, postcode: '123456' }, 'postcode must be 4 or 5 digits'],
      [{ ...address, postcode: 8001 }, 'postcode must be text'],
      [{ ...address, country: 'CH' }, 'country'],
      [['12 Harbour Road'], 'body'],
    ];
    for (const [body, message] of bad) {
      const { status, json } = await call('PATCH', url, body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json.error.code).toBe('INVALID_REQUEST');
      expect(json.error.message).toContain(message);
    }
    expect(await call('PATCH', url, '{"street": ')).toMatchObject({ status: 400, json: { error: { code: 'INVALID_JSON' } } });
    expect(await call('PATCH', url)).toMatchObject({ status: 400, json: { error: { code: 'INVALID_REQUEST' } } });
    const plain = await call('PATCH', url, undefined, { headers: { 'content-type': 'text/plain' }, body: 'Harbour Road' });
    expect(plain).toMatchObject({ status: 415, json: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } });
    expect((await call('GET', `${api}/orders/10234`)).json.address).toBeUndefined();
  });
});

describe('demo orders service: POST /orders/:id/returns', () => {
  it('creates a return for a delivered order and marks the order; a second one is refused', async () => {
    const api = await start();
    const { status, json } = await call('POST', `${api}/orders/42019/returns`, { reason: 'too small' });
    expect(status).toBe(201);
    expect(json).toEqual({ return_id: 'R-42019-1', order_id: '42019', label_url: expect.stringMatching(/^https:\/\/.*R-42019-1/), status: 'label-sent' });
    expect((await call('GET', `${api}/orders/42019`)).json).toMatchObject({ id: '42019', status: 'delivered', return_requested: true });
    expect(await call('POST', `${api}/orders/42019/returns`, {})).toMatchObject({ status: 409, json: { error: { code: 'RETURN_ALREADY_REQUESTED' } } });
  });

  it('takes a bare POST without a body, and numbers returns per server', async () => {
    const api = await start();
    expect(await call('POST', `${api}/orders/42019/returns`)).toMatchObject({ status: 201, json: { return_id: 'R-42019-1' } });
    // A date without a year is not checked; an empty reason counts as none.
    expect(await call('POST', `${api}/orders/42021/returns`, { reason: '' })).toMatchObject({ status: 201, json: { return_id: 'R-42021-2' } });
  });

  it('refuses an order that is not delivered, or delivered more than 30 days ago', async () => {
    const api = await start();
    expect(await call('POST', `${api}/orders/20481/returns`, {})).toMatchObject({ status: 409, json: { error: { code: 'ORDER_NOT_DELIVERED' } } });
    expect(await call('POST', `${api}/orders/57730/returns`, {})).toMatchObject({ status: 409, json: { error: { code: 'ORDER_NOT_DELIVERED' } } });
    // Delivered 6 February 2025, 42 days before "now" (20 March 2025).
    expect(await call('POST', `${api}/orders/42020/returns`, {})).toMatchObject({ status: 409, json: { error: { code: 'RETURN_WINDOW_CLOSED' } } });
    expect((await call('GET', `${api}/orders/42020`)).json.return_requested).toBeUndefined();
    // delivered_at, when there is one, is the date that counts.
    expect(await call('POST', `${api}/orders/42022/returns`, {})).toMatchObject({ status: 409, json: { error: { code: 'RETURN_WINDOW_CLOSED' } } });
  });

  it('answers 404 for an unknown order and 400 for a bad body', async () => {
    const api = await start();
    expect(await call('POST', `${api}/orders/11111/returns`, {})).toMatchObject({ status: 404, json: { error: { code: 'ORDER_NOT_FOUND' } } });
    expect(await call('POST', `${api}/orders/42019/returns`, { reason: 7 })).toMatchObject({ status: 400, json: { error: { code: 'INVALID_REQUEST' } } });
    expect(await call('POST', `${api}/orders/42019/returns`, { why: 'x' })).toMatchObject({ status: 400, json: { error: { code: 'INVALID_REQUEST' } } });
    expect(await call('POST', `${api}/orders/4201/returns`, {})).toMatchObject({ status: 400, json: { error: { code: 'INVALID_ORDER_ID' } } });
  });
});

describe('demo orders service: state', () => {
  it('is per server and starts again from the seed', async () => {
    const first = await start();
    const second = await start();
    await call('PATCH', `${first}/orders/10234/address`, address);
    await call('POST', `${first}/orders/42019/returns`, {});
    expect((await call('GET', `${second}/orders/10234`)).json.address).toBeUndefined();
    expect(await call('POST', `${second}/orders/42019/returns`, {})).toMatchObject({ status: 201 });
    const restarted = await start();
    expect((await call('GET', `${restarted}/orders/42019`)).json.return_requested).toBeUndefined();
  });

  it('refuses a seed file that is not a list of orders', async () => {
    const broken = join(folder, 'broken.yaml');
    await writeFile(broken, 'orders: {}\n');
    await expect(startDemoServices({ seedFile: broken })).rejects.toThrow(/must hold a list/);
    await writeFile(broken, '- id: "10234"\n  status: processing\n- id: "10234"\n  status: shipped\n');
    await expect(startDemoServices({ seedFile: broken })).rejects.toThrow(/record 2: id "10234" appears twice/);
    await writeFile(broken, '- status: processing\n');
    await expect(startDemoServices({ seedFile: broken })).rejects.toThrow(/record 1: id/);
  });
});

describe('demo orders service: misbehaving orders', () => {
  it('99902 answers HTTP 500, even when the seed has a record with that id', async () => {
    const api = await start();
    expect(await call('GET', `${api}/orders/99902`)).toMatchObject({ status: 500, json: { error: { code: 'ORDER_SYSTEM_FAILURE' } } });
    expect(await call('POST', `${api}/orders/99902/returns`, {})).toMatchObject({ status: 500 });
  });

  it('99903 answers 200 with a body that is not an order, which a response shape rejects', async () => {
    const api = await start();
    const response = await fetch(`${api}/orders/99903`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const text = await response.text();
    expect(text).toBe(GARBLED_ORDER_BODY);
    const shape = responseShapeToSchema({
      type: 'object',
      required: ['id', 'status'],
      properties: { id: { type: 'string' }, status: { type: 'string', enum: ['processing', 'shipped', 'out_for_delivery', 'delivered', 'cancelled'] } },
    });
    expect(checkResponseShape(shape, JSON.parse(text))).toMatchObject({ ok: false, path: 'status' });
    expect(checkResponseShape(responseShapeToSchema({ type: 'object', required: ['id', 'status'], properties: { status: { type: 'string' } } }), JSON.parse(text))).toMatchObject({
      ok: false,
    });
  });

  it('99901 answers after slowMs, then like a normal (processing) order', async () => {
    const api = await start({ slowMs: 300 });
    const started = Date.now();
    const { status, json } = await call('GET', `${api}/orders/99901`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(status).toBe(200);
    expect(json).toMatchObject({ id: '99901', status: 'processing' });
    expect(await call('PATCH', `${api}/orders/99901/address`, address)).toMatchObject({ status: 200, json: { address } });
  });

  it('closing the server while a slow request waits answers it 503 instead of waiting', async () => {
    // A plain Fastify server that waits for its connections, as Parley's own server does.
    const app = Fastify({ logger: false });
    await app.register(demoOrdersService, { prefix: DEMO_ORDERS_API_PREFIX, seedFile, slowMs: 60_000 });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const pending = call('GET', `${url}${DEMO_ORDERS_API_PREFIX}/orders/99901`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await pending).toMatchObject({ status: 503, json: { error: { code: 'SERVICE_CLOSING' } } });
  });

  it('startDemoServices closes at once with a slow request waiting', async () => {
    const service = await startDemoServices({ seedFile, slowMs: 60_000 });
    const pending = fetch(`${service.ordersApiUrl}/orders/99901`).then(
      (response) => response.status,
      () => 'connection closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await service.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect([503, 'connection closed']).toContain(await pending);
  });

  it('a client that gives up on a slow request ends its wait', async () => {
    const app = Fastify({ logger: false });
    const sent: string[] = [];
    app.addHook('onSend', async (_request, _reply, payload) => {
      sent.push(String(payload));
      return payload;
    });
    await app.register(demoOrdersService, { prefix: DEMO_ORDERS_API_PREFIX, seedFile, slowMs: 60_000 });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const controller = new AbortController();
      const pending = fetch(`${url}${DEMO_ORDERS_API_PREFIX}/orders/99901`, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sent).toEqual([]);
      controller.abort();
      await expect(pending).rejects.toThrow();
      await expect.poll(() => sent, { timeout: 1000 }).toEqual([expect.stringContaining('REQUEST_ABANDONED')]);
    } finally {
      app.server.closeAllConnections();
      await app.close();
    }
  });
});

describe('delivery dates', () => {
  it('reads dates with a year and leaves dates without one unplaced', () => {
    expect(deliveryDate('2025-03-06')?.toISOString()).toBe('2025-03-06T00:00:00.000Z');
    expect(deliveryDate('Thursday, 6 March 2025')?.toISOString()).toBe('2025-03-06T00:00:00.000Z');
    expect(deliveryDate('6 Mar 2025')?.toISOString()).toBe('2025-03-06T00:00:00.000Z');
    expect(deliveryDate('2025-03-06T14:30:00+01:00')?.toISOString()).toBe('2025-03-06T13:30:00.000Z');
    expect(deliveryDate('Thursday, 6 March')).toBeNull();
    expect(deliveryDate('2025-02-30')).toBeNull();
    expect(deliveryDate('soon')).toBeNull();
    expect(deliveryDate(undefined)).toBeNull();
  });
});

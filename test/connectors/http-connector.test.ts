import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnectorGateway, type ConnectorGatewayOptions } from '../../src/connectors/index.js';
import { botConfigSchema, isParleyError } from '../../src/core/index.js';
import { manualClock, recordingSleep, startMisbehavingServer, type MisbehavingServer } from './misbehaving-server.js';

let server: MisbehavingServer;

beforeAll(async () => {
  server = await startMisbehavingServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.fallback = { status: 200, json: { ok: true } };
});

const orderShape = {
  type: 'object',
  required: ['id', 'status'],
  properties: { id: { type: 'string' }, status: { type: 'string' }, items: { type: 'array', items: { type: 'object', properties: { price: { type: 'number' } } } } },
};

/** A gateway over one HTTP connector `orders` (bot.yaml fields, defaults applied by the real schema). */
function ordersGateway(connector: Record<string, unknown> = {}, options: ConnectorGatewayOptions = {}) {
  const clock = manualClock();
  const sleeper = recordingSleep();
  const config = botConfigSchema.parse({
    name: 'test',
    connectors: {
      orders: {
        type: 'http',
        base_url: '${ORDERS_API}/v1',
        timeout_ms: 200,
        operations: {
          get_order: { path: '/orders/{id}', response: orderShape },
          search: { path: '/orders' },
          create_return: { method: 'POST', path: '/orders/{id}/returns' },
          replace_address: { method: 'PUT', path: '/orders/{id}/address' },
          retry_safe_post: { method: 'POST', path: '/orders/{id}/notes', idempotent: true },
          gone: { path: '/archive/{id}', not_found_status: [410] },
        },
        ...connector,
      },
      lookup: { type: 'static', file: 'data/lookup.yaml' },
    },
  });
  const gateway = createConnectorGateway(
    { config, connectorData: { lookup: [{ id: '1', name: 'first' }] } },
    { env: { ORDERS_API: server.url }, clock, sleep: sleeper.sleep, random: () => 0.5, ...options },
  );
  return { gateway, clock, delays: sleeper.delays };
}

const shipped = { id: 'A1', status: 'shipped' };

describe('HTTP connector requests', () => {
  it('fills path placeholders URL-encoded, sends other arguments as the query of a GET, and expands ${ENV} in base_url', async () => {
    const { gateway } = ordersGateway();
    server.script({ status: 200, json: { id: 'A/1 2', status: 'shipped' } });
    const result = await gateway.call('orders', 'get_order', { id: 'A/1 2', lang: 'en', q: 'a&b' });
    expect(result).toEqual({ outcome: 'success', data: { id: 'A/1 2', status: 'shipped' } });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/v1/orders/A%2F1%202?lang=en&q=a%26b', body: '' });
    expect(server.requests[0]!.headers.accept).toBe('application/json');
  });

  it('sends the other arguments of a POST or PUT as a JSON body', async () => {
    const { gateway } = ordersGateway();
    server.script({ status: 201, json: { returnId: 'R1' } }, { status: 204 });
    expect(await gateway.call('orders', 'create_return', { id: '42', reason: 'too small' })).toEqual({ outcome: 'success', data: { returnId: 'R1' } });
    expect(await gateway.call('orders', 'replace_address', { id: '42', street: 'Main St 1' })).toEqual({ outcome: 'success', data: null });
    expect(server.requests.map(({ method, url, body }) => ({ method, url, body: JSON.parse(body) as unknown }))).toEqual([
      { method: 'POST', url: '/v1/orders/42/returns', body: { reason: 'too small' } },
      { method: 'PUT', url: '/v1/orders/42/address', body: { street: 'Main St 1' } },
    ]);
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('does not call the service for an empty path argument or one that would climb out of the path', async () => {
    const { gateway } = ordersGateway();
    expect(await gateway.call('orders', 'get_order', {})).toEqual({ outcome: 'not-found' });
    expect(await gateway.call('orders', 'get_order', { id: '' })).toEqual({ outcome: 'not-found' });
    expect(await gateway.call('orders', 'get_order', { id: '..' })).toEqual({ outcome: 'not-found' });
    expect(server.requests).toHaveLength(0);
  });

  it('answers an unknown connector or operation with PARLEY_CONNECTOR_NOT_FOUND', async () => {
    const { gateway } = ordersGateway();
    expect(await gateway.call('billing', 'get', {})).toMatchObject({ outcome: 'error', code: 'PARLEY_CONNECTOR_NOT_FOUND', message: 'No connector named "billing"' });
    expect(await gateway.call('orders', 'get_ordr', { id: '1' })).toMatchObject({
      outcome: 'error',
      code: 'PARLEY_CONNECTOR_NOT_FOUND',
      message: expect.stringContaining('get_order, search'),
    });
    expect(await gateway.call('orders', 'toString', {})).toMatchObject({ code: 'PARLEY_CONNECTOR_NOT_FOUND' });
    expect(server.requests).toHaveLength(0);
  });

  it('keeps static connectors as they were, next to HTTP ones', async () => {
    const { gateway } = ordersGateway();
    expect(await gateway.call('lookup', 'get', { id: '1' })).toEqual({ outcome: 'success', data: { id: '1', name: 'first' } });
    expect(await gateway.call('lookup', 'get', { id: '2' })).toEqual({ outcome: 'not-found' });
    expect(await gateway.call('lookup', 'find', { id: '1' })).toMatchObject({ outcome: 'error', code: 'PARLEY_CONNECTOR_NOT_FOUND' });
    expect(gateway.health().find((entry) => entry.name === 'lookup')).toEqual({
      name: 'lookup',
      type: 'static',
      state: 'closed',
      consecutiveFailures: 0,
      lastSuccessAt: null,
      lastFailureAt: null,
      lastError: null,
    });
  });
});

describe('HTTP connector failures', () => {
  it('retries a 500 and returns the answer that follows', async () => {
    const { gateway, delays } = ordersGateway();
    server.script({ status: 500, body: 'oops' }, { status: 200, json: shipped });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({ outcome: 'success', data: shipped });
    expect(server.requests).toHaveLength(2);
    // random 0.5 of the first ceiling (100 ms).
    expect(delays).toEqual([50]);
  });

  it('waits as long as a 503\'s Retry-After asks, within the cap', async () => {
    const { gateway, delays } = ordersGateway({}, { retry: { maxRetryAfterMs: 4000 } });
    server.script({ status: 503, headers: { 'retry-after': '3' } }, { status: 503, headers: { 'retry-after': '120' } }, { status: 200, json: shipped });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({ outcome: 'success', data: shipped });
    expect(delays).toEqual([3000, 4000]);
  });

  it('retries a 429 until the retries run out, then reports the status', async () => {
    const { gateway, delays } = ordersGateway({ retries: 2 });
    server.fallback = { status: 429, headers: { 'retry-after': new Date(Date.parse('2030-01-01T00:00:02.000Z')).toUTCString() } };
    const result = await gateway.call('orders', 'get_order', { id: 'A1' });
    expect(result).toEqual({ outcome: 'error', code: 'PARLEY_CONNECTOR_HTTP_ERROR', message: 'orders.get_order answered HTTP 429', status: 429 });
    expect(server.requests).toHaveLength(3);
    // An HTTP date two seconds after the injected clock's time.
    expect(delays).toEqual([2000, 2000]);
  });

  it('does not retry a 400, nor a POST that is not marked idempotent', async () => {
    const { gateway, delays } = ordersGateway();
    server.script({ status: 400, json: { error: 'bad id' } });
    expect(await gateway.call('orders', 'get_order', { id: 'x' })).toMatchObject({ code: 'PARLEY_CONNECTOR_HTTP_ERROR', status: 400 });
    server.script({ status: 500 });
    expect(await gateway.call('orders', 'create_return', { id: '1' })).toMatchObject({ code: 'PARLEY_CONNECTOR_HTTP_ERROR', status: 500 });
    expect(server.requests).toHaveLength(2);
    expect(delays).toEqual([]);
    server.script({ status: 500 });
    expect(await gateway.call('orders', 'retry_safe_post', { id: '1', text: 'hi' })).toEqual({ outcome: 'success', data: { ok: true } });
    expect(server.requests).toHaveLength(4);
  });

  it('gives up on an answer slower than timeout_ms with PARLEY_CONNECTOR_TIMEOUT', async () => {
    const { gateway, delays } = ordersGateway({ timeout_ms: 100, retries: 1 });
    server.script({ hang: true }, { hang: true });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({
      outcome: 'error',
      code: 'PARLEY_CONNECTOR_TIMEOUT',
      message: 'orders.get_order did not answer within 100 ms',
    });
    expect(server.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
    server.script({ hang: true }, { status: 200, json: shipped });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({ outcome: 'success', data: shipped });
  });

  it('counts a body that stops arriving as a timeout too, not as a broken connection', async () => {
    const { gateway } = ordersGateway({ timeout_ms: 100, retries: 0 });
    server.script({ stall: '{"id":"A1","sta' });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({
      outcome: 'error',
      code: 'PARLEY_CONNECTOR_TIMEOUT',
      message: 'orders.get_order did not answer within 100 ms',
    });
  });

  it('refuses a body that is not JSON, without retrying', async () => {
    const { gateway } = ordersGateway();
    server.script({ status: 200, body: '<html>Service Unavailable</html>' });
    expect(await gateway.call('orders', 'search', { q: 'x' })).toEqual({
      outcome: 'error',
      code: 'PARLEY_CONNECTOR_INVALID_RESPONSE',
      message: 'orders.search answered with a body that is not JSON',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('refuses JSON of the wrong shape, naming the first bad path', async () => {
    const { gateway } = ordersGateway();
    server.script({ status: 200, json: { id: 'A1', status: 'shipped', items: [{ price: 5 }, { price: 'free' }] } }, { status: 200, json: { id: 'A1' } });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({
      outcome: 'error',
      code: 'PARLEY_CONNECTOR_INVALID_RESPONSE',
      message: 'orders.get_order answered with an unexpected shape at items[1].price: expected number, received string',
    });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toMatchObject({
      code: 'PARLEY_CONNECTOR_INVALID_RESPONSE',
      message: expect.stringContaining('at status: is missing'),
    });
  });

  it('refuses an answer larger than the limit', async () => {
    const { gateway } = ordersGateway({}, { maxResponseBytes: 64 });
    server.script({ status: 200, json: { id: 'A1', status: 'x'.repeat(100) } });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toMatchObject({ code: 'PARLEY_CONNECTOR_INVALID_RESPONSE', message: expect.stringContaining('more than 64 bytes') });
  });

  it('reports a dropped connection as unreachable, and retries it', async () => {
    const { gateway } = ordersGateway({ retries: 0 });
    server.script({ reset: true });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toMatchObject({
      outcome: 'error',
      code: 'PARLEY_CONNECTOR_UNREACHABLE',
      message: expect.stringMatching(/^orders\.get_order could not reach the service/),
    });
    const retrying = ordersGateway({ retries: 1 }).gateway;
    server.script({ reset: true }, { status: 200, json: shipped });
    expect(await retrying.call('orders', 'get_order', { id: 'A1' })).toEqual({ outcome: 'success', data: shipped });
  });

  it('reports a service that is not listening as unreachable', async () => {
    const closed = await startMisbehavingServer();
    const url = closed.url;
    await closed.close();
    const { gateway } = ordersGateway({ retries: 0 }, { env: { ORDERS_API: url } });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toMatchObject({ code: 'PARLEY_CONNECTOR_UNREACHABLE', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('turns a not_found_status into not-found, which is no failure', async () => {
    const { gateway } = ordersGateway();
    server.script({ status: 404, json: { error: 'no such order' } }, { status: 410 }, { status: 404 });
    expect(await gateway.call('orders', 'get_order', { id: 'nope' })).toEqual({ outcome: 'not-found' });
    expect(await gateway.call('orders', 'gone', { id: 'old' })).toEqual({ outcome: 'not-found' });
    // 404 is not in this operation's not_found_status.
    expect(await gateway.call('orders', 'gone', { id: 'old' })).toMatchObject({ code: 'PARLEY_CONNECTOR_HTTP_ERROR', status: 404 });
    expect(server.requests).toHaveLength(3);
    expect(gateway.health()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('does not follow a redirect, which could carry the credentials elsewhere', async () => {
    const { gateway } = ordersGateway({ auth: { type: 'bearer', token_env: 'ORDERS_TOKEN' } }, { env: { ORDERS_API: server.url, ORDERS_TOKEN: 't0ken' } });
    server.script({ status: 302, headers: { location: 'http://127.0.0.1:1/steal' } });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toMatchObject({ code: 'PARLEY_CONNECTOR_HTTP_ERROR', status: 302 });
    expect(server.requests).toHaveLength(1);
  });
});

describe('HTTP connector circuit breaker', () => {
  const breaking = { retries: 0, circuit_breaker: { failure_threshold: 3, reset_ms: 10_000 } };

  it('opens after a run of failures and then fails fast without requests', async () => {
    const { gateway, clock } = ordersGateway(breaking);
    server.fallback = { status: 500 };
    for (let i = 0; i < 3; i += 1) expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toMatchObject({ code: 'PARLEY_CONNECTOR_HTTP_ERROR' });
    expect(server.requests).toHaveLength(3);
    const health = gateway.health()[0]!;
    expect(health).toEqual({
      name: 'orders',
      type: 'http',
      state: 'open',
      consecutiveFailures: 3,
      lastSuccessAt: null,
      lastFailureAt: clock.now().toISOString(),
      lastError: 'PARLEY_CONNECTOR_HTTP_ERROR: orders.get_order answered HTTP 500',
    });
    for (let i = 0; i < 5; i += 1) {
      expect(await gateway.call('orders', 'search', {})).toMatchObject({
        outcome: 'error',
        code: 'PARLEY_CONNECTOR_CIRCUIT_OPEN',
        message: expect.stringContaining('circuit of connector "orders" is open'),
      });
    }
    expect(server.requests).toHaveLength(3);
  });

  it('counts retries as failures: the circuit can open in the middle of one call, which stops its retries', async () => {
    const { gateway } = ordersGateway({ retries: 5, circuit_breaker: { failure_threshold: 2, reset_ms: 10_000 } });
    server.fallback = { status: 503 };
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toMatchObject({ code: 'PARLEY_CONNECTOR_HTTP_ERROR', status: 503 });
    expect(server.requests).toHaveLength(2);
    expect(gateway.health()[0]!.state).toBe('open');
  });

  it('recovers through half-open: after reset_ms one trial call closes it', async () => {
    const { gateway, clock } = ordersGateway(breaking);
    server.script({ status: 500 }, { status: 500 }, { status: 500 });
    for (let i = 0; i < 3; i += 1) await gateway.call('orders', 'get_order', { id: 'A1' });
    clock.advance(9_999);
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toMatchObject({ code: 'PARLEY_CONNECTOR_CIRCUIT_OPEN' });
    clock.advance(1);
    expect(gateway.health()[0]!.state).toBe('half-open');
    server.script({ status: 200, json: shipped });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({ outcome: 'success', data: shipped });
    expect(gateway.health()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0, lastSuccessAt: clock.now().toISOString() });
    expect(server.requests).toHaveLength(4);
  });

  it('opens again when the trial fails, and lets no other call through meanwhile', async () => {
    const { gateway, clock } = ordersGateway(breaking);
    server.fallback = { status: 500 };
    for (let i = 0; i < 3; i += 1) await gateway.call('orders', 'get_order', { id: 'A1' });
    clock.advance(10_000);
    server.script({ hang: true });
    const trial = gateway.call('orders', 'get_order', { id: 'A1' });
    // While the trial is out, a second call is refused at once.
    expect(await gateway.call('orders', 'search', {})).toMatchObject({ code: 'PARLEY_CONNECTOR_CIRCUIT_OPEN' });
    expect(await trial).toMatchObject({ code: 'PARLEY_CONNECTOR_TIMEOUT' });
    expect(gateway.health()[0]).toMatchObject({ state: 'open', consecutiveFailures: 4, lastError: expect.stringContaining('PARLEY_CONNECTOR_TIMEOUT') });
    expect(server.requests).toHaveLength(4);
  });

  it('is not tripped by answers that say the request was wrong', async () => {
    const { gateway } = ordersGateway(breaking);
    server.fallback = { status: 422 };
    for (let i = 0; i < 5; i += 1) await gateway.call('orders', 'get_order', { id: 'A1' });
    expect(gateway.health()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0, lastError: expect.stringContaining('HTTP 422') });
  });
});

describe('HTTP connector auth', () => {
  it('sends a bearer token, a custom header or basic credentials from the environment', async () => {
    const env = { ORDERS_API: server.url, TOKEN: 'bearer-secret', KEY: 'key-secret', USER: 'shop', PASSWORD: 'p@ss:word' };
    await ordersGateway({ auth: { type: 'bearer', token_env: 'TOKEN' } }, { env }).gateway.call('orders', 'search', {});
    await ordersGateway({ auth: { type: 'header', header: 'X-Api-Key', value_env: 'KEY' } }, { env }).gateway.call('orders', 'search', {});
    await ordersGateway({ auth: { type: 'basic', username_env: 'USER', password_env: 'PASSWORD' } }, { env }).gateway.call('orders', 'search', {});
    const [bearer, header, basic] = server.requests.map((request) => request.headers);
    expect(bearer!.authorization).toBe('Bearer bearer-secret');
    expect(header!['x-api-key']).toBe('key-secret');
    expect(header!.authorization).toBeUndefined();
    expect(basic!.authorization).toBe(`Basic ${Buffer.from('shop:p@ss:word').toString('base64')}`);
  });

  it('refuses to start when a secret or a base_url variable is missing, naming the variables and no value', () => {
    let caught: unknown;
    try {
      ordersGateway({ auth: { type: 'basic', username_env: 'ORDERS_USER', password_env: 'ORDERS_PASSWORD' } }, { env: { ORDERS_USER: 'user-value-123' } });
    } catch (error) {
      caught = error;
    }
    expect(isParleyError(caught, 'PARLEY_CONFIG_INVALID')).toBe(true);
    const message = (caught as Error).message;
    expect(message).toContain('connector "orders": the environment variable ORDERS_API (base_url) is not set');
    expect(message).toContain('connector "orders": the environment variable ORDERS_PASSWORD (auth.password_env) is not set');
    expect(message).not.toContain('user-value-123');
    expect(() => ordersGateway({ auth: { type: 'bearer', token_env: 'TOKEN' } }, { env: { ORDERS_API: server.url, TOKEN: '' } })).toThrow(/TOKEN \(auth\.token_env\) is not set/);
  });

  it('refuses a base_url that is not an http(s) URL once expanded, without showing its value', () => {
    expect(() => ordersGateway({}, { env: { ORDERS_API: 'ftp://secret-host' } })).toThrow(/base_url must start with http/);
    let message = '';
    try {
      ordersGateway({}, { env: { ORDERS_API: 'not a url secret-value' } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('is not a valid URL once expanded');
    expect(message).not.toContain('secret-value');
  });
});

describe('HTTP connector cache', () => {
  it('serves a cached GET answer without a request until the TTL passes', async () => {
    const { gateway, clock } = ordersGateway({ cache_ttl_ms: 1000 });
    server.script({ status: 200, json: shipped }, { status: 200, json: { ...shipped, status: 'delivered' } });
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({ outcome: 'success', data: shipped });
    clock.advance(999);
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({ outcome: 'success', data: shipped });
    expect(server.requests).toHaveLength(1);
    clock.advance(1);
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({ outcome: 'success', data: { ...shipped, status: 'delivered' } });
    expect(server.requests).toHaveLength(2);
  });

  it('uses the operation\'s cache_ttl_ms over the connector\'s, and never caches errors, not-found or POSTs', async () => {
    const { gateway, clock } = ordersGateway({
      cache_ttl_ms: 0,
      operations: {
        get_order: { path: '/orders/{id}', cache_ttl_ms: 5000 },
        search: { path: '/orders', cache_ttl_ms: 0 },
        create_return: { method: 'POST', path: '/orders/{id}/returns', cache_ttl_ms: 5000 },
      },
    });
    await gateway.call('orders', 'get_order', { id: 'A1' });
    await gateway.call('orders', 'get_order', { id: 'A1' });
    await gateway.call('orders', 'get_order', { id: 'A2' });
    expect(server.requests).toHaveLength(2);
    await gateway.call('orders', 'search', {});
    await gateway.call('orders', 'search', {});
    await gateway.call('orders', 'create_return', { id: 'A1' });
    await gateway.call('orders', 'create_return', { id: 'A1' });
    expect(server.requests).toHaveLength(6);
    server.script({ status: 404 }, { status: 400 });
    clock.advance(5000);
    expect(await gateway.call('orders', 'get_order', { id: 'B' })).toEqual({ outcome: 'not-found' });
    expect(await gateway.call('orders', 'get_order', { id: 'B' })).toMatchObject({ code: 'PARLEY_CONNECTOR_HTTP_ERROR' });
    expect(await gateway.call('orders', 'get_order', { id: 'B' })).toEqual({ outcome: 'success', data: { ok: true } });
    expect(server.requests).toHaveLength(9);
  });

  it('overrides a connector TTL with an operation TTL of 0, and serves cached answers while the circuit is open', async () => {
    const { gateway } = ordersGateway({
      cache_ttl_ms: 60_000,
      retries: 0,
      circuit_breaker: { failure_threshold: 1, reset_ms: 60_000 },
      operations: { get_order: { path: '/orders/{id}' }, live: { path: '/live', cache_ttl_ms: 0 } },
    });
    await gateway.call('orders', 'live', {});
    await gateway.call('orders', 'live', {});
    expect(server.requests).toHaveLength(2);
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({ outcome: 'success', data: { ok: true } });
    server.fallback = { status: 500 };
    await gateway.call('orders', 'live', {});
    expect(gateway.health()[0]!.state).toBe('open');
    expect(await gateway.call('orders', 'get_order', { id: 'A1' })).toEqual({ outcome: 'success', data: { ok: true } });
    expect(await gateway.call('orders', 'get_order', { id: 'A2' })).toMatchObject({ code: 'PARLEY_CONNECTOR_CIRCUIT_OPEN' });
    expect(server.requests).toHaveLength(4);
  });
});

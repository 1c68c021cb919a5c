import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKey, startTestServer, type TestServer } from '../support/harness.js';
import { removeWrittenBots, writeBot, yaml } from '../bot/bot-fixture.js';
import { startMisbehavingServer, type MisbehavingServer } from './misbehaving-server.js';

let remote: MisbehavingServer;
let parley: TestServer;

beforeAll(async () => {
  remote = await startMisbehavingServer();
  const dir = await writeBot({
    'bot.yaml': yaml(`
      name: mini
      connectors:
        orders:
          type: http
          base_url: ${remote.url}
          retries: 0
          circuit_breaker: { failure_threshold: 2, reset_ms: 60000 }
          operations:
            get:
              path: /orders/{id}
        lookup:
          type: static
          file: data/lookup.yaml
    `),
    'data/lookup.yaml': '- id: "1"\n',
  });
  parley = await startTestServer({ PARLEY_BOT: dir });
});
afterAll(async () => {
  await parley.close();
  await remote.close();
  await removeWrittenBots();
});

describe('connector health over HTTP', () => {
  it('shows each connector on /readyz and stays ready while a circuit is open', async () => {
    expect((await parley.app.inject('/readyz')).json()).toMatchObject({ status: 'ready', connectors: { orders: 'closed', lookup: 'closed' } });
    remote.fallback = { status: 500 };
    const connectors = parley.runtime.brain().connectors;
    for (let i = 0; i < 2; i += 1) expect(await connectors.call('orders', 'get', { id: '1' })).toMatchObject({ code: 'PARLEY_CONNECTOR_HTTP_ERROR' });
    expect(await connectors.call('orders', 'get', { id: '1' })).toMatchObject({ code: 'PARLEY_CONNECTOR_CIRCUIT_OPEN' });
    const ready = await parley.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', bot: 'mini', store: 'sqlite', connectors: { orders: 'open', lookup: 'closed' } });
  });

  it('details every connector on GET /v1/admin/connectors, for admin keys only', async () => {
    expect((await parley.app.inject('/v1/admin/connectors')).statusCode).toBe(401);
    const headers = { authorization: `Bearer ${await adminKey(parley.runtime)}` };
    const response = await parley.app.inject({ url: '/v1/admin/connectors', headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      connectors: [
        {
          name: 'orders',
          type: 'http',
          state: 'open',
          consecutiveFailures: 2,
          lastSuccessAt: null,
          lastFailureAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          lastError: 'PARLEY_CONNECTOR_HTTP_ERROR: orders.get answered HTTP 500',
        },
        { name: 'lookup', type: 'static', state: 'closed', consecutiveFailures: 0, lastSuccessAt: null, lastFailureAt: null, lastError: null },
      ],
    });
  });

  it('documents the endpoint and the readiness field in the OpenAPI document', async () => {
    const document = (await parley.app.inject('/openapi.json')).json();
    const admin = document.paths['/v1/admin/connectors'].get;
    expect(admin.security).toEqual([{ bearerAuth: [] }]);
    expect(admin.responses['200'].content['application/json'].schema.properties.connectors.items.properties.state.enum).toEqual(['closed', 'open', 'half-open']);
    const ready = document.paths['/readyz'].get;
    expect(ready.description).toContain('does not make the process unready');
    expect(ready.responses['200'].content['application/json'].schema.properties.connectors).toBeDefined();
  });
});

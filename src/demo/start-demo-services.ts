import Fastify from 'fastify';
import { DEMO_ORDERS_API_PREFIX, demoOrdersService } from './orders-service.js';

export interface DemoServicesOptions {
  /** The orders YAML to seed the orders service with (a bot folder's `data/orders.yaml`). */
  readonly seedFile: string;
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port to listen on (default 0: any free port). */
  readonly port?: number;
  /** How long order 99901 makes its caller wait, in ms (default 5000). */
  readonly slowMs?: number;
  /** The current time, for the return window (default: the system clock). */
  readonly now?: () => Date;
}

export interface RunningDemoServices {
  /** The server's address, e.g. `http://127.0.0.1:53121`; the orders API is at `url + DEMO_ORDERS_API_PREFIX`. */
  readonly url: string;
  /** The orders API's base URL (`url + '/demo/orders-api'`), what a connector's `base_url` names. */
  readonly ordersApiUrl: string;
  /** Forgets every change since the start: the orders are the seed's again. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The demo services on their own small server, without the rest of Parley: for tests and the
 * conversation-test runner. Its state is its own and is lost on close.
 */
export async function startDemoServices(options: DemoServicesOptions): Promise<RunningDemoServices> {
  // Closing also drops clients' idle keep-alive connections (an HTTP client may open one after an
  // aborted request), so a test or story run never waits for them.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  await app.register(demoOrdersService, {
    prefix: DEMO_ORDERS_API_PREFIX,
    seedFile: options.seedFile,
    ...(options.slowMs !== undefined ? { slowMs: options.slowMs } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  let closing: Promise<void> | null = null;
  return {
    url,
    ordersApiUrl: `${url}${DEMO_ORDERS_API_PREFIX}`,
    async reset() {
      const response = await app.inject({ method: 'POST', url: `${DEMO_ORDERS_API_PREFIX}/reset` });
      if (response.statusCode !== 204) throw new Error(`resetting the demo orders service failed: HTTP ${response.statusCode}`);
    },
    close() {
      closing ??= app.close();
      return closing;
    },
  };
}

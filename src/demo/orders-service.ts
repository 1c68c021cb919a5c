import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { validatorCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { orderDeliveryDate, readSeedOrders, type DemoOrder } from './seed-orders.js';

/**
 * A small stand-in for a shop's order system, so the demo bot's `http` connector makes real HTTP
 * calls: `parley serve --demo` (or `PARLEY_DEMO_SERVICES=true`) serves it under
 * {@link DEMO_ORDERS_API_PREFIX}, seeded from the bot folder's `data/orders.yaml`.
 *
 * Routes (JSON; every error is `{ error: { code, message } }`):
 * - `GET /orders/:id` → 200 the record; 404 `ORDER_NOT_FOUND`; 400 `INVALID_ORDER_ID` when the id
 *   is not 5 digits.
 * - `PATCH /orders/:id/address`, body `{ street, postcode, city }` (non-empty strings, postcode 4–5
 *   digits) → 200 the updated record; 409 `ORDER_ALREADY_SHIPPED` once the order left
 *   `processing` (`ORDER_CANCELLED` for a cancelled one); 404; 400 `INVALID_REQUEST`.
 * - `POST /orders/:id/returns`, body `{ reason?: string }` (or no body) → 201
 *   `{ return_id: "R-<id>-<n>", order_id, label_url, status: "label-sent" }` and the record gets
 *   `return_requested: true`; 409 `ORDER_NOT_DELIVERED`, `RETURN_ALREADY_REQUESTED`, or
 *   `RETURN_WINDOW_CLOSED` when the delivery (`delivered_at`, else `delivered_on`) is more than
 *   30 days before `now()`. Only a date with a year (`2025-03-06`, `2025-03-06T14:30:00Z`,
 *   `6 March 2025`) can be placed in time; one without (`Thursday, 6 March`, as in the demo data
 *   today) is not checked against the window.
 *   `n` counts the returns this server created; `label_url` is a placeholder address.
 *
 * Misbehaving orders, for demos and conversation tests of a connector's failure handling (these
 * ids are reserved: a seed record with one of them is ignored; they misbehave on every route):
 * - `99901` answers only after `slowMs` (default 5000 ms), then like a normal order (a
 *   `processing` one). The wait ends early with 503 `SERVICE_CLOSING` when the client goes away or
 *   the server closes, so it never holds a shutdown.
 * - `99902` answers HTTP 500 `ORDER_SYSTEM_FAILURE`.
 * - `99903` answers 200 with `{"id":"99903","status":42}`: JSON, but not an order (the status is
 *   not text), so a response shape that requires `status` to be a string rejects it.
 *
 * State lives in memory, per server: address changes and returns are lost on restart, and every
 * start (or every {@link startDemoServices}) begins again from the seed file, as does
 * `POST /reset` (204).
 */

export const DEMO_ORDERS_API_PREFIX = '/demo/orders-api';
export const SLOW_ORDER_ID = '99901';
export const FAILING_ORDER_ID = '99902';
export const GARBLED_ORDER_ID = '99903';
/** The body order 99903 answers with. */
export const GARBLED_ORDER_BODY = '{"id":"99903","status":42}';

export interface DemoOrdersServiceOptions {
  /** The orders YAML (a list of records with `id` and `status`), read once at registration. */
  readonly seedFile: string;
  /** How long order 99901 makes its caller wait, in ms (default 5000). */
  readonly slowMs?: number;
  /** The current time, for the return window (default: the system clock). */
  readonly now?: () => Date;
  /** Days after delivery during which a return is accepted (default 30). */
  readonly returnWindowDays?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

class DemoServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DemoServiceError';
  }
}

const orderParamsSchema = z.object({ id: z.string().regex(/^\d{5}$/, { error: 'an order id is 5 digits' }) });
const nonEmpty = (name: string) => z.string({ error: `${name} must be text` }).trim().min(1, { error: `${name} must not be empty` });
const addressBodySchema = z.strictObject(
  {
    street: nonEmpty('street'),
    postcode: z.string({ error: 'postcode must be text' }).trim().regex(/^\d{4,5}$/, { error: 'postcode must be 4 or 5 digits' }),
    city: nonEmpty('city'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : 'the body must be { street, postcode, city }') },
);
const returnBodySchema = z
  .strictObject(
    // An empty reason (a flow filling the field from a slot it never got) counts as none.
    { reason: z.string({ error: 'reason must be text' }).trim().max(500, { error: 'reason is at most 500 characters' }).optional() },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : 'the body must be { reason?: string }') },
  )
  // No body at all (a bare POST) reaches the validator as null.
  .nullish();

function slowOrder(): DemoOrder {
  return {
    id: SLOW_ORDER_ID,
    status: 'processing',
    items: 'a parcel from a very slow order system',
    placed_on: 'Monday, 10 March',
    carrier: 'UPS',
    ships_by: 'Friday, 14 March',
    eta: 'Tuesday, 18 March',
  };
}

function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export const demoOrdersService: FastifyPluginAsyncZod<DemoOrdersServiceOptions> = async (app, options) => {
  const slowMs = options.slowMs ?? 5000;
  const now = options.now ?? (() => new Date());
  const windowDays = options.returnWindowDays ?? 30;
  const orders = new Map<string, DemoOrder>();
  let returnsCreated = 0;
  const seed = async (): Promise<void> => {
    const seeded = await readSeedOrders(options.seedFile, now());
    for (const reserved of [SLOW_ORDER_ID, FAILING_ORDER_ID, GARBLED_ORDER_ID]) seeded.delete(reserved);
    seeded.set(SLOW_ORDER_ID, slowOrder());
    orders.clear();
    for (const [id, order] of seeded) orders.set(id, order);
    returnsCreated = 0;
  };
  await seed();

  // Waits of order 99901 still running; ended when the server starts closing.
  const waits = new Set<AbortController>();
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    for (const wait of waits) wait.abort();
  });

  // This plugin's own JSON parsing, validation and error shape, whichever server it is registered in.
  app.setValidatorCompiler(validatorCompiler);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new DemoServiceError(400, 'INVALID_JSON', `The body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof DemoServiceError) return reply.code(error.status).send(errorBody(error.code, error.message));
    if (error.validation) {
      const where = error.validationContext ?? 'request';
      const message = error.validation
        .map((issue) => {
          const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
          return `${where}${path ? `.${path}` : ''}: ${issue.message}`;
        })
        .join('; ');
      const code = error.validationContext === 'params' ? 'INVALID_ORDER_ID' : 'INVALID_REQUEST';
      return reply.code(400).send(errorBody(code, message));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send(errorBody('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.'));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody('INVALID_REQUEST', error.message));
    request.log.error({ err: error }, 'demo orders service failed');
    return reply.code(500).send(errorBody('INTERNAL', 'Internal error in the demo orders service.'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]} in the demo orders service`)),
  );

  // The misbehaving orders, on every route, once the id is known to be well formed.
  app.addHook('preHandler', async (request, reply) => {
    const id = (request.params as { id?: string }).id;
    if (id === FAILING_ORDER_ID) throw new DemoServiceError(500, 'ORDER_SYSTEM_FAILURE', `The order system failed (order ${FAILING_ORDER_ID} always fails in this demo).`);
    if (id === GARBLED_ORDER_ID) return reply.code(200).type('application/json').send(GARBLED_ORDER_BODY);
    if (id === SLOW_ORDER_ID) await slowWait(reply);
    return undefined;
  });

  async function slowWait(reply: FastifyReply): Promise<void> {
    const wait = new AbortController();
    let clientGone = false;
    const onClose = () => {
      clientGone = true;
      wait.abort();
    };
    waits.add(wait);
    reply.raw.once('close', onClose);
    if (closing) wait.abort();
    try {
      await delay(slowMs, undefined, { signal: wait.signal });
    } catch {
      if (clientGone) throw new DemoServiceError(503, 'REQUEST_ABANDONED', 'The client went away before the slow order answered.');
      throw new DemoServiceError(503, 'SERVICE_CLOSING', 'The server is closing; the slow order did not answer.');
    } finally {
      waits.delete(wait);
      reply.raw.off('close', onClose);
    }
  }

  function find(id: string): DemoOrder {
    const order = orders.get(id);
    if (!order) throw new DemoServiceError(404, 'ORDER_NOT_FOUND', `There is no order ${id}.`);
    return order;
  }

  const hide = true;

  // Back to the seed: every address change and return forgotten (conversation tests start each story here).
  app.post('/reset', { schema: { hide } }, async (_request, reply) => {
    await seed();
    return reply.code(204).send();
  });

  app.get('/orders/:id', { schema: { hide, params: orderParamsSchema } }, async (request) => find(request.params.id));

  app.patch('/orders/:id/address', { schema: { hide, params: orderParamsSchema, body: addressBodySchema } }, async (request) => {
    const order = find(request.params.id);
    if (order.status === 'cancelled') throw new DemoServiceError(409, 'ORDER_CANCELLED', `Order ${order.id} is cancelled; its address cannot change.`);
    if (order.status !== 'processing') {
      throw new DemoServiceError(409, 'ORDER_ALREADY_SHIPPED', `Order ${order.id} is ${order.status}; the address can only change before it ships.`);
    }
    order.address = { ...request.body };
    return order;
  });

  app.post('/orders/:id/returns', { schema: { hide, params: orderParamsSchema, body: returnBodySchema } }, async (request, reply) => {
    const order = find(request.params.id);
    if (order.status !== 'delivered') throw new DemoServiceError(409, 'ORDER_NOT_DELIVERED', `Order ${order.id} is ${order.status}; only a delivered order can be returned.`);
    if (order.return_requested === true) throw new DemoServiceError(409, 'RETURN_ALREADY_REQUESTED', `A return for order ${order.id} was already requested.`);
    const delivered = orderDeliveryDate(order);
    if (delivered && now().getTime() - delivered.getTime() > windowDays * DAY_MS) {
      throw new DemoServiceError(409, 'RETURN_WINDOW_CLOSED', `Order ${order.id} was delivered more than ${windowDays} days ago; the return window is closed.`);
    }
    returnsCreated += 1;
    const returnId = `R-${order.id}-${returnsCreated}`;
    order.return_requested = true;
    order.return_id = returnId;
    if (request.body?.reason) order.return_reason = request.body.reason;
    return reply.code(201).send({ return_id: returnId, order_id: order.id, label_url: `https://returns.example.com/labels/${returnId}.pdf`, status: 'label-sent' });
  });
};

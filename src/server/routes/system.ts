import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { connectorStates } from '../../connectors/index.js';
import type { Runtime } from '../../engine/index.js';
import type { ServerMetrics } from '../metrics.js';
import { errorBodySchema } from '../schemas.js';

export const connectorStateSchema = z.enum(['closed', 'open', 'half-open']);

/** Probes and metrics for orchestrators and Prometheus. */
export const systemRoutes: FastifyPluginAsyncZod<{ runtime: Runtime; metrics: ServerMetrics }> = async (app, { runtime, metrics }) => {
  app.get(
    '/healthz',
    { schema: { tags: ['system'], summary: 'Liveness: the process answers', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: the store answers and the bot is loaded',
        description:
          'Ready (200) when the store answers and the bot is loaded. `connectors` reports the circuit state of each connector; a connector whose circuit is open does not make the process unready: its calls fail fast and flows answer with their on_error response, while the rest of the bot keeps working (restarting or removing the process would not heal the remote service). Details: GET /v1/admin/connectors.',
        response: {
          200: z.object({
            status: z.literal('ready'),
            bot: z.string(),
            store: z.string(),
            connectors: z.record(z.string(), connectorStateSchema).describe('Connector name → circuit state (reported, never a reason to be unready)'),
          }),
          503: errorBodySchema,
        },
      },
    },
    async () => {
      await runtime.store.ping();
      const brain = runtime.brain();
      return { status: 'ready' as const, bot: brain.bot.config.name, store: runtime.store.kind, connectors: connectorStates(brain.connectors.health()) };
    },
  );

  app.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics', produces: ['text/plain'] } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};

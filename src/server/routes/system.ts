import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../engine/index.js';
import type { ServerMetrics } from '../metrics.js';
import { errorBodySchema } from '../schemas.js';

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
        response: { 200: z.object({ status: z.literal('ready'), bot: z.string(), store: z.string() }), 503: errorBodySchema },
      },
    },
    async () => {
      await runtime.store.ping();
      return { status: 'ready' as const, bot: runtime.bot.config.name, store: runtime.store.kind };
    },
  );

  app.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics', produces: ['text/plain'] } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};

import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { ParleyError } from '../core/index.js';
import { DEMO_ORDERS_API_PREFIX, demoOrdersService } from '../demo/index.js';
import type { Runtime } from '../engine/index.js';
import { createAuthenticator } from './auth.js';
import { installErrorHandling } from './errors.js';
import { createServerMetrics, type ServerMetrics } from './metrics.js';
import { adminRoutes } from './routes/admin.js';
import { agentAuthRoutes } from './routes/agent-auth.js';
import { agentConversationRoutes } from './routes/agent-conversations.js';
import { agentSocketRoutes } from './routes/agent-socket.js';
import { channelRoutes } from './routes/channels.js';
import { consoleRoutes } from './routes/console.js';
import { socketRoutes } from './routes/socket.js';
import { widgetRoutes } from './routes/widget.js';
import { conversationRoutes } from './routes/conversations.js';
import { systemRoutes } from './routes/system.js';

export interface AppOptions {
  readonly runtime: Runtime;
  readonly logger: Logger;
  /** Pass the metrics whose turn observer the runtime reports to; created here otherwise. */
  readonly metrics?: ServerMetrics;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { runtime } = options;
  const config = runtime.config;
  const metrics = options.metrics ?? createServerMetrics();
  metrics.watchOutbox(runtime.store.outbox);

  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // One line per request is written in onResponse instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Room for the longest message in the widest encoding plus the JSON around it.
    bodyLimit: Math.max(64 * 1024, config.PARLEY_MAX_MESSAGE_CHARS * 4 + 4096),
    trustProxy: config.PARLEY_TRUST_PROXY,
    requestIdHeader: 'x-request-id',
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

  // JSON only (other media types get 415). An empty body with a JSON content type means "no
  // fields" (what many HTTP clients send for a bare POST), not a syntax error.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new ParleyError('PARLEY_API_INVALID_JSON', `The body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    // Method, route template and status only: URLs and bodies may carry personal data.
    request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });

  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ParleyError('PARLEY_API_RATE_LIMITED', `Too many requests: at most ${context.max} per minute. Retry in ${Math.ceil(context.ttl / 1000)} s.`),
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        version: '1',
        description: 'Talk to a Parley bot over HTTP. Errors are always `{ "error": { "code", "message" } }`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'A conversation token (ct_…) or an API key (pk_…)' },
        },
      },
      tags: [
        { name: 'conversations', description: 'End-user conversations' },
        { name: 'admin', description: 'Operator routes; need an API key with the admin scope' },
        { name: 'system', description: 'Health, readiness and metrics' },
        { name: 'agents', description: 'Agent console accounts: sign-in sessions (as_… bearer tokens) and, for admins, account management' },
        { name: 'channels', description: 'Webhooks of the messaging channels that are on (called by the platforms, verified with their schemes)' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const auth = createAuthenticator(runtime.store);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(systemRoutes, { runtime, metrics });
  await app.register(conversationRoutes, {
    runtime,
    rateLimits: { messagesPerMinute: config.PARLEY_RATE_LIMIT_MESSAGES, conversationsPerMinute: config.PARLEY_RATE_LIMIT_CONVERSATIONS },
    auth,
  });
  await app.register(adminRoutes, { runtime, auth });
  await app.register(agentAuthRoutes, { runtime });
  await app.register(agentConversationRoutes, { runtime, auth });
  await app.register(agentSocketRoutes, { runtime });
  await app.register(channelRoutes, { runtime });
  await app.register(socketRoutes, { runtime, messagesPerMinute: config.PARLEY_RATE_LIMIT_MESSAGES });
  await app.register(widgetRoutes);
  await app.register(consoleRoutes);
  if (config.PARLEY_DEMO_SERVICES) await registerDemoServices(app, config.PARLEY_BOT, options.logger);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}

/**
 * The demo orders service (PARLEY_DEMO_SERVICES, `parley serve --demo`), seeded from the served
 * bot folder's `data/orders.yaml` once at start; a bot without that file is served without it.
 */
async function registerDemoServices(app: FastifyInstance, botFolder: string, logger: Logger): Promise<void> {
  const seedFile = join(resolve(botFolder), 'data', 'orders.yaml');
  try {
    await access(seedFile);
  } catch {
    logger.warn({ seedFile }, 'PARLEY_DEMO_SERVICES is on but the bot has no data/orders.yaml; the demo orders service is not served');
    return;
  }
  await app.register(demoOrdersService, { prefix: DEMO_ORDERS_API_PREFIX, seedFile });
  logger.info({ prefix: DEMO_ORDERS_API_PREFIX, seedFile }, 'serving the demo orders service (state in memory, reset on restart)');
}

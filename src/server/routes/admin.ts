import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ParleyError } from '../../core/index.js';
import type { Runtime } from '../../engine/index.js';
import type { Authenticator } from '../auth.js';
import {
  apiKeyListResponseSchema,
  botInfoResponseSchema,
  botReloadResponseSchema,
  conversationIdParamsSchema,
  errorBodySchema,
  listConversationsQuerySchema,
  listConversationsResponseSchema,
  listEventsQuerySchema,
  listEventsResponseSchema,
} from '../schemas.js';
import { connectorStateSchema } from './system.js';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const security = [{ bearerAuth: [] }];

const connectorHealthSchema = z
  .object({
    name: z.string(),
    type: z.enum(['static', 'http']),
    state: connectorStateSchema.describe('closed: calls go out; open: calls fail fast without a request; half-open: one trial call decides'),
    consecutiveFailures: z.number().int().describe('Failures in a row that count towards opening the circuit'),
    lastSuccessAt: z.string().nullable(),
    lastFailureAt: z.string().nullable(),
    lastError: z.string().nullable().describe('Code and message of the last failure; never a secret, URL or user data'),
  })
  .describe('The health of one connector');
const connectorHealthResponseSchema = z.object({ connectors: z.array(connectorHealthSchema) });

/** Operator routes: every one needs an API key with the admin scope. */
export const adminRoutes: FastifyPluginAsyncZod<{ runtime: Runtime; auth: Authenticator }> = async (app, { runtime, auth }) => {
  const { store } = runtime;
  app.addHook('onRequest', async (request) => {
    await auth.requireApiKey(request, 'admin');
  });

  app.get(
    '/v1/admin/bot',
    { schema: { tags: ['admin'], summary: 'The served bot', security, response: { 200: botInfoResponseSchema, ...errors } } },
    async () => {
      const { bot, classifier } = runtime.brain();
      return {
      name: bot.config.name,
      language: bot.config.language,
      contentHash: bot.contentHash,
      intents: bot.intents.map((intent) => intent.name),
      flows: bot.flows.map((flow) => flow.name),
      responses: Object.keys(bot.responses).length,
      model: { hash: classifier.hash, threshold: bot.config.nlu.threshold ?? classifier.threshold, intents: classifier.intents.length },
      };
    },
  );

  app.get(
    '/v1/admin/connectors',
    {
      schema: {
        tags: ['admin'],
        summary: 'Health of each connector',
        description: 'Circuit state, consecutive failures and the last success and failure of every connector in bot.yaml order. Static connectors are always closed.',
        security,
        response: { 200: connectorHealthResponseSchema, ...errors },
      },
    },
    async () => ({ connectors: runtime.brain().connectors.health() }),
  );

  app.post(
    '/v1/admin/bot/reload',
    {
      schema: {
        tags: ['admin'],
        summary: 'Reload the bot folder',
        description:
          'Reads the bot folder again and, when it is valid, swaps it in; the NLU model is retrained first when its training data changed (the previous bot keeps answering meanwhile). A folder with errors is not served: 422 lists them.',
        security,
        response: { 200: botReloadResponseSchema, ...errors, 422: errorBodySchema },
      },
    },
    async () => {
      const result = await runtime.reload();
      if (result.status === 'invalid') throw new ParleyError('PARLEY_BOT_RELOAD_INVALID', result.message);
      return result;
    },
  );

  app.get(
    '/v1/admin/conversations',
    {
      schema: {
        tags: ['admin'],
        summary: 'List conversations, newest first',
        security,
        querystring: listConversationsQuerySchema,
        response: { 200: listConversationsResponseSchema, ...errors },
      },
    },
    async (request) => {
      const page = await store.conversations.list({ limit: request.query.limit, cursor: request.query.cursor ?? null });
      return {
        conversations: page.conversations.map((conversation) => ({
          id: conversation.id,
          bot: conversation.botName,
          channel: conversation.channel,
          userId: conversation.userId,
          createdAt: conversation.createdAt,
          events: conversation.lastSeq,
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/v1/admin/conversations/:id/events',
    {
      schema: {
        tags: ['admin'],
        summary: 'A conversation\'s event log, oldest first',
        security,
        params: conversationIdParamsSchema,
        querystring: listEventsQuerySchema,
        response: { 200: listEventsResponseSchema, ...errors },
      },
    },
    async (request) => {
      const conversation = await store.conversations.get(request.params.id);
      if (!conversation) throw new ParleyError('PARLEY_CONVERSATION_NOT_FOUND', `No conversation with id "${request.params.id}".`);
      const limit = request.query.limit;
      const events = await store.conversations.listEvents(conversation.id, { afterSeq: Number(request.query.after ?? 0), limit: limit + 1 });
      const page = events.slice(0, limit);
      return {
        events: page.map((event) => ({ seq: event.seq, id: event.id, type: event.type, v: event.v, at: event.at, data: event.data as Record<string, unknown> })),
        nextCursor: events.length > limit ? String(page.at(-1)!.seq) : null,
      };
    },
  );

  app.get(
    '/v1/admin/api-keys',
    { schema: { tags: ['admin'], summary: 'API keys (never their secrets)', security, response: { 200: apiKeyListResponseSchema, ...errors } } },
    async () => ({ keys: (await store.apiKeys.list()).map((key) => ({ ...key, scopes: [...key.scopes] })) }),
  );
};

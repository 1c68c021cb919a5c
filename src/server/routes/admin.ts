import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ParleyError } from '../../core/index.js';
import type { Runtime } from '../../engine/index.js';
import type { Authenticator } from '../auth.js';
import {
  apiKeyListResponseSchema,
  botInfoResponseSchema,
  conversationIdParamsSchema,
  errorBodySchema,
  listConversationsQuerySchema,
  listConversationsResponseSchema,
  listEventsQuerySchema,
  listEventsResponseSchema,
} from '../schemas.js';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const security = [{ bearerAuth: [] }];

/** Operator routes: every one needs an API key with the admin scope. */
export const adminRoutes: FastifyPluginAsyncZod<{ runtime: Runtime; auth: Authenticator }> = async (app, { runtime, auth }) => {
  const { store, bot } = runtime;
  app.addHook('onRequest', async (request) => {
    await auth.requireApiKey(request, 'admin');
  });

  app.get(
    '/v1/admin/bot',
    { schema: { tags: ['admin'], summary: 'The served bot', security, response: { 200: botInfoResponseSchema, ...errors } } },
    async () => ({
      name: bot.config.name,
      language: bot.config.language,
      contentHash: bot.contentHash,
      intents: bot.intents.map((intent) => intent.name),
      flows: bot.flows.map((flow) => flow.name),
      responses: Object.keys(bot.responses).length,
    }),
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

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ParleyError } from '../../core/index.js';
import { readTranscript, type Runtime } from '../../engine/index.js';
import type { Authenticator } from '../auth.js';
import {
  conversationIdParamsSchema,
  createConversationBodySchema,
  createConversationResponseSchema,
  errorBodySchema,
  feedbackBodySchema,
  listMessagesQuerySchema,
  listMessagesResponseSchema,
  postMessageBodySchema,
  postMessageResponseSchema,
} from '../schemas.js';
import { rateLimitFor, type RateLimits } from '../rate-limits.js';

export interface ConversationRoutesOptions {
  readonly runtime: Runtime;
  readonly rateLimits: RateLimits;
  readonly auth: Authenticator;
}

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema, 429: errorBodySchema };
const security = [{ bearerAuth: [] }];

export const conversationRoutes: FastifyPluginAsyncZod<ConversationRoutesOptions> = async (app, { runtime, rateLimits, auth }) => {
  const { engine, store } = runtime;

  app.post(
    '/v1/conversations',
    {
      config: { rateLimit: rateLimitFor(rateLimits.conversationsPerMinute, (request) => request.ip) },
      schema: {
        tags: ['conversations'],
        summary: 'Start a conversation',
        description: 'Returns the conversation id and a bearer token that gives access to this conversation only.',
        body: createConversationBodySchema,
        response: { 201: createConversationResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const bot = runtime.bot;
      if (body.bot !== undefined && body.bot !== bot.config.name) {
        throw new ParleyError('PARLEY_BOT_NOT_FOUND', `No bot named "${body.bot}" is served here (this server serves "${bot.config.name}").`);
      }
      const { conversation, token } = await engine.startConversation({ channel: 'rest', userId: body.user?.id ?? null });
      return reply.code(201).send({ conversation: { id: conversation.id, bot: conversation.botName, createdAt: conversation.createdAt }, token });
    },
  );

  app.post(
    '/v1/conversations/:id/messages',
    {
      config: {
        rateLimit: rateLimitFor(rateLimits.messagesPerMinute, (request) => `${request.headers.authorization ?? request.ip}|${(request.params as { id?: string }).id}`),
      },
      schema: {
        tags: ['conversations'],
        summary: 'Send a user message and get the bot\'s replies',
        description:
          'The message is recorded before it is processed and answered once its turn is committed. Give each message an `id` so a retry after a network failure returns the first replies instead of running the turn again.',
        security,
        params: conversationIdParamsSchema,
        body: postMessageBodySchema,
        response: { 200: postMessageResponseSchema, ...errors, 503: errorBodySchema },
      },
    },
    async (request) => {
      const conversation = await auth.requireConversationAccess(request, request.params.id);
      const result = await engine.receive({
        conversationId: conversation.id,
        channel: conversation.channel,
        text: request.body.text,
        ...(request.body.id ? { clientMessageId: request.body.id } : {}),
      });
      return {
        conversation: { id: conversation.id },
        message: { id: result.inboxId, clientMessageId: result.clientMessageId },
        duplicate: result.duplicate,
        replies: result.replies.map((reply) => ({ ...reply })),
      };
    },
  );

  app.post(
    '/v1/conversations/:id/feedback',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Rate one of the bot\'s messages (thumbs up or down)',
        description: 'Recorded as a `feedback-given` event in the conversation\'s log (and sent to webhooks that subscribe to it).',
        security,
        params: conversationIdParamsSchema,
        body: feedbackBodySchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const conversation = await auth.requireConversationAccess(request, request.params.id);
      await engine.recordFeedback({ conversationId: conversation.id, messageId: request.body.messageId, rating: request.body.rating, ...(request.body.comment ? { comment: request.body.comment } : {}) });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/conversations/:id/messages',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Read the conversation\'s messages, oldest first',
        security,
        params: conversationIdParamsSchema,
        querystring: listMessagesQuerySchema,
        response: { 200: listMessagesResponseSchema, ...errors },
      },
    },
    async (request) => {
      const conversation = await auth.requireConversationAccess(request, request.params.id);
      return readTranscript(store.conversations, conversation.id, { afterSeq: Number(request.query.after ?? 0), limit: request.query.limit });
    },
  );
};

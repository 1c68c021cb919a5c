import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../engine/index.js';
import { requireAgent } from '../agent-auth.js';
import type { Authenticator } from '../auth.js';
import { errorBodySchema } from '../schemas.js';

/**
 * The API the agent console uses, and that other inboxes (Chatwoot, Zendesk, …) can be wired to:
 * the queue, claiming, replying, notes, transfers, giving a conversation back to the bot, and an
 * agent's presence. Every route needs an agent session (`as_…`); an agent sees only their teams'
 * conversations, an admin all. Also: a handoff requested through the API (admin API key) and a
 * customer's own view of their place in the queue (conversation token).
 */

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const security = [{ bearerAuth: [] }];
const idParams = z.object({ id: z.string().min(1).max(200) });
const text = z.string().trim().min(1).max(4000);

const handoffSchema = z.object({
  conversationId: z.string(),
  bot: z.string(),
  team: z.string(),
  state: z.enum(['queued', 'assigned', 'resolved']),
  reason: z.string(),
  queuedAt: z.string(),
  agentId: z.string().nullable(),
  assignedAt: z.string().nullable(),
  firstResponseAt: z.string().nullable(),
  slaBreachedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});
const queueItemSchema = handoffSchema.extend({ position: z.number().int().nullable() });

const contextSchema = z.object({
  handoff: handoffSchema.nullable(),
  trigger: z.string().nullable(),
  transcript: z.array(z.object({ seq: z.number(), at: z.string(), role: z.enum(['user', 'bot', 'agent', 'note']), text: z.string(), agentId: z.string().optional() })),
  intents: z.array(z.object({ text: z.string(), intent: z.string().nullable(), confidence: z.number() })),
  slots: z.record(z.string(), z.unknown()),
  entities: z.array(z.object({ entity: z.string(), value: z.unknown() })),
  summary: z.string(),
});

export const agentConversationRoutes: FastifyPluginAsyncZod<{ runtime: Runtime; auth: Authenticator }> = async (app, { runtime, auth }) => {
  const desk = runtime.handoffs;
  const tags = ['agents'];

  app.get(
    '/v1/agent/canned-responses',
    {
      schema: { tags, summary: 'Ready answers agents can pick (bot.yaml handoff.canned_responses)', security, response: { 200: z.object({ responses: z.array(z.object({ title: z.string(), text: z.string() })) }), ...errors } },
    },
    async (request) => {
      await requireAgent(request);
      return { responses: runtime.bot.config.handoff.canned_responses.map((item) => ({ ...item })) };
    },
  );

  app.get(
    '/v1/agent/queue',
    {
      schema: {
        tags,
        summary: 'Conversations waiting for a person in your teams, longest waiting first (or, with mine=true, the ones assigned to you)',
        security,
        querystring: z.object({ mine: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ conversations: z.array(queueItemSchema) }), ...errors },
      },
    },
    async (request) => ({ conversations: await desk.list(await requireAgent(request), { mine: request.query.mine === 'true' }) }),
  );

  app.post(
    '/v1/agent/queue/next',
    { schema: { tags, summary: 'Claim the longest-waiting conversation of your teams', security, response: { 200: z.object({ conversation: handoffSchema.nullable() }), ...errors } } },
    async (request) => ({ conversation: await desk.next(await requireAgent(request)) }),
  );

  app.post(
    '/v1/agent/conversations/:id/claim',
    {
      schema: { tags, summary: 'Take a waiting conversation (409 when someone else took it first)', security, params: idParams, response: { 200: z.object({ conversation: handoffSchema }), ...errors } },
    },
    async (request) => ({ conversation: await desk.claim(await requireAgent(request), request.params.id) }),
  );

  app.get(
    '/v1/agent/conversations/:id',
    {
      schema: {
        tags,
        summary: 'The conversation with its context: transcript, intents with confidence, slots, entities, the trigger and a summary',
        security,
        params: idParams,
        response: { 200: contextSchema, ...errors },
      },
    },
    async (request) => {
      const context = await desk.context(await requireAgent(request), request.params.id);
      return { ...context, transcript: [...context.transcript], intents: [...context.intents], entities: [...context.entities], slots: { ...context.slots } };
    },
  );

  app.post(
    '/v1/agent/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: 'Reply to the customer (the conversation must be assigned to you)',
        security,
        params: idParams,
        body: z.object({ text }).strict(),
        response: { 201: z.object({ messageId: z.string() }), ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await desk.reply(await requireAgent(request), request.params.id, request.body.text)),
  );

  app.post(
    '/v1/agent/conversations/:id/notes',
    {
      schema: {
        tags,
        summary: 'An internal note for the team (never shown to the customer)',
        security,
        params: idParams,
        body: z.object({ text }).strict(),
        response: { 201: z.object({ noteId: z.string() }), ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await desk.note(await requireAgent(request), request.params.id, request.body.text)),
  );

  app.post(
    '/v1/agent/conversations/:id/transfer',
    {
      schema: {
        tags,
        summary: 'Move the conversation to another team\'s queue',
        security,
        params: idParams,
        body: z.object({ team: z.string().min(1).max(100) }).strict(),
        response: { 200: z.object({ conversation: handoffSchema }), ...errors },
      },
    },
    async (request) => ({ conversation: await desk.transfer(await requireAgent(request), request.params.id, request.body.team) }),
  );

  app.post(
    '/v1/agent/conversations/:id/resolve',
    { schema: { tags, summary: 'Done: the bot answers the next message', security, params: idParams, response: { 200: z.object({ conversation: handoffSchema }), ...errors } } },
    async (request) => ({ conversation: await desk.resolve(await requireAgent(request), request.params.id) }),
  );

  app.put(
    '/v1/agent/presence',
    {
      schema: {
        tags,
        summary: 'Go online or offline; going offline puts your conversations back in their queues',
        security,
        body: z.object({ status: z.enum(['online', 'offline']) }).strict(),
        response: { 200: z.object({ status: z.enum(['online', 'offline']), released: z.array(z.string()) }), ...errors },
      },
    },
    async (request) => {
      const agent = await requireAgent(request);
      const { released } = await desk.setPresence(agent, request.body.status);
      return { status: request.body.status, released };
    },
  );

  app.post(
    '/v1/admin/conversations/:id/handoff',
    {
      schema: {
        tags: ['admin'],
        summary: 'Hand a conversation to a person from outside (a CRM rule, a supervisor)',
        security,
        params: idParams,
        body: z.object({ reason: z.string().trim().min(1).max(500), team: z.string().min(1).max(100).optional() }).strict(),
        response: { 201: z.object({ conversation: handoffSchema }), ...errors },
      },
    },
    async (request, reply) => {
      await auth.requireApiKey(request, 'admin');
      const record = await desk.request(request.params.id, { reason: request.body.reason, ...(request.body.team ? { team: request.body.team } : {}) });
      return reply.code(201).send({ conversation: record });
    },
  );

  app.get(
    '/v1/conversations/:id/handoff',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Whether a person is coming, and the place in the queue while waiting',
        security,
        params: idParams,
        response: { 200: z.object({ state: z.enum(['bot', 'queued', 'assigned', 'resolved']), team: z.string().nullable(), position: z.number().int().nullable() }), ...errors },
      },
    },
    async (request) => {
      const conversation = await auth.requireConversationAccess(request, request.params.id);
      return desk.position(conversation.id);
    },
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ParleyError } from '../../core/index.js';
import type { Runtime } from '../../engine/index.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, createAgentAccounts } from '../../handoff/accounts/index.js';
import { agentSessionToken, requireAdmin, requireAgent } from '../agent-auth.js';
import { rateLimitFor } from '../rate-limits.js';
import { errorBodySchema } from '../schemas.js';

export interface AgentAuthRoutesOptions {
  readonly runtime: Runtime;
  /** Sign-in attempts per client address and minute (0: no limit). */
  readonly signInsPerMinute?: number;
}

/** Sign-in attempts per client address and minute: enough for a person, slow for a guesser. */
export const DEFAULT_SIGN_INS_PER_MINUTE = 10;

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 415: errorBodySchema };
const security = [{ bearerAuth: [] }];

const roleSchema = z.enum(['agent', 'admin']).describe('admin: sees every team and manages accounts; agent: sees their teams only');
const teamsSchema = z.array(z.string().min(1).max(100)).max(100).describe('The teams whose conversations the agent sees');
const capacitySchema = z.number().int().min(0).max(1000).describe('How many conversations the agent takes at once');

export const agentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().describe('Lower-cased; unique'),
    role: roleSchema,
    teams: z.array(z.string()),
    capacity: z.number().int(),
    createdAt: z.string(),
    disabledAt: z.string().nullable().describe('When the account was disabled; null while it is enabled'),
  })
  .describe('An agent or admin of the agent console (never the password)');

const signInBodySchema = z
  .object({
    email: z.string().min(1).max(254),
    password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  })
  .strict();

const signInResponseSchema = z.object({
  token: z.string().describe('Bearer token of the session (as_…); shown once'),
  agent: agentSchema,
  expiresAt: z.string().describe('When the session expires unless it is used: each use moves this on (idle limit), up to its maximum age'),
});

const createAgentBodySchema = z
  .object({
    email: z.string().min(3).max(254),
    name: z.string().min(1).max(200),
    password: z.string().max(MAX_PASSWORD_LENGTH).describe(`At least ${MIN_PASSWORD_LENGTH} characters`),
    role: roleSchema.optional().describe('Default: agent'),
    teams: teamsSchema.optional(),
    capacity: capacitySchema.optional().describe('Default: 3'),
  })
  .strict();

const updateAgentBodySchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    role: roleSchema.optional(),
    teams: teamsSchema.optional(),
    capacity: capacitySchema.optional(),
    disabled: z.boolean().optional().describe('true disables the account (its sessions stop working at once); false enables it'),
  })
  .strict();

const agentIdParamsSchema = z.object({ id: z.string().min(1).max(100) });

/**
 * Sign-in, sign-out and account management of the agent console. Registered without
 * encapsulation: it puts the accounts on the server (`app.agentAccounts`) for `requireAgent` and
 * `requireAdmin`, which other routes use too.
 */
export const agentAuthRoutes: FastifyPluginAsyncZod<AgentAuthRoutesOptions> = async (app, { runtime, signInsPerMinute = DEFAULT_SIGN_INS_PER_MINUTE }) => {
  const accounts = createAgentAccounts({ store: runtime.store.agents, clock: runtime.clock, ids: runtime.ids });
  app.decorate('agentAccounts', accounts);

  app.post(
    '/v1/agent/sessions',
    {
      config: { rateLimit: rateLimitFor(signInsPerMinute, (request) => request.ip) },
      schema: {
        tags: ['agents'],
        summary: 'Sign in to the agent console',
        description:
          'Returns a session token (as_…) to send as "Authorization: Bearer". A wrong email and a wrong password get the same 401 (PARLEY_AUTH_CREDENTIALS_INVALID); a disabled account 403. Limited per client address.',
        body: signInBodySchema,
        response: { 201: signInResponseSchema, ...errors, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      const result = await accounts.signIn(request.body.email, request.body.password, { address: request.ip, via: 'api' });
      return reply.code(201).send({ token: result.token, agent: { ...result.agent, teams: [...result.agent.teams] }, expiresAt: result.expiresAt });
    },
  );

  app.delete(
    '/v1/agent/sessions/current',
    {
      schema: { tags: ['agents'], summary: 'Sign out: end the session of the bearer token', security, response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await requireAgent(request);
      await accounts.signOut(agentSessionToken(request), { address: request.ip, via: 'api' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/agent/me',
    { schema: { tags: ['agents'], summary: 'The signed-in agent', security, response: { 200: agentSchema, ...errors } } },
    async (request) => {
      const agent = await requireAgent(request);
      return { ...agent, teams: [...agent.teams] };
    },
  );

  app.post(
    '/v1/agent/agents',
    {
      schema: {
        tags: ['agents'],
        summary: 'Create an agent or admin account (admins only)',
        description: `The password needs at least ${MIN_PASSWORD_LENGTH} characters (400 PARLEY_AGENT_PASSWORD_WEAK); an email in use is 409 PARLEY_AGENT_EMAIL_TAKEN.`,
        security,
        body: createAgentBodySchema,
        response: { 201: agentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const admin = await requireAdmin(request);
      const agent = await accounts.createAgent(request.body, { actor: admin, address: request.ip, via: 'api' });
      return reply.code(201).send({ ...agent, teams: [...agent.teams] });
    },
  );

  app.get(
    '/v1/agent/agents',
    {
      schema: {
        tags: ['agents'],
        summary: 'List the accounts, oldest first (admins only)',
        security,
        response: { 200: z.object({ agents: z.array(agentSchema) }), ...errors },
      },
    },
    async (request) => {
      await requireAdmin(request);
      const agents = await runtime.store.agents.list();
      return { agents: agents.map((agent) => ({ ...agent, teams: [...agent.teams] })) };
    },
  );

  app.patch(
    '/v1/agent/agents/:id',
    {
      schema: {
        tags: ['agents'],
        summary: 'Change an account: name, role, teams, capacity, or disable it (admins only)',
        security,
        params: agentIdParamsSchema,
        body: updateAgentBodySchema,
        response: { 200: agentSchema, ...errors },
      },
    },
    async (request) => {
      const admin = await requireAdmin(request);
      if (Object.values(request.body).every((value) => value === undefined)) {
        throw new ParleyError('PARLEY_API_VALIDATION', 'Give at least one of name, role, teams, capacity or disabled.');
      }
      const agent = await accounts.updateAgent(request.params.id, request.body, { actor: admin, address: request.ip, via: 'api' });
      return { ...agent, teams: [...agent.teams] };
    },
  );
};

// Not encapsulated (what fastify-plugin does): the decoration is the server's, seen by every route.
(agentAuthRoutes as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(agentAuthRoutes as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = 'parley-agent-auth';

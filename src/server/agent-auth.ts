import type { FastifyRequest } from 'fastify';
import { ParleyError, type AgentRecord } from '../core/index.js';
import type { AgentAccounts } from '../handoff/accounts/index.js';

/**
 * Authorization for the agent console's routes: a signed-in agent's session token as
 * `Authorization: Bearer as_…`. The accounts are put on the server by the agent-auth routes
 * (`src/server/routes/agent-auth.ts`), so any route can call these helpers.
 */

declare module 'fastify' {
  interface FastifyInstance {
    /** The agent console's accounts and sessions. */
    agentAccounts: AgentAccounts;
  }
}

/** One check per request: a route that asks twice neither reads the store nor slides the session again. */
const signedIn = new WeakMap<FastifyRequest, AgentRecord>();

/** The bearer token of the request; PARLEY_AUTH_TOKEN_MISSING when there is none. */
export function agentSessionToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw new ParleyError('PARLEY_AUTH_TOKEN_MISSING', 'Sign in first and send the session token as "Authorization: Bearer as_…".');
  return match[1]!;
}

function accountsOf(request: FastifyRequest): AgentAccounts {
  const accounts = (request.server as Partial<Pick<typeof request.server, 'agentAccounts'>>).agentAccounts;
  if (!accounts) throw new ParleyError('PARLEY_INTERNAL', 'The agent accounts are not set up on this server (register the agent-auth routes).');
  return accounts;
}

/** The signed-in agent (or admin); 401 without a live session, 403 for a disabled account. */
export async function requireAgent(request: FastifyRequest): Promise<AgentRecord> {
  const known = signedIn.get(request);
  if (known) return known;
  const agent = await accountsOf(request).authenticate(agentSessionToken(request));
  signedIn.set(request, agent);
  return agent;
}

/** The signed-in admin; PARLEY_AUTH_FORBIDDEN (403) for an agent who is not one. */
export async function requireAdmin(request: FastifyRequest): Promise<AgentRecord> {
  const agent = await requireAgent(request);
  if (agent.role !== 'admin') throw new ParleyError('PARLEY_AUTH_FORBIDDEN', 'Only an admin may do this.');
  return agent;
}

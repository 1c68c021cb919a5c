// For its route option `websocket: true` and handler types.
import type {} from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { isParleyError, type AgentRecord } from '../../core/index.js';
import type { Runtime } from '../../engine/index.js';

/**
 * The agent console's live connection (`GET /v1/agent/socket`): it says when to look again, the
 * REST API says what is there. The first frame proves the agent (`{type: "hello", token}`); then
 * `{type: "queue"}` arrives whenever a handoff changed anywhere, and `{type: "changed",
 * conversationId}` whenever a watched conversation's log grew (a customer wrote, a colleague
 * replied). Authorization stays where it is: the REST calls that follow check the agent's teams.
 */

const frameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), token: z.string().min(1).max(200) }),
  z.object({ type: z.literal('watch'), conversationId: z.string().min(1).max(200) }),
  z.object({ type: z.literal('unwatch'), conversationId: z.string().min(1).max(200) }),
  z.object({ type: z.literal('ping') }),
]);

const HANDOFF_EVENTS = new Set(['handoff-requested', 'agent-assigned', 'handoff-released', 'handoff-transferred', 'handoff-resolved', 'sla-breached']);

interface AgentClient {
  readonly socket: WebSocket;
  agent: AgentRecord | null;
  readonly watching: Set<string>;
}

export const agentSocketRoutes: FastifyPluginAsync<{ runtime: Runtime }> = async (app, { runtime }) => {
  const clients = new Set<AgentClient>();
  const send = (client: AgentClient, frame: object) => {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(frame));
  };

  // The commit says which events it added: a handoff event changes the queue every agent sees.
  const unsubscribe = runtime.onCommitted((conversationId, _lastSeq, types) => {
    const queueChanged = types.some((type) => HANDOFF_EVENTS.has(type));
    for (const client of clients) {
      if (client.agent === null) continue;
      if (client.watching.has(conversationId)) send(client, { type: 'changed', conversationId });
      if (queueChanged) send(client, { type: 'queue' });
    }
  });
  app.addHook('onClose', async () => unsubscribe());

  app.get('/v1/agent/socket', { websocket: true, schema: { hide: true } }, (socket, request) => {
    const client: AgentClient = { socket, agent: null, watching: new Set() };
    clients.add(client);
    socket.on('close', () => clients.delete(client));
    socket.on('message', (data: Buffer) => {
      void (async () => {
        const parsed = frameSchema.safeParse((() => {
          try {
            return JSON.parse(data.toString('utf8')) as unknown;
          } catch {
            return null;
          }
        })());
        if (!parsed.success) return send(client, { type: 'error', code: 'PARLEY_API_VALIDATION', message: 'not a frame this socket knows' });
        const frame = parsed.data;
        if (frame.type === 'ping') return send(client, { type: 'pong' });
        if (frame.type === 'hello') {
          try {
            client.agent = await request.server.agentAccounts.authenticate(frame.token);
            send(client, { type: 'ready', agent: client.agent });
          } catch (error) {
            send(client, { type: 'error', code: isParleyError(error) ? error.code : 'PARLEY_AUTH_TOKEN_INVALID', message: 'sign in again' });
            socket.close(4401, 'invalid session');
          }
          return;
        }
        if (client.agent === null) return send(client, { type: 'error', code: 'PARLEY_AUTH_TOKEN_MISSING', message: 'say hello with your session token first' });
        if (frame.type === 'watch') client.watching.add(frame.conversationId);
        else client.watching.delete(frame.conversationId);
      })();
    });
  });
};

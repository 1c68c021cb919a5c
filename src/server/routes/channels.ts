import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isParleyError, type ChannelAdapter, type ChannelAnswer, type ChannelInbound, type ChannelRequest } from '../../core/index.js';
import type { Runtime } from '../../engine/index.js';

/**
 * The webhooks of the messaging channels that are on. Each request goes to its channel's adapter
 * as raw bytes (signatures are computed over them); what the adapter verified is recorded in the
 * inbox, deduplicated on the platform's message id, and the platform is answered as soon as that
 * is durable. The turn runs after the answer, and its replies leave through the outbox.
 *
 * A refused request (401/403) writes nothing. A payload that verifies but cannot be read gets a
 * 400 and a log line naming the channel and the reason, never the payload: a 5xx would make the
 * platform send it again for days.
 */
export const channelRoutes: FastifyPluginAsync<{ runtime: Runtime }> = async (app, { runtime }) => {
  for (const channel of runtime.channels) await app.register(channelWebhook(channel, runtime));
};

function channelWebhook(channel: ChannelAdapter, runtime: Runtime): FastifyPluginAsync {
  return async (scope: FastifyInstance) => {
    // This scope reads bodies as bytes, whatever their type: JSON (Slack, Telegram, Meta) or forms (Twilio, Slack buttons).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: channel.maxBodyBytes }, (_request, body, done) => done(null, body));
    for (const method of channel.methods) {
      scope.route({
        method,
        url: channel.path,
        bodyLimit: channel.maxBodyBytes,
        schema: { tags: ['channels'], summary: `${channel.name} webhook (${method})`, description: `Called by ${channel.name}; verified with the platform's own scheme.` },
        handler: (request, reply) => handle(channel, runtime, request, reply),
      });
    }
  };
}

async function handle(channel: ChannelAdapter, runtime: Runtime, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  let inbound: ChannelInbound;
  try {
    inbound = await channel.handle(channelRequest(request));
  } catch (error) {
    // A defect in the adapter, not the platform's fault: a 5xx would bring the same payload back for days.
    request.log.error({ err: error, channel: channel.name }, 'channel adapter failed on a webhook');
    return reply.code(400).send({ error: { code: 'PARLEY_CHANNEL_PAYLOAD_INVALID', message: 'The payload could not be handled.' } });
  }
  if (inbound.kind === 'rejected') {
    request.log.warn({ channel: channel.name, status: inbound.status, code: inbound.code }, 'channel webhook refused');
    return reply.code(inbound.status).send({ error: { code: inbound.code, message: inbound.message } });
  }
  if (inbound.kind === 'answer') return answer(reply, inbound.answer);
  let duplicates = 0;
  for (const message of inbound.messages) {
    try {
      const accepted = await runtime.engine.acceptFromChannel({ channel: channel.name, ...message });
      if (accepted.duplicate) duplicates += 1;
    } catch (error) {
      // The store is away: not answering 2xx makes the platform deliver again later, which the inbox dedupes.
      if (isParleyError(error) && error.retryable) throw error;
      request.log.error({ err: error, channel: channel.name }, 'could not record a channel message; it is dropped');
    }
  }
  if (duplicates > 0) request.log.info({ channel: channel.name, duplicates }, 'ignored redelivered channel messages');
  return answer(reply, inbound.answer ?? { status: 200 });
}

function answer(reply: FastifyReply, value: ChannelAnswer): FastifyReply {
  reply.code(value.status);
  if (value.contentType) reply.type(value.contentType);
  return reply.send(value.body ?? '');
}

function channelRequest(request: FastifyRequest): ChannelRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') query[name] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') query[name] = value[0];
  }
  return {
    method: request.method === 'GET' ? 'GET' : 'POST',
    // As the platform called it: behind a proxy (PARLEY_TRUST_PROXY) from X-Forwarded-Proto and -Host.
    url: `${request.protocol}://${request.host}${request.url}`,
    query,
    headers,
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
  };
}

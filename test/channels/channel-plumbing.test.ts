import { afterEach, describe, expect, it } from 'vitest';
import { ChannelSendError, type ChannelAdapter, type ChannelDelivery, type ChannelInbound } from '../../src/core/index.js';
import { startChannelServer, type ChannelServer } from './channel-harness.js';

/**
 * What every channel gets from Parley, whatever its platform, shown with a minimal adapter:
 * verify → record once per platform message id → answer at once → reply through the outbox.
 */

interface TestChannel extends ChannelAdapter {
  readonly sent: ChannelDelivery[];
  failNext: Error | null;
}

function testChannel(options: { numberedChoices?: boolean } = {}): TestChannel {
  const channel: TestChannel = {
    name: 'testchat',
    path: '/v1/channels/testchat/webhook',
    methods: ['GET', 'POST'],
    maxBodyBytes: 4096,
    numberedChoices: options.numberedChoices ?? false,
    sent: [],
    failNext: null,
    handle(request): ChannelInbound {
      if (request.headers['x-test-crash'] === 'yes') throw new TypeError('a bug in the adapter');
      if (request.method === 'GET') return { kind: 'answer', answer: { status: 200, contentType: 'text/plain', body: request.query.challenge ?? '' } };
      if (request.headers['x-test-signature'] !== 'good') return { kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_SIGNATURE_INVALID', message: 'bad signature' };
      let body: { id?: unknown; from?: unknown; text?: unknown };
      try {
        body = JSON.parse(request.rawBody.toString('utf8')) as typeof body;
      } catch {
        return { kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID', message: 'not JSON' };
      }
      if (typeof body.id !== 'string' || typeof body.from !== 'string' || typeof body.text !== 'string') {
        return { kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID', message: 'missing fields' };
      }
      return { kind: 'messages', messages: [{ messageId: body.id, address: `chat-${body.from}`, userId: body.from, text: body.text }] };
    },
    async send(delivery) {
      if (channel.failNext) {
        const failure = channel.failNext;
        channel.failNext = null;
        throw failure;
      }
      channel.sent.push(delivery);
    },
  };
  return channel;
}

let server: ChannelServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const message = (id: string, from: string, text: string) => ({
  headers: { 'content-type': 'application/json', 'x-test-signature': 'good' },
  rawBody: JSON.stringify({ id, from, text }),
});

describe('channel webhooks', () => {
  it('answers the platform at once, then replies through the outbox to the conversation address', async () => {
    const channel = testChannel();
    server = await startChannelServer({ channels: [channel] });
    const answer = await server.request('POST', channel.path, message('m1', 'ann', 'hello'));
    expect(answer.status).toBe(200);
    expect(await server.deliver()).toBeGreaterThan(0);
    expect(channel.sent).toHaveLength(1);
    expect(channel.sent[0]).toMatchObject({ address: 'chat-ann', message: { type: 'text' } });
    expect(channel.sent[0]!.message.text.length).toBeGreaterThan(0);
    const conversation = await server.runtime.store.conversations.findByAddress('testchat', 'chat-ann');
    expect(conversation).toMatchObject({ channel: 'testchat', userId: 'ann', address: 'chat-ann' });
  });

  it('records a message delivered five times once, and replies once', async () => {
    const channel = testChannel();
    server = await startChannelServer({ channels: [channel] });
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => server!.request('POST', channel.path, message('m-dup', 'bob', 'where is my order 20481'))));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    await server.deliver();
    expect(await server.recorded()).toEqual({ conversations: 1, userMessages: 1 });
    expect(channel.sent).toHaveLength(1);
    expect(channel.sent[0]!.message.text).toContain('20481');
  });

  it('keeps one conversation per address across messages', async () => {
    const channel = testChannel();
    server = await startChannelServer({ channels: [channel] });
    await server.request('POST', channel.path, message('a1', 'cy', 'where is my order'));
    await server.settle();
    await server.request('POST', channel.path, message('a2', 'cy', '20481'));
    await server.deliver();
    expect(await server.recorded()).toEqual({ conversations: 1, userMessages: 2 });
    expect(channel.sent.map((delivery) => delivery.message.text).join('\n')).toMatch(/order number[\s\S]*20481/);
  });

  it('writes nothing for a forged request, and answers 400 for a verified one it cannot read', async () => {
    const channel = testChannel();
    server = await startChannelServer({ channels: [channel] });
    const forged = await server.request('POST', channel.path, { headers: { 'content-type': 'application/json', 'x-test-signature': 'bad' }, rawBody: '{"id":"x","from":"eve","text":"hi"}' });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body)).toEqual({ error: { code: 'PARLEY_CHANNEL_SIGNATURE_INVALID', message: 'bad signature' } });
    const garbage = await server.request('POST', channel.path, { headers: { 'content-type': 'application/json', 'x-test-signature': 'good' }, rawBody: '{not json' });
    expect(garbage.status).toBe(400);
    const tooBig = await server.request('POST', channel.path, { headers: { 'content-type': 'application/json', 'x-test-signature': 'good' }, rawBody: 'x'.repeat(5000) });
    expect(tooBig.status).toBe(413);
    const crashed = await server.request('POST', channel.path, { headers: { 'content-type': 'application/json', 'x-test-signature': 'good', 'x-test-crash': 'yes' }, rawBody: '{}' });
    expect(crashed.status).toBe(400);
    expect(await server.recorded()).toEqual({ conversations: 0, userMessages: 0 });
  });

  it('passes a handshake answer through as the adapter wrote it', async () => {
    const channel = testChannel();
    server = await startChannelServer({ channels: [channel] });
    const answer = await server.request('GET', `${channel.path}?challenge=abc123`);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('abc123');
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('takes "1" as the first button offered on a channel of numbered choices', async () => {
    const channel = testChannel({ numberedChoices: true });
    server = await startChannelServer({ channels: [channel] });
    await server.request('POST', channel.path, message('n1', 'dee', 'help'));
    await server.deliver();
    expect(channel.sent[0]!.message.buttons?.[0]).toEqual({ title: 'Track my order', payload: '/order_status' });
    await server.request('POST', channel.path, message('n2', 'dee', '1'));
    await server.deliver();
    expect(channel.sent[1]!.message.text).toMatch(/order number/);
  });

  it('gives up on a reply the platform refuses for good, and retries one it could not take now', async () => {
    const channel = testChannel();
    server = await startChannelServer({ channels: [channel] });
    channel.failNext = new ChannelSendError('chat not found', true);
    await server.request('POST', channel.path, message('f1', 'eli', 'hello'));
    await server.deliver();
    expect(channel.sent).toHaveLength(0);
    expect(await server.runtime.store.outbox.countByStatus()).toMatchObject({ failed: 1, delivered: 0 });
    channel.failNext = new ChannelSendError('rate limited', false, 1);
    await server.request('POST', channel.path, message('f2', 'eli', 'hello again'));
    await server.deliver();
    // Backed off: pending until its time comes, then sent by a later pass.
    expect(await server.runtime.store.outbox.countByStatus()).toMatchObject({ failed: 1, pending: 1 });
  });
});

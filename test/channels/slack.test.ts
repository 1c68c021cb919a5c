import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelSendError, type ChannelAdapter, type ChannelInbound, type ChannelRequest, type OutgoingMessage } from '../../src/core/index.js';
import { slackChannel } from '../../src/channels/slack/index.js';
import {
  FAKE_SLACK_BOT_USER,
  FAKE_SLACK_SECRET,
  FAKE_SLACK_TOKEN,
  signedSlackInteraction,
  signedSlackRequest,
  slackBlockActions,
  slackEventEnvelope,
  slackMessageEvent,
  startFakeSlack,
  type FakeSlack,
  type SignedSlackRequest,
} from './fakes/slack-platform.js';

/**
 * The Slack adapter on its own: inbound requests signed exactly as Slack signs them, outbound
 * replies posted to a fake Slack Web API on a real local port. Time is fixed through `now`.
 */

const NOW_MS = 1_700_000_000_000;
const NOW_S = NOW_MS / 1000;

let slack: FakeSlack;
let adapter: ChannelAdapter;

beforeEach(async () => {
  slack = await startFakeSlack();
  adapter = makeAdapter(slack.apiUrl);
});
afterEach(async () => {
  await slack.close();
});

function makeAdapter(apiUrl: string, fetchImpl?: typeof fetch): ChannelAdapter {
  const setup = slackChannel(
    { PARLEY_SLACK_SIGNING_SECRET: FAKE_SLACK_SECRET, PARLEY_SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN, PARLEY_SLACK_API_URL: `${apiUrl}/` },
    { now: () => NOW_MS, ...(fetchImpl ? { fetch: fetchImpl } : {}) },
  );
  if ('off' in setup) throw new Error('the Slack channel should be on');
  return setup;
}

function toRequest(signed: SignedSlackRequest, headers: Record<string, string | undefined> = signed.headers): ChannelRequest {
  return { method: 'POST', url: 'https://parley.example/v1/channels/slack/events', query: {}, headers, rawBody: signed.rawBody };
}

async function handle(signed: SignedSlackRequest): Promise<ChannelInbound> {
  return adapter.handle(toRequest(signed));
}

function signedEvent(event: Record<string, unknown>, eventId?: string, timestamp = NOW_S): SignedSlackRequest {
  return signedSlackRequest(slackEventEnvelope(event, eventId), { secret: FAKE_SLACK_SECRET, timestamp });
}

function messagesOf(inbound: ChannelInbound) {
  if (inbound.kind !== 'messages') throw new Error(`expected messages, got ${JSON.stringify(inbound)}`);
  return inbound.messages;
}

async function sendError(promise: Promise<void>): Promise<ChannelSendError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ChannelSendError)) throw new Error(`expected a ChannelSendError, got ${String(error)}`);
  return error;
}

describe('the Slack channel setup', () => {
  it('is off and names the variables that are missing', () => {
    expect(slackChannel({})).toEqual({ off: true, name: 'slack', missing: ['PARLEY_SLACK_SIGNING_SECRET', 'PARLEY_SLACK_BOT_TOKEN'] });
    expect(slackChannel({ PARLEY_SLACK_SIGNING_SECRET: 's3cret' })).toEqual({ off: true, name: 'slack', missing: ['PARLEY_SLACK_BOT_TOKEN'] });
    expect(slackChannel({ PARLEY_SLACK_SIGNING_SECRET: '', PARLEY_SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual({ off: true, name: 'slack', missing: ['PARLEY_SLACK_SIGNING_SECRET'] });
  });

  it('describes its webhook', () => {
    expect(adapter).toMatchObject({ name: 'slack', path: '/v1/channels/slack/events', methods: ['POST'], maxBodyBytes: 1024 * 1024, numberedChoices: false });
  });

  it('refuses an API url that is not http(s)', () => {
    expect(() => slackChannel({ PARLEY_SLACK_SIGNING_SECRET: 's', PARLEY_SLACK_BOT_TOKEN: 't', PARLEY_SLACK_API_URL: 'ftp://slack' })).toThrow(/PARLEY_SLACK_API_URL/);
  });
});

describe('Slack inbound requests', () => {
  it('answers the url_verification challenge', async () => {
    const inbound = await handle(signedSlackRequest({ token: 'x', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' }, { secret: FAKE_SLACK_SECRET, timestamp: NOW_S }));
    expect(inbound).toEqual({ kind: 'answer', answer: { status: 200, contentType: 'text/plain; charset=utf-8', body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' } });
  });

  it('parses a message event into one message, with Slack escaping undone', async () => {
    const inbound = await handle(signedEvent(slackMessageEvent({ text: 'where is order 42 &amp; is it &lt;late&gt;?' }), 'Ev01'));
    expect(messagesOf(inbound)).toEqual([{ messageId: 'C0GENERAL:1700000000.000100', address: 'C0GENERAL', userId: 'U0ALICE', text: 'where is order 42 & is it <late>?' }]);
  });

  it('puts a message written in a thread in that thread', async () => {
    const inbound = await handle(signedEvent(slackMessageEvent({ text: 'and now?', ts: '1700000050.000300', thread_ts: '1700000000.000100' })));
    expect(messagesOf(inbound)).toEqual([{ messageId: 'C0GENERAL:1700000050.000300', address: 'C0GENERAL:1700000000.000100', userId: 'U0ALICE', text: 'and now?' }]);
  });

  it('takes direct messages (message.im) and app mentions, dropping the leading mention of the bot', async () => {
    const dm = await handle(signedEvent(slackMessageEvent({ text: 'hi', channel: 'D0ALICE', channel_type: 'im' })));
    expect(messagesOf(dm)).toEqual([{ messageId: 'D0ALICE:1700000000.000100', address: 'D0ALICE', userId: 'U0ALICE', text: 'hi' }]);

    const mention = await handle(signedEvent({ type: 'app_mention', user: 'U0ALICE', text: `<@${FAKE_SLACK_BOT_USER}> track my order`, ts: '1700000000.000100', channel: 'C0GENERAL', event_ts: '1700000000.000100' }, 'Ev02'));
    expect(messagesOf(mention)).toEqual([{ messageId: 'C0GENERAL:1700000000.000100', address: 'C0GENERAL', userId: 'U0ALICE', text: 'track my order' }]);

    // The same message as message.channels delivers it (another event_id): the same message id, so the inbox keeps one.
    const asMessage = await handle(signedEvent(slackMessageEvent({ text: `<@${FAKE_SLACK_BOT_USER}>: track my order` }), 'Ev03'));
    expect(messagesOf(asMessage)).toEqual(messagesOf(mention));

    // A mention of someone else is what the user said.
    const other = await handle(signedEvent(slackMessageEvent({ text: '<@U0BOB> can you help?' })));
    expect(messagesOf(other)[0]?.text).toBe('<@U0BOB> can you help?');
  });

  it('ignores bot messages (its own replies included), edits, deletions, joins and empty mentions', async () => {
    const ignored: Record<string, unknown>[] = [
      slackMessageEvent({ text: 'beep', bot_id: 'B0OTHER', subtype: 'bot_message', user: undefined }),
      slackMessageEvent({ text: 'your order ships today', bot_id: 'B0PARLEY', user: FAKE_SLACK_BOT_USER, app_id: 'A0PARLEY' }),
      // Another app posting with its bot token: a user id of its own, no subtype, but a bot_id.
      slackMessageEvent({ text: 'deploy finished', bot_id: 'B0CI', user: 'U0CIBOT', app_id: 'A0CI' }),
      slackMessageEvent({ text: 'my own reply', user: FAKE_SLACK_BOT_USER }),
      { type: 'message', subtype: 'message_changed', channel: 'C0GENERAL', hidden: true, ts: '1700000003.000001', message: { type: 'message', user: 'U0ALICE', text: 'edited' } },
      { type: 'message', subtype: 'message_deleted', channel: 'C0GENERAL', hidden: true, ts: '1700000003.000002', deleted_ts: '1700000000.000100' },
      slackMessageEvent({ text: '<@U0ALICE> has joined the channel', subtype: 'channel_join' }),
      { type: 'app_mention', user: 'U0ALICE', text: `<@${FAKE_SLACK_BOT_USER}>`, ts: '1700000004.000001', channel: 'C0GENERAL' },
      { type: 'reaction_added', user: 'U0ALICE', reaction: 'thumbsup', item: { type: 'message', channel: 'C0GENERAL', ts: '1700000000.000100' } },
    ];
    for (const event of ignored) {
      expect(await handle(signedEvent(event)), JSON.stringify(event)).toEqual({ kind: 'messages', messages: [] });
    }
    // A thread_broadcast is a person's message too.
    expect(messagesOf(await handle(signedEvent(slackMessageEvent({ text: 'also here', subtype: 'thread_broadcast', thread_ts: '1699999999.000001' }))))).toHaveLength(1);
  });

  it('turns a pressed button (block_actions) into its payload as the next message', async () => {
    const inbound = await handle(signedSlackInteraction(slackBlockActions({ value: '/track_order', actionTs: '1700000010.555555' }), { secret: FAKE_SLACK_SECRET, timestamp: NOW_S }));
    expect(messagesOf(inbound)).toEqual([{ messageId: 'action:1700000010.555555', address: 'C0GENERAL', userId: 'U0ALICE', text: '/track_order' }]);

    const inThread = await handle(signedSlackInteraction(slackBlockActions({ value: 'yes', threadTs: '1700000000.000100' }), { secret: FAKE_SLACK_SECRET, timestamp: NOW_S }));
    expect(messagesOf(inThread)).toEqual([{ messageId: 'action:1700000002.123456', address: 'C0GENERAL:1700000000.000100', userId: 'U0ALICE', text: 'yes' }]);

    // Other interactions (a modal submitted, a shortcut) record nothing.
    const modal = await handle(signedSlackInteraction({ type: 'view_submission', user: { id: 'U0ALICE' }, view: {} }, { secret: FAKE_SLACK_SECRET, timestamp: NOW_S }));
    expect(modal).toEqual({ kind: 'messages', messages: [] });
  });

  describe('verification', () => {
    const event = slackEventEnvelope(slackMessageEvent({ text: 'hello' }));

    it('refuses a forged signature, a wrong secret and a body changed after signing with 401', async () => {
      const signed = signedSlackRequest(event, { secret: FAKE_SLACK_SECRET, timestamp: NOW_S });
      const forged = { ...signed.headers, 'x-slack-signature': `v0=${'0'.repeat(64)}` };
      const wrongSecret = signedSlackRequest(event, { secret: 'not-the-secret', timestamp: NOW_S });
      const tampered: SignedSlackRequest = { headers: signed.headers, rawBody: Buffer.from(signed.rawBody.toString('utf8').replace('hello', 'hellO')) };
      const truncated = { ...signed.headers, 'x-slack-signature': signed.headers['x-slack-signature']!.slice(0, -1) };
      for (const request of [toRequest(signed, forged), toRequest(wrongSecret), toRequest(tampered), toRequest(signed, truncated)]) {
        expect(await adapter.handle(request)).toMatchObject({ kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_SIGNATURE_INVALID' });
      }
      // The genuine one passes, so the refusals above are about the signature.
      expect(messagesOf(await adapter.handle(toRequest(signed)))).toHaveLength(1);
    });

    it('refuses a timestamp 6 minutes old or 6 minutes ahead, even correctly signed', async () => {
      for (const timestamp of [NOW_S - 360, NOW_S + 360]) {
        const signed = signedSlackRequest(event, { secret: FAKE_SLACK_SECRET, timestamp });
        expect(await handle(signed)).toMatchObject({ kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_TIMESTAMP_STALE' });
      }
      for (const timestamp of [NOW_S - 290, NOW_S + 290]) {
        expect(messagesOf(await handle(signedSlackRequest(event, { secret: FAKE_SLACK_SECRET, timestamp })))).toHaveLength(1);
      }
    });

    it('refuses a request without the signature or timestamp header, or with a timestamp that is not a number', async () => {
      const signed = signedSlackRequest(event, { secret: FAKE_SLACK_SECRET, timestamp: NOW_S });
      const without = (name: string) => Object.fromEntries(Object.entries(signed.headers).filter(([key]) => key !== name));
      for (const headers of [without('x-slack-signature'), without('x-slack-request-timestamp'), { 'content-type': 'application/json' }, { ...signed.headers, 'x-slack-request-timestamp': `${NOW_S}.5` }]) {
        expect(await adapter.handle(toRequest(signed, headers))).toMatchObject({ kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_SIGNATURE_INVALID' });
      }
    });

    it('does not parse an unverified body: forged garbage is 401, verified garbage is 400', async () => {
      const garbage = signedSlackRequest('{"type": "event_callback", "event": ', { secret: FAKE_SLACK_SECRET, timestamp: NOW_S });
      expect(await adapter.handle(toRequest(garbage, { ...garbage.headers, 'x-slack-signature': `v0=${'a'.repeat(64)}` }))).toMatchObject({ kind: 'rejected', status: 401 });
      expect(await handle(garbage)).toMatchObject({ kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID' });
      for (const body of ['[1,2]', '{"no":"type"}', '{"type":"event_callback","event":{"type":"message"}}', JSON.stringify(slackEventEnvelope({ type: 'message', text: 'no channel' }))]) {
        expect(await handle(signedSlackRequest(body, { secret: FAKE_SLACK_SECRET, timestamp: NOW_S })), body).toMatchObject({ kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID' });
      }
      expect(await handle(signedSlackInteraction('not json', { secret: FAKE_SLACK_SECRET, timestamp: NOW_S }))).toMatchObject({ kind: 'rejected', status: 400 });
    });

    it('treats a redelivery (X-Slack-Retry-Num) like the first delivery: same message id, for the inbox to drop', async () => {
      const first = messagesOf(await handle(signedSlackRequest(event, { secret: FAKE_SLACK_SECRET, timestamp: NOW_S })));
      const retry = messagesOf(await handle(signedSlackRequest(event, { secret: FAKE_SLACK_SECRET, timestamp: NOW_S + 60, retryNum: 2, retryReason: 'http_timeout' })));
      expect(retry).toEqual(first);
    });
  });
});

describe('Slack replies (chat.postMessage)', () => {
  const message: OutgoingMessage = {
    type: 'text',
    text: 'Order #42 ships <today> & arrives Friday.',
    buttons: [
      { title: 'Track my order', payload: '/track_order' },
      { title: 'A very long button title that certainly goes past the seventy-five characters Slack', payload: '/long' },
    ],
    elements: [
      { kind: 'link', url: 'https://parleyshop.example/track?order=42&x=1', title: 'Tracking page', fallback: 'Tracking: https://parleyshop.example/track?order=42' },
      { kind: 'image', url: 'https://parleyshop.example/parcel.png', alt: 'A parcel on a doorstep', fallback: 'A parcel on a doorstep' },
      { kind: 'card', title: 'Blue mug', subtitle: '12 EUR', image_url: 'https://parleyshop.example/mug.png', buttons: [{ title: 'Buy', payload: '/buy{"sku":"mug"}' }], fallback: 'Blue mug, 12 EUR' },
      { kind: 'chart', chart: { type: 'bar', title: 'Orders', labels: ['Jan', 'Feb'], series: [{ name: 'Orders', values: [3, 5] }] }, fallback: 'auto' },
    ],
  };

  it('posts the text, elements and buttons as Block Kit with the bot token, and a plain-text fallback', async () => {
    await adapter.send({ id: 'out-1', address: 'C0GENERAL', message });
    expect(slack.posted).toHaveLength(1);
    const call = slack.calls[0]!;
    expect(call.headers.authorization).toBe(`Bearer ${FAKE_SLACK_TOKEN}`);
    expect(call.path).toBe('/api/chat.postMessage');
    const posted = slack.posted[0]!;
    expect(posted.channel).toBe('C0GENERAL');
    expect(posted.thread_ts).toBeUndefined();
    expect(posted.text).toBe(
      'Order #42 ships &lt;today&gt; &amp; arrives Friday.\n\nTracking: https://parleyshop.example/track?order=42\n\nA parcel on a doorstep\n\nBlue mug, 12 EUR\n\nOrders\nJan: 3\nFeb: 5\n\n1. Track my order\n2. A very long button title that certainly goes past the seventy-five characters Slack',
    );
    expect(posted.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Order #42 ships &lt;today&gt; &amp; arrives Friday.' } },
      { type: 'section', text: { type: 'mrkdwn', text: '<https://parleyshop.example/track?order=42&amp;x=1|Tracking page>' } },
      { type: 'image', image_url: 'https://parleyshop.example/parcel.png', alt_text: 'A parcel on a doorstep' },
      { type: 'section', text: { type: 'mrkdwn', text: '*Blue mug*\n12 EUR' }, accessory: { type: 'image', image_url: 'https://parleyshop.example/mug.png', alt_text: 'Blue mug' } },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Buy', emoji: true }, value: '/buy{"sku":"mug"}', action_id: 'parley:card:2:0' }] },
      { type: 'section', text: { type: 'mrkdwn', text: '```Orders\nJan: 3\nFeb: 5```' } },
      {
        type: 'actions',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Track my order', emoji: true }, value: '/track_order', action_id: 'parley:button:0' },
          { type: 'button', text: { type: 'plain_text', text: `${'A very long button title that certainly goes past the seventy-five characters Slack'.slice(0, 74)}…`, emoji: true }, value: '/long', action_id: 'parley:button:1' },
        ],
      },
    ]);
  });

  it('replies in the thread the address names', async () => {
    await adapter.send({ id: 'out-2', address: 'C0GENERAL:1700000000.000100', message: { type: 'text', text: 'In the thread.' } });
    expect(slack.posted[0]).toMatchObject({ channel: 'C0GENERAL', thread_ts: '1700000000.000100', text: 'In the thread.' });
  });

  it('shows elements as their fallbacks when the rich rendering would pass 50 blocks', async () => {
    const card = (n: number) => ({ kind: 'card' as const, title: `Item ${n}`, buttons: [{ title: 'Buy', payload: `/buy ${n}` }], fallback: `Item ${n}` });
    const carousel = { kind: 'carousel' as const, cards: Array.from({ length: 10 }, (_, n) => card(n)), fallback: 'Ten items' };
    await adapter.send({ id: 'out-3', address: 'C0GENERAL', message: { type: 'text', text: 'Lots', elements: Array.from({ length: 10 }, () => carousel), buttons: [{ title: 'More', payload: '/more' }] } });
    const blocks = slack.posted[0]!.blocks!;
    expect(blocks).toHaveLength(12);
    expect(blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'Ten items' } });
    expect(blocks[11]).toMatchObject({ type: 'actions' });
  });

  it('splits a long text into sections Slack accepts', async () => {
    const text = `${'word '.repeat(1000)}& ${'<tag> '.repeat(500)}`;
    await adapter.send({ id: 'out-4', address: 'C0GENERAL', message: { type: 'text', text } });
    const blocks = slack.posted[0]!.blocks! as { text: { text: string } }[];
    expect(blocks.length).toBeGreaterThan(2);
    for (const block of blocks) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    const joined = blocks.map((block) => block.text.text).join(' ').replace(/\s+/g, ' ');
    expect(joined).toBe(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').trim().replace(/\s+/g, ' '));
  });

  it('turns HTTP 429 into a retry after the seconds Slack asks for', async () => {
    slack.script({ status: 429, retryAfter: '7' });
    const error = await sendError(adapter.send({ id: 'out-5', address: 'C0GENERAL', message: { type: 'text', text: 'hi' } }));
    expect(error).toMatchObject({ permanent: false, retryAfterMs: 7000 });
    expect(slack.posted).toHaveLength(0);
  });

  it('gives up at once on channel_not_found, invalid_auth and the like', async () => {
    for (const code of ['channel_not_found', 'not_in_channel', 'is_archived', 'msg_too_long', 'account_inactive']) {
      slack.script({ error: code });
      const error = await sendError(adapter.send({ id: 'out-6', address: 'C0GONE', message: { type: 'text', text: 'hi' } }));
      expect(error.permanent, code).toBe(true);
      expect(error.message).toContain(code);
    }
    // The fake checks the token like Slack: a wrong one is invalid_auth, and the error never shows a token.
    const wrongToken = slackChannel({ PARLEY_SLACK_SIGNING_SECRET: FAKE_SLACK_SECRET, PARLEY_SLACK_BOT_TOKEN: 'xoxb-wrong', PARLEY_SLACK_API_URL: slack.apiUrl }, { now: () => NOW_MS });
    if ('off' in wrongToken) throw new Error('on');
    const error = await sendError(wrongToken.send({ id: 'out-7', address: 'C0GENERAL', message: { type: 'text', text: 'hi' } }));
    expect(error).toMatchObject({ permanent: true, message: expect.stringContaining('invalid_auth') as unknown });
    expect(error.message).not.toContain('xoxb');
  });

  it('retries on ok:false ratelimited, HTTP 500, 503 and an unreachable Slack', async () => {
    slack.script({ error: 'ratelimited' }, { status: 500 }, { status: 503 });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const error = await sendError(adapter.send({ id: 'out-8', address: 'C0GENERAL', message: { type: 'text', text: 'hi' } }));
      expect(error.permanent).toBe(false);
    }
    await adapter.send({ id: 'out-8', address: 'C0GENERAL', message: { type: 'text', text: 'hi' } });
    expect(slack.posted).toHaveLength(1);

    const apiUrl = slack.apiUrl;
    await slack.close();
    const unreachable = makeAdapter(apiUrl);
    expect((await sendError(unreachable.send({ id: 'out-9', address: 'C0GENERAL', message: { type: 'text', text: 'hi' } }))).permanent).toBe(false);
    slack = await startFakeSlack();
  });

  it('retries when Slack does not answer in time', async () => {
    const timingOut: typeof fetch = () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    const error = await sendError(makeAdapter(slack.apiUrl, timingOut).send({ id: 'out-10', address: 'C0GENERAL', message: { type: 'text', text: 'hi' } }));
    expect(error).toMatchObject({ permanent: false, message: 'slack chat.postMessage: no answer within 10000 ms' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackChannel, SLACK_EVENTS_PATH } from '../../src/channels/slack/index.js';
import { startChannelServer, type ChannelServer } from './channel-harness.js';
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
  type PostedSlackMessage,
  type SignOptions,
} from './fakes/slack-platform.js';

/**
 * Slack end to end: signed Events API requests go to a real Parley (demo bot, SQLite) over HTTP;
 * the delivery worker posts the replies to a fake Slack Web API.
 */

let slack: FakeSlack;
let server: ChannelServer;

beforeAll(async () => {
  slack = await startFakeSlack();
  const env = { PARLEY_SLACK_SIGNING_SECRET: FAKE_SLACK_SECRET, PARLEY_SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN, PARLEY_SLACK_API_URL: slack.apiUrl };
  server = await startChannelServer({ channels: [slackChannel(env)] });
});

afterAll(async () => {
  await server?.close();
  await slack?.close();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const signing = (extra: Partial<SignOptions> = {}): SignOptions => ({ secret: FAKE_SLACK_SECRET, timestamp: nowSeconds(), ...extra });

let sequence = 0;
/** A person's message in `channel` (optionally in a thread), as Slack delivers it; a fresh ts and event id each time. */
function messageEvent(channel: string, text: string, threadTs?: string) {
  sequence += 1;
  const ts = `1700000${String(sequence).padStart(3, '0')}.000100`;
  return slackEventEnvelope(slackMessageEvent({ channel, text, ts, event_ts: ts, ...(threadTs ? { thread_ts: threadTs } : {}) }), `Ev0INTEG${sequence}`);
}

async function post(signed: { headers: Record<string, string>; rawBody: Buffer }) {
  return server.request('POST', SLACK_EVENTS_PATH, signed);
}

function postedTo(channel: string): PostedSlackMessage[] {
  return slack.posted.filter((message) => message.channel === channel);
}

function buttonValues(message: PostedSlackMessage | undefined): string[] {
  const actions = (message?.blocks ?? []).filter((block) => block['type'] === 'actions');
  return actions.flatMap((block) => (block['elements'] as { value: string }[]).map((element) => element.value));
}

describe('slack channel, end to end', () => {
  it('answers the url_verification Slack sends when the Request URL is saved', async () => {
    const answer = await post(signedSlackRequest({ token: 'x', challenge: 'challenge-8f7e6d', type: 'url_verification' }, signing()));
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('challenge-8f7e6d');
  });

  it('answers a message with buttons, and a pressed button carries on the conversation', async () => {
    const channel = 'C0FULL';
    const first = await post(signedSlackRequest(messageEvent(channel, 'help'), signing()));
    expect(first.status).toBe(200);
    expect(first.body).toBe('');

    expect(await server.deliver()).toBe(1);
    const [help] = postedTo(channel);
    expect(help?.thread_ts).toBeUndefined();
    expect(slack.calls.at(-1)?.headers.authorization).toBe(`Bearer ${FAKE_SLACK_TOKEN}`);
    // Real buttons, not a numbered list in the blocks; the plain-text fallback lists them for notifications.
    const values = buttonValues(help);
    expect(values.length).toBeGreaterThanOrEqual(4);
    expect(help?.text).toContain('1. Track my order');

    const press = await post(signedSlackInteraction(slackBlockActions({ channel, value: values[0]!, actionTs: '1700000900.000001', messageTs: help!.ts }), signing()));
    expect(press.status).toBe(200);
    expect(await server.deliver()).toBe(1);
    expect(postedTo(channel)).toHaveLength(2);
    expect(postedTo(channel)[1]?.text).toMatch(/order number/i);
  });

  it('replies in the thread a message was written in', async () => {
    const channel = 'C0THREAD';
    expect((await post(signedSlackRequest(messageEvent(channel, 'help', '1699999000.000001'), signing()))).status).toBe(200);
    expect(await server.deliver()).toBe(1);
    expect(postedTo(channel)).toEqual([expect.objectContaining({ thread_ts: '1699999000.000001' })]);
  });

  it('replies once to an event Slack delivers five times (X-Slack-Retry-Num 1 to 4)', async () => {
    const channel = 'C0RETRY';
    const before = await server.recorded();
    const event = messageEvent(channel, 'help');
    const deliveries = [signedSlackRequest(event, signing()), ...[1, 2, 3, 4].map((retryNum) => signedSlackRequest(event, signing({ retryNum, retryReason: 'http_timeout' })))];
    const answers = await Promise.all(deliveries.map(post));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    await server.deliver();
    expect(postedTo(channel)).toHaveLength(1);
    const after = await server.recorded();
    expect(after.userMessages - before.userMessages).toBe(1);
    expect(after.conversations - before.conversations).toBe(1);

    // And once more later, after the reply went out.
    expect((await post(signedSlackRequest(event, signing({ retryNum: 3, retryReason: 'http_error' })))).status).toBe(200);
    await server.deliver();
    expect(postedTo(channel)).toHaveLength(1);
  });

  it('replies once to a mention that comes both as message.channels and as app_mention', async () => {
    const channel = 'C0MENTION';
    const ts = '1700005000.000100';
    const text = `<@${FAKE_SLACK_BOT_USER}> help`;
    const asMessage = slackEventEnvelope(slackMessageEvent({ channel, text, ts }), 'Ev0MENTIONMSG');
    const asMention = slackEventEnvelope({ type: 'app_mention', user: 'U0ALICE', text, ts, channel, event_ts: ts }, 'Ev0MENTIONAPP');
    expect((await post(signedSlackRequest(asMessage, signing()))).status).toBe(200);
    expect((await post(signedSlackRequest(asMention, signing()))).status).toBe(200);
    await server.deliver();
    expect(postedTo(channel)).toHaveLength(1);
  });

  it('ignores its own replies when Slack sends them back as message events', async () => {
    const channel = 'C0ECHO';
    const own = slackEventEnvelope(slackMessageEvent({ channel, text: 'How can I help?', user: FAKE_SLACK_BOT_USER, bot_id: 'B0PARLEY', ts: '1700006000.000100' }), 'Ev0ECHO');
    const before = await server.recorded();
    expect((await post(signedSlackRequest(own, signing()))).status).toBe(200);
    expect(await server.deliver()).toBe(0);
    expect(await server.recorded()).toEqual(before);
  });

  it('refuses a forged signature and a stale timestamp with 401 and writes nothing', async () => {
    const channel = 'C0FORGED';
    const before = await server.recorded();
    const event = messageEvent(channel, 'help');

    const forged = await post(signedSlackRequest(event, signing({ secret: 'not-the-signing-secret' })));
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body)).toMatchObject({ error: { code: 'PARLEY_CHANNEL_SIGNATURE_INVALID' } });

    for (const timestamp of [nowSeconds() - 360, nowSeconds() + 360]) {
      const stale = await post(signedSlackRequest(event, signing({ timestamp })));
      expect(stale.status).toBe(401);
      expect(JSON.parse(stale.body)).toMatchObject({ error: { code: 'PARLEY_CHANNEL_TIMESTAMP_STALE' } });
    }

    const signed = signedSlackRequest(event, signing());
    const { 'x-slack-signature': _dropped, ...unsigned } = signed.headers;
    expect((await server.request('POST', SLACK_EVENTS_PATH, { headers: unsigned, rawBody: signed.rawBody })).status).toBe(401);

    const garbage = await post(signedSlackRequest('{"type":', signing()));
    expect(garbage.status).toBe(400);

    expect(await server.deliver()).toBe(0);
    expect(await server.recorded()).toEqual(before);
    expect(postedTo(channel)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioChannel, TWILIO_WEBHOOK_PATH } from '../../src/channels/twilio/index.js';
import { startChannelServer, type ChannelServer } from './channel-harness.js';
import { incomingSmsParams, signedTwilioRequest, startFakeTwilio, type FakeTwilio } from './fakes/twilio-platform.js';

/**
 * Twilio end to end: the fake platform posts signed webhooks to a real Parley over HTTP, the
 * delivery worker sends the replies to the fake's REST API.
 */

const OUR_NUMBER = '+15017122661';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

let twilio: FakeTwilio;
let server: ChannelServer;
let webhookUrl: string;

beforeAll(async () => {
  twilio = await startFakeTwilio();
  const env = { PARLEY_TWILIO_ACCOUNT_SID: twilio.accountSid, PARLEY_TWILIO_AUTH_TOKEN: twilio.authToken, PARLEY_TWILIO_API_URL: twilio.url };
  server = await startChannelServer({ channels: [twilioChannel(env)] });
  webhookUrl = server.url + TWILIO_WEBHOOK_PATH;
});

afterAll(async () => {
  await server?.close();
  await twilio?.close();
});

async function textIn(from: string, body: string, messageSid?: string) {
  const signed = signedTwilioRequest(webhookUrl, incomingSmsParams({ from, to: OUR_NUMBER, body, accountSid: twilio.accountSid, ...(messageSid ? { messageSid } : {}) }), twilio.authToken);
  return server.request('POST', TWILIO_WEBHOOK_PATH, signed);
}

function repliesTo(user: string): string[] {
  return twilio.sent.filter((message) => message.to === user).map((message) => message.body);
}

describe('twilio channel, end to end', () => {
  it('answers an SMS with numbered choices, and "1" picks the first', async () => {
    const user = '+15550000001';
    const first = await textIn(user, 'help');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(first.body).toBe(EMPTY_TWIML);

    expect(await server.deliver()).toBe(1);
    const [help] = repliesTo(user);
    expect(help).toContain('1. Track my order\n2. Shipping info\n3. Returns & refunds\n4. Talk to a person');
    expect(twilio.sent.at(-1)).toMatchObject({ from: OUR_NUMBER, to: user });

    expect((await textIn(user, '1')).status).toBe(200);
    expect(await server.deliver()).toBe(1);
    expect(repliesTo(user)).toHaveLength(2);
    expect(repliesTo(user)[1]).toMatch(/order number/i);
  });

  it('replies once to a message Twilio delivers five times', async () => {
    const user = '+15550000002';
    const before = await server.recorded();
    const answers = await Promise.all(Array.from({ length: 5 }, () => textIn(user, 'help', 'SMduplicate000000000000000000000001')));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    await server.deliver();
    expect(repliesTo(user)).toHaveLength(1);
    const after = await server.recorded();
    expect(after.userMessages - before.userMessages).toBe(1);
    expect(after.conversations - before.conversations).toBe(1);

    // And once more later, after the reply went out.
    expect((await textIn(user, 'help', 'SMduplicate000000000000000000000001')).status).toBe(200);
    await server.deliver();
    expect(repliesTo(user)).toHaveLength(1);
  });

  it('refuses a forged signature with 401 and writes nothing', async () => {
    const user = '+15550000003';
    const before = await server.recorded();
    const signed = signedTwilioRequest(webhookUrl, incomingSmsParams({ from: user, to: OUR_NUMBER, body: 'help' }), 'not-the-auth-token');
    const answer = await server.request('POST', TWILIO_WEBHOOK_PATH, signed);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'PARLEY_CHANNEL_SIGNATURE_INVALID' } });

    const unsigned = signedTwilioRequest(webhookUrl, incomingSmsParams({ from: user, to: OUR_NUMBER, body: 'help' }), twilio.authToken);
    const { 'x-twilio-signature': _dropped, ...headers } = unsigned.headers;
    expect((await server.request('POST', TWILIO_WEBHOOK_PATH, { headers, rawBody: unsigned.rawBody })).status).toBe(401);

    expect(await server.deliver()).toBe(0);
    expect(await server.recorded()).toEqual(before);
    expect(repliesTo(user)).toEqual([]);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelSendError, ParleyError, type ChannelAdapter, type ChannelInbound, type ChannelSetup, type OutgoingMessage } from '../../src/core/index.js';
import {
  MAX_BODY_CHARS,
  MEDIA_ONLY_TEXT,
  splitBody,
  twilioBodyHash,
  twilioChannel,
  twilioSignature,
  verifyTwilioSignature,
} from '../../src/channels/twilio/index.js';
import { incomingSmsParams, signedTwilioRequest, startFakeTwilio, twilioChannelRequest, twilioDocumentedSignature, type FakeTwilio } from './fakes/twilio-platform.js';

const WEBHOOK = 'https://parley.example.com/v1/channels/twilio/webhook';
const OUR_NUMBER = '+15017122661';
const USER = '+15558675310';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function adapterOf(setup: ChannelSetup): ChannelAdapter {
  if ('off' in setup) throw new Error(`twilio is off: ${setup.missing.join(', ')}`);
  return setup;
}

function messagesOf(inbound: ChannelInbound) {
  if (inbound.kind !== 'messages') throw new Error(`expected messages, got ${JSON.stringify(inbound)}`);
  return inbound.messages;
}

let twilio: FakeTwilio;
let adapter: ChannelAdapter;

beforeAll(async () => {
  twilio = await startFakeTwilio();
});
afterAll(async () => {
  await twilio.close();
});
beforeEach(() => {
  twilio.sent.length = 0;
  adapter = adapterOf(
    twilioChannel({ PARLEY_TWILIO_ACCOUNT_SID: twilio.accountSid, PARLEY_TWILIO_AUTH_TOKEN: twilio.authToken, PARLEY_TWILIO_API_URL: `${twilio.url}/` }),
  );
});

async function handleSigned(params: Record<string, string> | [string, string][], options: { url?: string; signedUrl?: string; token?: string } = {}) {
  const url = options.url ?? WEBHOOK;
  const signed = signedTwilioRequest(options.signedUrl ?? url, params, options.token ?? twilio.authToken);
  return adapter.handle(twilioChannelRequest(url, signed));
}

describe("Twilio's signature", () => {
  // The worked example on Twilio's "Secure webhooks" page (twilio.com/docs/usage/webhooks/webhooks-security):
  // auth token 12345, this URL and these parameters give 0/KCTR6DLpKmkAf8muzZqo1nDgQ=. An earlier
  // revision of the same page used +14158675310 as the caller, giving GvWf1cFY/Q7PnoempGyD5oXAezc=.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const vectors = [
    { caller: '+12349013030', signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' },
    { caller: '+14158675310', signature: 'GvWf1cFY/Q7PnoempGyD5oXAezc=' },
  ];
  for (const vector of vectors) {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: vector.caller, Digits: '1234', From: vector.caller, To: '+18005551212' };
    it(`matches Twilio's documented example (caller ${vector.caller})`, () => {
      expect(twilioSignature('12345', url, Object.entries(params))).toBe(vector.signature);
      expect(twilioDocumentedSignature('12345', url, Object.entries(params))).toBe(vector.signature);
      expect(verifyTwilioSignature('12345', vector.signature, url, Object.entries(params).reverse())).toBe(true);
      expect(verifyTwilioSignature('12346', vector.signature, url, Object.entries(params))).toBe(false);
    });
  }

  it('accepts the URL with or without the default port, as Twilio signs either', () => {
    const params: [string, string][] = [['Body', 'hi']];
    const withPort = twilioSignature('secret', 'https://parley.example.com:443/hook', params);
    expect(verifyTwilioSignature('secret', withPort, 'https://parley.example.com/hook', params)).toBe(true);
    const withoutPort = twilioSignature('secret', 'https://parley.example.com/hook', params);
    expect(verifyTwilioSignature('secret', withoutPort, 'https://parley.example.com:443/hook', params)).toBe(true);
    expect(verifyTwilioSignature('secret', withoutPort, 'https://parley.example.com:8443/hook', params)).toBe(false);
  });
});

describe('twilio webhook', () => {
  it('turns a signed SMS into a message and answers with empty TwiML', async () => {
    const inbound = await handleSigned(incomingSmsParams({ from: USER, to: OUR_NUMBER, body: '  where is my order?  ', messageSid: 'SM0123456789abcdef0123456789abcdef' }));
    expect(inbound).toEqual({
      kind: 'messages',
      messages: [{ messageId: 'SM0123456789abcdef0123456789abcdef', address: `${OUR_NUMBER}>${USER}`, userId: USER, text: 'where is my order?' }],
      answer: { status: 200, contentType: 'text/xml', body: EMPTY_TWIML },
    });
  });

  it('reads a WhatsApp sender, keeping the whatsapp: prefix on both numbers', async () => {
    const messages = messagesOf(await handleSigned(incomingSmsParams({ from: 'whatsapp:+447700900123', to: 'whatsapp:+14155238886', body: 'hello', messageSid: 'SMwa1' })));
    expect(messages).toEqual([{ messageId: 'SMwa1', address: 'whatsapp:+14155238886>whatsapp:+447700900123', userId: 'whatsapp:+447700900123', text: 'hello' }]);
  });

  it('takes a tapped WhatsApp quick reply as its payload', async () => {
    const params = { ...incomingSmsParams({ from: 'whatsapp:+447700900123', to: 'whatsapp:+14155238886', body: 'Track my order' }), ButtonText: 'Track my order', ButtonPayload: '/order_status' };
    expect(messagesOf(await handleSigned(params))[0]?.text).toBe('/order_status');
  });

  it('refuses a forged signature with 401', async () => {
    const signed = signedTwilioRequest(WEBHOOK, incomingSmsParams({ from: USER, to: OUR_NUMBER, body: 'hi' }), twilio.authToken);
    const forged = { ...signed, headers: { ...signed.headers, 'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' } };
    expect(await adapter.handle(twilioChannelRequest(WEBHOOK, forged))).toMatchObject({ kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_SIGNATURE_INVALID' });
  });

  it('refuses a request without X-Twilio-Signature with 401', async () => {
    const signed = signedTwilioRequest(WEBHOOK, incomingSmsParams({ from: USER, to: OUR_NUMBER, body: 'hi' }), twilio.authToken);
    const { 'x-twilio-signature': _dropped, ...headers } = signed.headers;
    expect(await adapter.handle(twilioChannelRequest(WEBHOOK, { ...signed, headers }))).toMatchObject({ kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_SIGNATURE_INVALID' });
  });

  it('refuses a request signed with another auth token', async () => {
    expect(await handleSigned(incomingSmsParams({ from: USER, to: OUR_NUMBER, body: 'hi' }), { token: 'someone-elses-token' })).toMatchObject({ kind: 'rejected', status: 401 });
  });

  it('refuses a body changed after signing', async () => {
    const signed = signedTwilioRequest(WEBHOOK, incomingSmsParams({ from: USER, to: OUR_NUMBER, body: 'refund 10 EUR' }), twilio.authToken);
    const tampered = { ...signed, rawBody: Buffer.from(signed.rawBody.toString('utf8').replace('refund+10', 'refund+99'), 'utf8') };
    expect(tampered.rawBody.equals(signed.rawBody)).toBe(false);
    expect(await adapter.handle(twilioChannelRequest(WEBHOOK, tampered))).toMatchObject({ kind: 'rejected', status: 401 });
  });

  it('refuses a signature made for a different URL', async () => {
    const params = incomingSmsParams({ from: USER, to: OUR_NUMBER, body: 'hi' });
    // Behind a proxy without PARLEY_TRUST_PROXY the server sees its own address, not the public one.
    expect(await handleSigned(params, { url: 'http://10.0.0.5:8080/v1/channels/twilio/webhook', signedUrl: WEBHOOK })).toMatchObject({ kind: 'rejected', status: 401 });
    expect(await handleSigned(params, { url: `${WEBHOOK}?tenant=b`, signedUrl: `${WEBHOOK}?tenant=a` })).toMatchObject({ kind: 'rejected', status: 401 });
    expect(messagesOf(await handleSigned(params, { url: `${WEBHOOK}?tenant=a`, signedUrl: `${WEBHOOK}?tenant=a` }))).toHaveLength(1);
  });

  it('does not care in which order the parameters arrive', async () => {
    const params = Object.entries(incomingSmsParams({ from: USER, to: OUR_NUMBER, body: 'order 10234', messageSid: 'SMorder' }));
    const signed = signedTwilioRequest(WEBHOOK, params, twilio.authToken);
    const reordered = signedTwilioRequest(WEBHOOK, [...params].reverse(), twilio.authToken);
    expect(reordered.rawBody.equals(signed.rawBody)).toBe(false);
    expect(reordered.headers['x-twilio-signature']).toBe(signed.headers['x-twilio-signature']);
    // The body in one order, the signature computed from the other.
    const mixed = { headers: signed.headers, rawBody: reordered.rawBody };
    expect(messagesOf(await adapter.handle(twilioChannelRequest(WEBHOOK, mixed)))[0]).toMatchObject({ messageId: 'SMorder', text: 'order 10234' });
  });

  it('answers a verified request that is not an incoming message with 400', async () => {
    const inbound = await handleSigned({ AccountSid: twilio.accountSid, Body: 'no ids here' });
    expect(inbound).toMatchObject({ kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID' });
    if (inbound.kind === 'rejected') expect(inbound.message).toContain('MessageSid, From, To');
    expect(await handleSigned({ MessageSid: 'SM1', From: USER, To: '  ', Body: 'x' })).toMatchObject({ kind: 'rejected', status: 400 });
  });

  it('answers a media-only message as "(media)" and ignores an empty one', async () => {
    const media = messagesOf(await handleSigned({ ...incomingSmsParams({ from: USER, to: OUR_NUMBER, body: '', numMedia: 1 }), MediaUrl0: 'https://api.twilio.com/media/ME1', MediaContentType0: 'image/jpeg' }));
    expect(media.map((message) => message.text)).toEqual([MEDIA_ONLY_TEXT]);
    expect(messagesOf(await handleSigned(incomingSmsParams({ from: USER, to: OUR_NUMBER, body: '   ' })))).toEqual([]);
  });

  it('acknowledges a status callback without recording anything', async () => {
    const inbound = await handleSigned({ MessageSid: 'SMout', MessageStatus: 'delivered', SmsStatus: 'delivered', From: OUR_NUMBER, To: USER, AccountSid: twilio.accountSid });
    expect(inbound).toEqual({ kind: 'messages', messages: [], answer: { status: 200, contentType: 'text/xml', body: EMPTY_TWIML } });
  });

  it('accepts a JSON body signed with bodySHA256 and refuses it once changed', async () => {
    const body = JSON.stringify({ MessageSid: 'SMjson', AccountSid: twilio.accountSid, From: USER, To: OUR_NUMBER, Body: 'json hello' });
    const url = `${WEBHOOK}?bodySHA256=${twilioBodyHash(body)}`;
    const headers = { 'content-type': 'application/json', 'x-twilio-signature': twilioDocumentedSignature(twilio.authToken, url, []) };
    expect(messagesOf(await adapter.handle(twilioChannelRequest(url, { headers, rawBody: Buffer.from(body) })))).toEqual([
      { messageId: 'SMjson', address: `${OUR_NUMBER}>${USER}`, userId: USER, text: 'json hello' },
    ]);
    const changed = Buffer.from(body.replace('json hello', 'json HELLO'));
    expect(await adapter.handle(twilioChannelRequest(url, { headers, rawBody: changed }))).toMatchObject({ kind: 'rejected', status: 401 });
  });
});

describe('twilio send', () => {
  const address = `${OUR_NUMBER}>${USER}`;

  it('sends from the number written to, with elements as fallbacks and buttons as numbered choices', async () => {
    const message: OutgoingMessage = {
      type: 'text',
      text: 'Your order is on its way.',
      elements: [{ kind: 'link', url: 'https://parleyshop.example/track?n=1', title: 'Track it', fallback: 'Track it: https://parleyshop.example/track?n=1' }],
      buttons: [
        { title: 'Track my order', payload: '/order_status' },
        { title: 'Talk to a person', payload: '/human' },
      ],
    };
    await adapter.send({ id: 'outbox-1', address, message });
    expect(twilio.sent).toHaveLength(1);
    expect(twilio.sent[0]).toMatchObject({
      accountSid: twilio.accountSid,
      from: OUR_NUMBER,
      to: USER,
      body: 'Your order is on its way.\n\nTrack it: https://parleyshop.example/track?n=1\n\n1. Track my order\n2. Talk to a person',
    });
  });

  it('replies to a WhatsApp user from the WhatsApp sender', async () => {
    await adapter.send({ id: 'outbox-wa', address: 'whatsapp:+14155238886>whatsapp:+447700900123', message: { type: 'text', text: 'Hi!' } });
    expect(twilio.sent[0]).toMatchObject({ from: 'whatsapp:+14155238886', to: 'whatsapp:+447700900123', body: 'Hi!' });
  });

  it('splits a body over 1,600 characters into several messages, in order', async () => {
    const words = Array.from({ length: 900 }, (_, index) => `word${index}`);
    const text = words.join(' ');
    expect(text.length).toBeGreaterThan(2 * MAX_BODY_CHARS);
    await adapter.send({ id: 'outbox-long', address, message: { type: 'text', text } });
    expect(twilio.sent.length).toBeGreaterThanOrEqual(3);
    for (const part of twilio.sent) expect(part.body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(twilio.sent.map((part) => part.body).join(' ')).toBe(text);
  });

  it('resumes a reply of several messages at the first part Twilio did not take', async () => {
    const text = Array.from({ length: 900 }, (_, index) => `word${index}`).join(' ');
    await adapter.send({ id: 'outbox-resume', address, message: { type: 'text', text } });
    const expected = twilio.sent.map((part) => part.body);
    twilio.sent.length = 0;

    let calls = 0;
    const flaky = adapterOf(
      twilioChannel(
        { PARLEY_TWILIO_ACCOUNT_SID: twilio.accountSid, PARLEY_TWILIO_AUTH_TOKEN: twilio.authToken, PARLEY_TWILIO_API_URL: twilio.url },
        {
          fetch: async (input, init) => {
            calls += 1;
            // The first part goes through; the connection drops on the second.
            if (calls === 2) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
            return fetch(input, init);
          },
        },
      ),
    );
    const first = await flaky.send({ id: 'outbox-resume-3', address, message: { type: 'text', text } }).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(ChannelSendError);
    expect((first as ChannelSendError).permanent).toBe(false);
    expect(twilio.sent.map((part) => part.body)).toEqual(expected.slice(0, 1));
    await flaky.send({ id: 'outbox-resume-3', address, message: { type: 'text', text } });
    expect(twilio.sent.map((part) => part.body)).toEqual(expected);
  });

  it('treats 429 (20429) as retryable and passes Retry-After on', async () => {
    twilio.fail({ status: 429, code: 20429, message: 'Too Many Requests', retryAfter: '7' });
    const error = await adapter.send({ id: 'outbox-429', address, message: { type: 'text', text: 'hi' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ permanent: false, retryAfterMs: 7000 });
    expect((error as Error).message).toContain('20429');
    expect(twilio.sent).toHaveLength(0);
    await adapter.send({ id: 'outbox-429', address, message: { type: 'text', text: 'hi' } });
    expect(twilio.sent).toHaveLength(1);
  });

  it('gives up at once on 21610 (the user texted STOP), without naming the number', async () => {
    twilio.fail({ status: 400, code: 21610, message: `Attempt to send to unsubscribed recipient ${USER}` });
    const error = await adapter.send({ id: 'outbox-stop', address, message: { type: 'text', text: 'hi' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ permanent: true });
    expect((error as Error).message).toContain('21610');
    expect((error as Error).message).not.toContain(USER);
  });

  it('gives up on an invalid number (21211) and on wrong credentials (401), retries a 5xx and a network error', async () => {
    twilio.fail({ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    await expect(adapter.send({ id: 'a', address, message: { type: 'text', text: 'hi' } })).rejects.toMatchObject({ permanent: true });

    const wrongToken = adapterOf(twilioChannel({ PARLEY_TWILIO_ACCOUNT_SID: twilio.accountSid, PARLEY_TWILIO_AUTH_TOKEN: 'not-the-token', PARLEY_TWILIO_API_URL: twilio.url }));
    await expect(wrongToken.send({ id: 'b', address, message: { type: 'text', text: 'hi' } })).rejects.toMatchObject({ permanent: true });

    twilio.fail({ status: 503, retryAfter: '3' });
    await expect(adapter.send({ id: 'c', address, message: { type: 'text', text: 'hi' } })).rejects.toMatchObject({ permanent: false, retryAfterMs: 3000 });

    const unreachable = adapterOf(twilioChannel({ PARLEY_TWILIO_ACCOUNT_SID: 'AC1', PARLEY_TWILIO_AUTH_TOKEN: 't', PARLEY_TWILIO_API_URL: 'http://127.0.0.1:1' }));
    await expect(unreachable.send({ id: 'd', address, message: { type: 'text', text: 'hi' } })).rejects.toMatchObject({ permanent: false });
    expect(twilio.sent).toHaveLength(0);
  });

  it('gives up on an address that is not "<ours>><theirs>"', async () => {
    await expect(adapter.send({ id: 'e', address: USER, message: { type: 'text', text: 'hi' } })).rejects.toMatchObject({ permanent: true });
  });
});

describe('twilio setup', () => {
  it('is off, naming what is missing, without its account SID or auth token', () => {
    expect(twilioChannel({})).toEqual({ off: true, name: 'twilio', missing: ['PARLEY_TWILIO_ACCOUNT_SID', 'PARLEY_TWILIO_AUTH_TOKEN'] });
    expect(twilioChannel({ PARLEY_TWILIO_ACCOUNT_SID: 'AC1', PARLEY_TWILIO_AUTH_TOKEN: '' })).toEqual({ off: true, name: 'twilio', missing: ['PARLEY_TWILIO_AUTH_TOKEN'] });
  });

  it('serves POST webhooks at its path, with numbered choices', () => {
    const setup = adapterOf(twilioChannel({ PARLEY_TWILIO_ACCOUNT_SID: 'AC1', PARLEY_TWILIO_AUTH_TOKEN: 't' }));
    expect({ name: setup.name, path: setup.path, methods: setup.methods, maxBodyBytes: setup.maxBodyBytes, numberedChoices: setup.numberedChoices }).toEqual({
      name: 'twilio',
      path: '/v1/channels/twilio/webhook',
      methods: ['POST'],
      maxBodyBytes: 1024 * 1024,
      numberedChoices: true,
    });
  });

  it('refuses an API URL that is not a web address', () => {
    expect(() => twilioChannel({ PARLEY_TWILIO_ACCOUNT_SID: 'AC1', PARLEY_TWILIO_AUTH_TOKEN: 't', PARLEY_TWILIO_API_URL: 'api.twilio.com' })).toThrow(ParleyError);
  });
});

describe('splitBody', () => {
  it('keeps a short body whole and never cuts a surrogate pair', () => {
    expect(splitBody('hello')).toEqual(['hello']);
    const emoji = '😀'.repeat(5); // 10 code units
    const parts = splitBody(emoji, 5);
    expect(parts.join('')).toBe(emoji);
    for (const part of parts) expect(part).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });

  it('prefers a blank line, then a line break, then a space', () => {
    expect(splitBody('aaaa bbb\n\ncc dd', 12)).toEqual(['aaaa bbb', 'cc dd']);
    expect(splitBody('aaaa bbb\ncc dd', 12)).toEqual(['aaaa bbb', 'cc dd']);
    expect(splitBody('aaaaaaaaaaaaaaaaaaaa', 8)).toEqual(['aaaaaaaa', 'aaaaaaaa', 'aaaa']);
  });
});

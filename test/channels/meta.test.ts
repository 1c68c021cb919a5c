import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messengerChannel, whatsappChannel } from '../../src/channels/meta/index.js';
import { splitText, splitWithShortTail } from '../../src/channels/meta/text-split.js';
import { ChannelSendError, type ChannelAdapter, type ChannelInbound, type ChannelSetup, type OutgoingMessage } from '../../src/core/index.js';
import {
  handshakeQuery,
  handshakeRequest,
  messengerEntry,
  messengerPayload,
  metaWebhookRequest,
  ms,
  signedMetaRequest,
  startMetaPlatform,
  wa,
  whatsappEntry,
  whatsappPayload,
  type MetaPlatform,
} from './fakes/meta-platform.js';

const APP_SECRET = 'f3b1c2d4e5a6978812345678abcdef01';
const VERIFY_TOKEN = 'parley-verify-8e1f';
const WA_PATH = '/v1/channels/whatsapp/webhook';
const MS_PATH = '/v1/channels/messenger/webhook';
const USER = '16505551234';
const PSID = '6783452109876543';

let platform: MetaPlatform;
let whatsapp: ChannelAdapter;
let messenger: ChannelAdapter;

function on(setup: ChannelSetup): ChannelAdapter {
  if ('off' in setup) throw new Error(`channel ${setup.name} is off: ${setup.missing.join(', ')}`);
  return setup;
}

function envFor(meta: MetaPlatform, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    PARLEY_META_APP_SECRET: APP_SECRET,
    PARLEY_META_VERIFY_TOKEN: VERIFY_TOKEN,
    PARLEY_WHATSAPP_TOKEN: meta.whatsappToken,
    PARLEY_WHATSAPP_PHONE_NUMBER_ID: meta.phoneNumberId,
    PARLEY_MESSENGER_PAGE_TOKEN: meta.pageToken,
    PARLEY_META_GRAPH_URL: meta.graphUrl,
    ...overrides,
  };
}

async function post(adapter: ChannelAdapter, payload: unknown, secret = APP_SECRET): Promise<ChannelInbound> {
  return adapter.handle(metaWebhookRequest(adapter.path, signedMetaRequest(payload, secret)));
}

async function messagesOf(adapter: ChannelAdapter, payload: unknown) {
  const inbound = await post(adapter, payload);
  if (inbound.kind !== 'messages') throw new Error(`expected messages, got ${JSON.stringify(inbound)}`);
  return inbound.messages;
}

const buttons = (count: number) => Array.from({ length: count }, (_, index) => ({ title: `Option number ${index + 1}`, payload: `/choose{"n":${index + 1}}` }));
/** What a promise was rejected with (and a failure of the test if it was not). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (caught) {
    return caught as Error;
  }
  throw new Error('expected the send to fail');
}

const delivery = (address: string, message: OutgoingMessage) => ({ id: `out_${Math.random().toString(36).slice(2)}`, address, message });

beforeAll(async () => {
  platform = await startMetaPlatform();
  whatsapp = on(whatsappChannel(envFor(platform)));
  messenger = on(messengerChannel(envFor(platform)));
});

afterAll(async () => {
  await platform.close();
});

beforeEach(() => {
  platform.sent.length = 0;
  platform.refused.length = 0;
});

describe('Meta channel settings', () => {
  it('is off and names every missing variable', () => {
    expect(whatsappChannel({})).toEqual({
      off: true,
      name: 'whatsapp',
      missing: ['PARLEY_META_APP_SECRET', 'PARLEY_META_VERIFY_TOKEN', 'PARLEY_WHATSAPP_TOKEN', 'PARLEY_WHATSAPP_PHONE_NUMBER_ID'],
    });
    expect(messengerChannel({ PARLEY_META_APP_SECRET: 'x', PARLEY_MESSENGER_PAGE_TOKEN: '' })).toEqual({
      off: true,
      name: 'messenger',
      missing: ['PARLEY_META_VERIFY_TOKEN', 'PARLEY_MESSENGER_PAGE_TOKEN'],
    });
  });

  it('describes both adapters as the server needs them', () => {
    expect(whatsapp).toMatchObject({ name: 'whatsapp', path: WA_PATH, methods: ['GET', 'POST'], maxBodyBytes: 3 * 1024 * 1024, numberedChoices: false });
    expect(messenger).toMatchObject({ name: 'messenger', path: MS_PATH, methods: ['GET', 'POST'], maxBodyBytes: 3 * 1024 * 1024, numberedChoices: false });
  });

  it('refuses a Graph URL that is not an http(s) address', () => {
    expect(() => whatsappChannel(envFor(platform, { PARLEY_META_GRAPH_URL: 'ftp://graph.example/v21.0' }))).toThrow(/PARLEY_META_GRAPH_URL/);
  });
});

describe('the subscription handshake', () => {
  it('answers the challenge when the verify token matches', async () => {
    for (const adapter of [whatsapp, messenger]) {
      const inbound = await adapter.handle(handshakeRequest(adapter.path, handshakeQuery(VERIFY_TOKEN, '1158201444')));
      expect(inbound).toEqual({ kind: 'answer', answer: { status: 200, contentType: 'text/plain; charset=utf-8', body: '1158201444' } });
    }
  });

  it('refuses a wrong or missing verify token, or another mode, with 403', async () => {
    const wrong = await whatsapp.handle(handshakeRequest(WA_PATH, handshakeQuery('parley-verify-8e1g')));
    expect(wrong).toMatchObject({ kind: 'rejected', status: 403, code: 'PARLEY_CHANNEL_VERIFY_TOKEN_INVALID' });
    const prefix = await whatsapp.handle(handshakeRequest(WA_PATH, handshakeQuery(VERIFY_TOKEN.slice(0, -1))));
    expect(prefix).toMatchObject({ kind: 'rejected', status: 403 });
    const missing = await messenger.handle(handshakeRequest(MS_PATH, { 'hub.mode': 'subscribe', 'hub.challenge': '42' }));
    expect(missing).toMatchObject({ kind: 'rejected', status: 403 });
    const mode = await messenger.handle(handshakeRequest(MS_PATH, { ...handshakeQuery(VERIFY_TOKEN), 'hub.mode': 'unsubscribe' }));
    expect(mode).toMatchObject({ kind: 'rejected', status: 403 });
  });
});

describe('the webhook signature', () => {
  const payload = whatsappPayload(whatsappEntry({ messages: [wa.text(USER, 'hello')] }, '106540352242922'));

  it('refuses a body signed with another secret, or not signed, with 401', async () => {
    expect(await post(whatsapp, payload, 'not-the-app-secret')).toMatchObject({ kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_SIGNATURE_INVALID' });
    const signed = signedMetaRequest(payload, APP_SECRET);
    const unsigned = { ...signed.headers };
    delete unsigned['x-hub-signature-256'];
    expect(await whatsapp.handle(metaWebhookRequest(WA_PATH, { headers: unsigned, rawBody: signed.rawBody }))).toMatchObject({ kind: 'rejected', status: 401 });
    expect(await messenger.handle(metaWebhookRequest(MS_PATH, { headers: unsigned, rawBody: signed.rawBody }))).toMatchObject({ kind: 'rejected', status: 401 });
  });

  it('refuses a body changed after signing, and signatures of the wrong form', async () => {
    const signed = signedMetaRequest(payload, APP_SECRET);
    const tampered = Buffer.from(signed.rawBody.toString('utf8').replace('hello', 'hellO'), 'utf8');
    expect(await whatsapp.handle(metaWebhookRequest(WA_PATH, { headers: signed.headers, rawBody: tampered }))).toMatchObject({ status: 401 });
    const hex = signed.headers['x-hub-signature-256']!.slice('sha256='.length);
    for (const header of [hex, `sha1=${hex}`, `sha256=${hex.slice(0, 62)}`, `sha256=${'z'.repeat(64)}`, `sha256=${hex}00`]) {
      const inbound = await whatsapp.handle(metaWebhookRequest(WA_PATH, { headers: { ...signed.headers, 'x-hub-signature-256': header }, rawBody: signed.rawBody }));
      expect(inbound, header).toMatchObject({ kind: 'rejected', status: 401 });
    }
    // The same bytes with the right signature pass: the refusals above are about the signature.
    expect(await whatsapp.handle(metaWebhookRequest(WA_PATH, signed))).toMatchObject({ kind: 'messages' });
  });

  it('verifies before parsing: a forged body that is not even JSON is a 401, not a 400', async () => {
    expect(await post(whatsapp, '{not json', 'forged')).toMatchObject({ status: 401 });
    expect(await post(whatsapp, '{not json')).toMatchObject({ status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID' });
  });
});

describe('WhatsApp webhooks', () => {
  const entry = (messages: Record<string, unknown>[]) => whatsappEntry({ messages }, platform.phoneNumberId);

  it('reads a text message', async () => {
    const message = wa.text(USER, 'Where is my order?');
    expect(await messagesOf(whatsapp, whatsappPayload(entry([message])))).toEqual([
      { messageId: message.id, address: USER, userId: USER, text: 'Where is my order?' },
    ]);
  });

  it('reads a pressed reply button, a list row and a template quick reply as their ids / payloads', async () => {
    const button = wa.buttonReply(USER, '/track_order', 'Track my order');
    const row = wa.listReply(USER, '/choose{"n":4}', 'Option number 4');
    const template = wa.templateButton(USER, 'opt-in-yes', 'Yes please');
    const messages = await messagesOf(whatsapp, whatsappPayload(entry([button, row, template])));
    expect(messages.map((message) => [message.messageId, message.text])).toEqual([
      [button.id, '/track_order'],
      [row.id, '/choose{"n":4}'],
      [template.id, 'opt-in-yes'],
    ]);
  });

  it('reads every entry of a batch, in order', async () => {
    const texts = ['first', 'second', 'third'];
    const payload = whatsappPayload(...texts.map((text, index) => entry([wa.text(`1650555000${index}`, text)])));
    const messages = await messagesOf(whatsapp, payload);
    expect(messages.map((message) => [message.address, message.text])).toEqual([
      ['16505550000', 'first'],
      ['16505550001', 'second'],
      ['16505550002', 'third'],
    ]);
  });

  it('records nothing for statuses, images, other fields or another phone number', async () => {
    const statuses = whatsappEntry({ statuses: [wa.status(USER, 'sent'), wa.status(USER, 'delivered'), wa.status(USER, 'read')] }, platform.phoneNumberId);
    expect(await messagesOf(whatsapp, whatsappPayload(statuses))).toEqual([]);
    expect(await messagesOf(whatsapp, whatsappPayload(entry([wa.image(USER)])))).toEqual([]);
    const otherField = { id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] };
    expect(await messagesOf(whatsapp, whatsappPayload(otherField))).toEqual([]);
    const otherNumber = whatsappEntry({ messages: [wa.text(USER, 'for the other number')] }, '999999999999999');
    expect(await messagesOf(whatsapp, whatsappPayload(otherNumber, entry([wa.text(USER, 'for us')])))).toMatchObject([{ text: 'for us' }]);
  });

  it('refuses a verified payload of the wrong shape with 400', async () => {
    const refused = async (payload: unknown) => expect(await post(whatsapp, payload)).toMatchObject({ kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID' });
    await refused(messengerPayload(messengerEntry([ms.text(PSID, 'hi')])));
    await refused({ object: 'whatsapp_business_account' });
    await refused([1, 2]);
    await refused(whatsappPayload({ id: '1' }));
    const { id: _id, ...withoutId } = wa.text(USER, 'hi');
    await refused(whatsappPayload(entry([withoutId])));
    await refused(whatsappPayload(entry([{ ...wa.text(USER, 'hi'), text: undefined }])));
    const inbound = await post(whatsapp, whatsappPayload(entry([wa.text(USER, 'fine'), withoutId])));
    expect(inbound).toMatchObject({ status: 400, message: expect.stringContaining('entry[0].changes[0].value.messages[1]') });
  });

  it('verifies and reads a batch of nearly 3 MB', async () => {
    const text = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(70); // ~4 kB
    const entries: Record<string, unknown>[] = [];
    const ids: string[] = [];
    for (let index = 0; index < 690; index += 1) {
      const message = wa.text(`4477009${String(index).padStart(5, '0')}`, `${index}: ${text}`);
      ids.push(message.id);
      entries.push(entry([message]));
    }
    const signed = signedMetaRequest(whatsappPayload(...entries), APP_SECRET);
    expect(signed.rawBody.length).toBeGreaterThan(2.8 * 1024 * 1024);
    expect(signed.rawBody.length).toBeLessThanOrEqual(whatsapp.maxBodyBytes);
    const inbound = await whatsapp.handle(metaWebhookRequest(WA_PATH, signed));
    if (inbound.kind !== 'messages') throw new Error(JSON.stringify(inbound));
    expect(inbound.messages.map((message) => message.messageId)).toEqual(ids);
    expect(inbound.messages[689]?.text.startsWith('689: Lorem')).toBe(true);
    const forged = Buffer.from(signed.rawBody);
    forged[forged.length - 100] = forged[forged.length - 100]! ^ 1;
    expect(await whatsapp.handle(metaWebhookRequest(WA_PATH, { headers: signed.headers, rawBody: forged }))).toMatchObject({ status: 401 });
  });
});

describe('Messenger webhooks', () => {
  it('reads a text message', async () => {
    const item = ms.text(PSID, 'Hi there');
    expect(await messagesOf(messenger, messengerPayload(messengerEntry([item])))).toEqual([
      { messageId: item.message.mid, address: PSID, userId: PSID, text: 'Hi there' },
    ]);
  });

  it('reads a quick reply and a postback as their payloads', async () => {
    const quick = ms.quickReply(PSID, 'Track my order', '/track_order');
    const postback = ms.postback(PSID, 'GET_STARTED', 'Get Started');
    const messages = await messagesOf(messenger, messengerPayload(messengerEntry([quick, postback])));
    expect(messages.map((message) => [message.messageId, message.text])).toEqual([
      [quick.message.mid, '/track_order'],
      [postback.postback.mid, 'GET_STARTED'],
    ]);
  });

  it('records nothing for echoes, deliveries, reads and attachments, and reads every entry', async () => {
    const payload = messengerPayload(
      messengerEntry([ms.echo(PSID, 'what the bot said'), ms.delivery(PSID), ms.read(PSID), ms.image(PSID)]),
      messengerEntry([ms.text('1111', 'one')]),
      messengerEntry([ms.echo('2222', 'echo'), ms.text('2222', 'two')]),
    );
    expect((await messagesOf(messenger, payload)).map((message) => [message.address, message.text])).toEqual([
      ['1111', 'one'],
      ['2222', 'two'],
    ]);
  });

  it('refuses a WhatsApp payload and a message without a sender with 400', async () => {
    expect(await post(messenger, whatsappPayload(whatsappEntry({ messages: [wa.text(USER, 'hi')] }, platform.phoneNumberId)))).toMatchObject({ status: 400 });
    const { sender: _sender, ...anonymous } = ms.text(PSID, 'hi');
    expect(await post(messenger, messengerPayload(messengerEntry([anonymous])))).toMatchObject({ status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID' });
  });
});

describe('sending on WhatsApp', () => {
  it('sends a text message, with the elements\' fallbacks after the text', async () => {
    await whatsapp.send(
      delivery(USER, {
        type: 'text',
        text: 'Your order ships tomorrow.',
        elements: [{ kind: 'link', url: 'https://parleyshop.example/track/123', title: 'Track it', fallback: 'Track it: https://parleyshop.example/track/123' }],
      }),
    );
    expect(platform.whatsappSent()).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: USER,
        type: 'text',
        text: { body: 'Your order ships tomorrow.\n\nTrack it: https://parleyshop.example/track/123' },
      },
    ]);
  });

  it('sends up to 3 buttons as reply buttons, titles cut to 20 characters and ids the payloads', async () => {
    const choices = [
      { title: 'Track my order', payload: '/track_order' },
      { title: 'Talk to a human being please', payload: '/handoff' },
      { title: 'Cancel', payload: '/cancel' },
    ];
    await whatsapp.send(delivery(USER, { type: 'text', text: 'What would you like to do?', buttons: choices }));
    expect(platform.refused).toEqual([]);
    const [sent] = platform.whatsappSent();
    expect(sent).toMatchObject({ to: USER, type: 'interactive', interactive: { type: 'button', body: { text: 'What would you like to do?' } } });
    const replies = (sent!.interactive as { action: { buttons: { type: string; reply: { id: string; title: string } }[] } }).action.buttons;
    expect(replies.map((button) => button.reply.id)).toEqual(['/track_order', '/handoff', '/cancel']);
    expect(replies[0]!.reply.title).toBe('Track my order');
    expect([...replies[1]!.reply.title].length).toBeLessThanOrEqual(20);
    expect(replies[1]!.reply.title.startsWith('Talk to a human')).toBe(true);
  });

  it('sends 5 buttons as a list with one section', async () => {
    await whatsapp.send(delivery(USER, { type: 'text', text: 'Pick a size', buttons: buttons(5) }));
    expect(platform.refused).toEqual([]);
    const [sent] = platform.whatsappSent();
    expect(sent).toMatchObject({ type: 'interactive', interactive: { type: 'list', body: { text: 'Pick a size' }, action: { button: 'Choose' } } });
    const sections = (sent!.interactive as { action: { sections: { rows: { id: string; title: string }[] }[] } }).action.sections;
    expect(sections).toHaveLength(1);
    expect(sections[0]!.rows).toEqual(buttons(5).map((button) => ({ id: button.payload, title: button.title })));
  });

  it('sends 12 buttons as text with numbered choices', async () => {
    await whatsapp.send(delivery(USER, { type: 'text', text: 'Pick one', buttons: buttons(12) }));
    const sent = platform.whatsappSent();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'text' });
    const body = (sent[0]!.text as { body: string }).body;
    expect(body.startsWith('Pick one\n\n1. Option number 1\n2. Option number 2')).toBe(true);
    expect(body.endsWith('12. Option number 12')).toBe(true);
  });

  it('splits a long text, and sends the start of a long text ahead of its buttons', async () => {
    const paragraph = 'Parley answers every message once. '.repeat(40).trim(); // ~1400 characters
    const long = Array.from({ length: 4 }, () => paragraph).join('\n\n'); // ~5600
    await whatsapp.send(delivery(USER, { type: 'text', text: long }));
    const texts = platform.whatsappSent().map((sent) => (sent.text as { body: string }).body);
    expect(texts.length).toBe(2);
    expect(texts.join('\n\n')).toBe(long);

    platform.sent.length = 0;
    const shorter = Array.from({ length: 4 }, () => paragraph.slice(0, 900).trim()).join('\n\n'); // ~3600
    await whatsapp.send(delivery(USER, { type: 'text', text: shorter, buttons: buttons(2) }));
    expect(platform.refused).toEqual([]);
    const sent = platform.whatsappSent();
    expect(sent.map((message) => message.type)).toEqual(['text', 'interactive']);
    const head = (sent[0]!.text as { body: string }).body;
    const tail = (sent[1]!.interactive as { body: { text: string } }).body.text;
    expect(tail.length).toBeLessThanOrEqual(1024);
    expect(tail).toBe(paragraph.slice(0, 900).trim());
    expect(`${head}\n\n${tail}`).toBe(shorter);
  });
});

describe('sending on Messenger', () => {
  it('sends buttons as quick replies', async () => {
    await messenger.send(delivery(PSID, { type: 'text', text: 'How can I help?', buttons: [{ title: 'Track my order', payload: '/track_order' }, { title: 'Opening hours of every store', payload: '/hours' }] }));
    expect(platform.refused).toEqual([]);
    expect(platform.messengerSent()).toEqual([
      {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: {
          text: 'How can I help?',
          quick_replies: [
            { content_type: 'text', title: 'Track my order', payload: '/track_order' },
            { content_type: 'text', title: 'Opening hours of ev…', payload: '/hours' },
          ],
        },
      },
    ]);
  });

  it('puts the quick replies on the last piece of a long text, and numbers more than 13 choices', async () => {
    const long = 'A sentence of some length for Messenger. '.repeat(110).trim(); // ~4500
    await messenger.send(delivery(PSID, { type: 'text', text: long, buttons: buttons(2) }));
    const sent = platform.messengerSent().map((body) => body.message as { text: string; quick_replies?: unknown[] });
    expect(sent.length).toBe(3);
    expect(sent.map((message) => message.quick_replies?.length)).toEqual([undefined, undefined, 2]);
    expect(sent.map((message) => message.text).join(' ')).toBe(long);

    platform.sent.length = 0;
    await messenger.send(delivery(PSID, { type: 'text', text: 'Pick one', buttons: buttons(14) }));
    const [numbered] = platform.messengerSent();
    expect((numbered!.message as { text: string; quick_replies?: unknown }).quick_replies).toBeUndefined();
    expect((numbered!.message as { text: string }).text).toContain('\n14. Option number 14');
  });
});

describe('send errors', () => {
  const hello: OutgoingMessage = { type: 'text', text: 'hello' };

  it('a 429 is retried after Retry-After', async () => {
    platform.failNext({ status: 429, code: 130429, message: 'Rate limit hit', retryAfter: '7' });
    const error = await rejection(whatsapp.send(delivery(USER, hello)));
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ permanent: false, retryAfterMs: 7000 });
    expect(error.message).toContain('130429');
  });

  it('Graph rate-limit codes are retried even on a 400, and without Retry-After the worker backs off', async () => {
    platform.failNext({ status: 400, code: 80007, message: 'rate limit' }, { status: 403, code: 613, message: 'Calls to this api have exceeded the rate limit.' });
    await expect(whatsapp.send(delivery(USER, hello))).rejects.toMatchObject({ permanent: false, retryAfterMs: undefined });
    await expect(messenger.send(delivery(PSID, hello))).rejects.toMatchObject({ permanent: false });
  });

  it('the re-engagement window, invalid parameters and a bad token are permanent', async () => {
    platform.failNext({ status: 400, code: 131047, message: 'Re-engagement message' }, { status: 400, code: 100, message: 'Invalid parameter' }, { status: 400, code: 131026, message: 'Message undeliverable' });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(whatsapp.send(delivery(USER, hello))).rejects.toMatchObject({ name: 'ChannelSendError', permanent: true });
    }
    const wrongToken = on(whatsappChannel(envFor(platform, { PARLEY_WHATSAPP_TOKEN: 'EAAWnot-the-token' })));
    const error = await rejection(wrongToken.send(delivery(USER, hello)));
    expect(error).toMatchObject({ permanent: true });
    expect(error.message).toContain('190');
    expect(error.message).not.toContain('EAAWnot-the-token');
    const wrongPage = on(messengerChannel(envFor(platform, { PARLEY_MESSENGER_PAGE_TOKEN: 'EAAPsecret-page-token' })));
    const pageError = await rejection(wrongPage.send(delivery(PSID, hello)));
    expect(pageError).toMatchObject({ permanent: true });
    expect(pageError.message).not.toContain('EAAPsecret-page-token');
    expect(platform.sent).toEqual([]);
  });

  it('5xx, transient errors, timeouts and unreachable hosts are retried', async () => {
    platform.failNext({ status: 500, code: 2, message: 'Service temporarily unavailable' }, { status: 400, code: 131000, message: 'Something went wrong' }, { hang: true });
    await expect(whatsapp.send(delivery(USER, hello))).rejects.toMatchObject({ permanent: false });
    await expect(messenger.send(delivery(PSID, hello))).rejects.toMatchObject({ permanent: false });
    const impatient = on(whatsappChannel(envFor(platform), { timeoutMs: 200 }));
    await expect(impatient.send(delivery(USER, hello))).rejects.toMatchObject({ permanent: false, message: expect.stringContaining('200 ms') });
    const nowhere = on(messengerChannel(envFor(platform, { PARLEY_META_GRAPH_URL: 'http://127.0.0.1:9/v21.0' })));
    await expect(nowhere.send(delivery(PSID, hello))).rejects.toMatchObject({ permanent: false, message: expect.not.stringContaining(platform.pageToken) });
  });

  it('uses the fetch it is given', async () => {
    const calls: string[] = [];
    const fake: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response(JSON.stringify({ messages: [{ id: 'wamid.X' }] }), { status: 200 });
    };
    await on(whatsappChannel(envFor(platform), { fetch: fake })).send(delivery(USER, hello));
    expect(calls).toEqual([`${platform.graphUrl}/${platform.phoneNumberId}/messages`]);
    expect(platform.sent).toEqual([]);
  });
});

describe('splitting text', () => {
  it('keeps every piece within the limit, cuts at boundaries and never inside a surrogate pair', () => {
    const text = `${'word '.repeat(150)}\n\n${'🙂'.repeat(900)}`;
    const pieces = splitText(text, 1000);
    expect(pieces.every((piece) => piece.length <= 1000 && piece.length > 0)).toBe(true);
    expect(pieces[0]).toBe('word '.repeat(150).trim());
    expect(pieces.length).toBe(3);
    expect(pieces.join('').replaceAll(/\s/g, '')).toBe(text.replaceAll(/\s/g, ''));
    expect(pieces.every((piece) => !/[\ud800-\udbff]$/.test(piece) && !/^[\udc00-\udfff]/.test(piece))).toBe(true);
    expect(splitText('short', 10)).toEqual(['short']);
    expect(splitText(`a${'🙂'.repeat(3)}`, 4)).toEqual(['a🙂', '🙂🙂']);
  });

  it('leaves a short tail for an interactive body', () => {
    const { head, tail } = splitWithShortTail(`${'a'.repeat(5000)} ${'b'.repeat(900)}`, 4096, 1024);
    expect(tail).toBe('b'.repeat(900));
    expect(head).toEqual(['a'.repeat(4096), 'a'.repeat(904)]);
  });
});

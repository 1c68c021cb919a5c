import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSENGER_WEBHOOK_PATH, messengerChannel, WHATSAPP_WEBHOOK_PATH, whatsappChannel } from '../../src/channels/meta/index.js';
import { startChannelServer, type ChannelServer } from './channel-harness.js';
import {
  handshakeQuery,
  messengerEntry,
  messengerPayload,
  ms,
  signedMetaRequest,
  startMetaPlatform,
  wa,
  whatsappEntry,
  whatsappPayload,
  type MetaPlatform,
} from './fakes/meta-platform.js';

/**
 * WhatsApp and Messenger end to end: signed webhooks as Meta sends them go to a real Parley over
 * HTTP; the delivery worker sends the replies to the fake Graph API.
 */

const APP_SECRET = '9a8b7c6d5e4f30211203f4e5d6c7b8a9';
const VERIFY_TOKEN = 'parley-meta-verify-2c7d';

let meta: MetaPlatform;
let server: ChannelServer;

beforeAll(async () => {
  meta = await startMetaPlatform();
  const env = {
    PARLEY_META_APP_SECRET: APP_SECRET,
    PARLEY_META_VERIFY_TOKEN: VERIFY_TOKEN,
    PARLEY_WHATSAPP_TOKEN: meta.whatsappToken,
    PARLEY_WHATSAPP_PHONE_NUMBER_ID: meta.phoneNumberId,
    PARLEY_MESSENGER_PAGE_TOKEN: meta.pageToken,
    PARLEY_META_GRAPH_URL: meta.graphUrl,
  };
  server = await startChannelServer({ channels: [whatsappChannel(env), messengerChannel(env)] });
});

afterAll(async () => {
  await server?.close();
  await meta?.close();
});

function postWhatsApp(payload: unknown, secret = APP_SECRET) {
  return server.request('POST', WHATSAPP_WEBHOOK_PATH, signedMetaRequest(payload, secret));
}

function postMessenger(payload: unknown, secret = APP_SECRET) {
  return server.request('POST', MESSENGER_WEBHOOK_PATH, signedMetaRequest(payload, secret));
}

const whatsappTo = (user: string) => meta.whatsappSent().filter((body) => body.to === user);
const messengerTo = (psid: string) => meta.messengerSent().filter((body) => (body.recipient as { id: string }).id === psid);

describe('meta channels, end to end', () => {
  it('answers the subscription handshake through the server, and refuses a wrong verify token with 403', async () => {
    for (const path of [WHATSAPP_WEBHOOK_PATH, MESSENGER_WEBHOOK_PATH]) {
      const ok = await server.request('GET', `${path}?${new URLSearchParams(handshakeQuery(VERIFY_TOKEN, '1158201444')).toString()}`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(ok.body).toBe('1158201444');
    }
    const before = await server.recorded();
    const wrong = await server.request('GET', `${WHATSAPP_WEBHOOK_PATH}?${new URLSearchParams(handshakeQuery('not-the-verify-token', '77')).toString()}`);
    expect(wrong.status).toBe(403);
    expect(wrong.body).not.toContain('77');
    expect(JSON.parse(wrong.body)).toMatchObject({ error: { code: 'PARLEY_CHANNEL_VERIFY_TOKEN_INVALID' } });
    expect(await server.recorded()).toEqual(before);
  });

  it('a WhatsApp message in, the reply at the platform; a pressed list row carries on the conversation', async () => {
    const user = '16505550101';
    const answer = await postWhatsApp(whatsappPayload(whatsappEntry({ messages: [wa.text(user, 'help')] }, meta.phoneNumberId)));
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    expect(await server.deliver()).toBe(1);
    expect(meta.refused).toEqual([]);

    const [menu] = whatsappTo(user);
    expect(menu).toMatchObject({ messaging_product: 'whatsapp', to: user, type: 'interactive', interactive: { type: 'list', action: { button: 'Choose' } } });
    const rows = (menu!.interactive as { action: { sections: { rows: { id: string; title: string }[] }[] } }).action.sections[0]!.rows;
    expect(rows.map((row) => row.title)).toContain('Track my order');
    const track = rows.find((row) => row.title === 'Track my order')!;

    expect((await postWhatsApp(whatsappPayload(whatsappEntry({ messages: [wa.listReply(user, track.id, track.title)] }, meta.phoneNumberId)))).status).toBe(200);
    expect(await server.deliver()).toBe(1);
    const replies = whatsappTo(user);
    expect(replies).toHaveLength(2);
    expect(replies[1]).toMatchObject({ type: 'text' });
    expect((replies[1]!.text as { body: string }).body).toMatch(/order number/i);
    // One conversation for the number: the second message continued the first one's flow.
    expect(meta.refused).toEqual([]);
  });

  it('replies once to a message Meta delivers five times', async () => {
    const user = '16505550102';
    const before = await server.recorded();
    const message = wa.text(user, 'help');
    const payload = whatsappPayload(whatsappEntry({ messages: [message] }, meta.phoneNumberId));
    const answers = await Promise.all(Array.from({ length: 5 }, () => postWhatsApp(payload)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    await server.deliver();
    expect(whatsappTo(user)).toHaveLength(1);
    const after = await server.recorded();
    expect(after.userMessages - before.userMessages).toBe(1);
    expect(after.conversations - before.conversations).toBe(1);

    // Once more later, after the reply went out: still one reply.
    expect((await postWhatsApp(payload)).status).toBe(200);
    await server.deliver();
    expect(whatsappTo(user)).toHaveLength(1);
  });

  it('refuses a forged or missing signature with 401 and writes nothing', async () => {
    const user = '16505550103';
    const before = await server.recorded();
    const payload = whatsappPayload(whatsappEntry({ messages: [wa.text(user, 'help')] }, meta.phoneNumberId));
    const forged = await postWhatsApp(payload, 'not-the-app-secret');
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body)).toMatchObject({ error: { code: 'PARLEY_CHANNEL_SIGNATURE_INVALID' } });

    const signed = signedMetaRequest(messengerPayload(messengerEntry([ms.text('5550103', 'help')])), APP_SECRET);
    const { 'x-hub-signature-256': _dropped, ...headers } = signed.headers;
    expect((await server.request('POST', MESSENGER_WEBHOOK_PATH, { headers, rawBody: signed.rawBody })).status).toBe(401);

    expect(await server.deliver()).toBe(0);
    expect(await server.recorded()).toEqual(before);
    expect(whatsappTo(user)).toEqual([]);
  });

  it('records nothing for statuses, and answers every message of a batch', async () => {
    const before = await server.recorded();
    const statuses = whatsappPayload(whatsappEntry({ statuses: [wa.status('16505550101', 'delivered'), wa.status('16505550101', 'read')] }, meta.phoneNumberId));
    expect((await postWhatsApp(statuses)).status).toBe(200);
    expect(await server.deliver()).toBe(0);
    expect(await server.recorded()).toEqual(before);

    const users = ['16505550201', '16505550202', '16505550203'];
    const batch = whatsappPayload(...users.map((user) => whatsappEntry({ messages: [wa.text(user, 'help')] }, meta.phoneNumberId)));
    expect((await postWhatsApp(batch)).status).toBe(200);
    expect(await server.deliver()).toBe(3);
    for (const user of users) expect(whatsappTo(user)).toHaveLength(1);
  });

  it('takes a batch of nearly 3 MB through the server', async () => {
    const user = '16505550301';
    const statuses = Array.from({ length: 8200 }, () => wa.status('16505550101', 'read'));
    const payload = whatsappPayload(
      whatsappEntry({ statuses }, meta.phoneNumberId),
      whatsappEntry({ statuses }, meta.phoneNumberId),
      whatsappEntry({ messages: [wa.text(user, 'help')] }, meta.phoneNumberId),
    );
    const signed = signedMetaRequest(payload, APP_SECRET);
    expect(signed.rawBody.length).toBeGreaterThan(2.5 * 1024 * 1024);
    expect(signed.rawBody.length).toBeLessThan(3 * 1024 * 1024);
    expect((await server.request('POST', WHATSAPP_WEBHOOK_PATH, signed)).status).toBe(200);
    expect(await server.deliver()).toBe(1);
    expect(whatsappTo(user)).toHaveLength(1);
  });

  it('a Messenger message in, quick replies at the platform; a quick reply carries on the conversation', async () => {
    const psid = '6783450000000101';
    const answer = await postMessenger(messengerPayload(messengerEntry([ms.echo(psid, 'an earlier reply'), ms.text(psid, 'help')])));
    expect(answer.status).toBe(200);
    expect(await server.deliver()).toBe(1);
    const [menu] = messengerTo(psid);
    expect(menu).toMatchObject({ recipient: { id: psid }, messaging_type: 'RESPONSE' });
    const quickReplies = (menu!.message as { quick_replies: { title: string; payload: string }[] }).quick_replies;
    const track = quickReplies.find((reply) => reply.title === 'Track my order')!;
    expect(track).toBeDefined();

    expect((await postMessenger(messengerPayload(messengerEntry([ms.quickReply(psid, track.title, track.payload)])))).status).toBe(200);
    expect(await server.deliver()).toBe(1);
    const replies = messengerTo(psid);
    expect(replies).toHaveLength(2);
    expect((replies[1]!.message as { text: string }).text).toMatch(/order number/i);
    expect(meta.refused).toEqual([]);
  });
});

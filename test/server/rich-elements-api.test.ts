import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainTextOf, type OutgoingMessage } from '../../src/core/index.js';
import { startConversation, startTestServer, type TestServer } from '../support/harness.js';

interface ReplyBody {
  replies: (OutgoingMessage & { id: string })[];
  duplicate: boolean;
}

interface TranscriptBody {
  messages: { id: string; role: string; text: string; buttons?: unknown[]; elements?: OutgoingMessage['elements'] }[];
}

async function send(server: TestServer, conversation: { id: string; token: string }, text: string, id?: string): Promise<ReplyBody> {
  const response = await server.app.inject({
    method: 'POST',
    url: `/v1/conversations/${conversation.id}/messages`,
    headers: { authorization: `Bearer ${conversation.token}` },
    payload: id === undefined ? { text } : { id, text },
  });
  expect(response.statusCode).toBe(200);
  return response.json() as ReplyBody;
}

async function transcript(server: TestServer, conversation: { id: string; token: string }): Promise<TranscriptBody> {
  const response = await server.app.inject({
    method: 'GET',
    url: `/v1/conversations/${conversation.id}/messages`,
    headers: { authorization: `Bearer ${conversation.token}` },
  });
  expect(response.statusCode).toBe(200);
  return response.json() as TranscriptBody;
}

describe('the demo bot', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers a shipped order with a tracking link, and the transcript keeps it', async () => {
    const conversation = await startConversation(server.app);
    await send(server, conversation, 'where is my order?');
    const { replies } = await send(server, conversation, '20481');
    const reply = replies.find((candidate) => candidate.elements !== undefined);
    expect(reply?.text).toMatch(/order 20481 .* with DHL/i);
    const link = {
      kind: 'link',
      url: 'https://parleyshop.example/track?carrier=DHL&number=JD014600003828749301',
      title: 'Track the parcel on the DHL website',
      fallback: 'Track the parcel: https://parleyshop.example/track?carrier=DHL&number=JD014600003828749301',
    };
    expect(reply!.elements).toEqual([link]);

    const { messages } = await transcript(server, conversation);
    const shown = messages.find((message) => message.id === reply!.id);
    expect(shown).toMatchObject({ role: 'bot', text: reply!.text, elements: [link] });
    expect(messages.filter((message) => message.role === 'user').every((message) => message.elements === undefined)).toBe(true);
    expect(messages.filter((message) => message.role === 'bot' && message.id !== reply!.id).every((message) => message.elements === undefined)).toBe(true);
  });

  it('keeps answering the help question with its text and buttons only', async () => {
    const conversation = await startConversation(server.app);
    const { replies } = await send(server, conversation, 'what can you do?');
    expect(replies[0]!.buttons?.map((button) => button.title)).toEqual(['Track my order', 'Shipping info', 'Returns & refunds', 'Talk to a person']);
    expect(replies[0]!.elements).toBeUndefined();
  });

  it('describes the elements in the OpenAPI document, in replies and in the transcript', async () => {
    const document = (await server.app.inject('/openapi.json')).json();
    const messagesPath = document.paths['/v1/conversations/{id}/messages'];
    const reply = messagesPath.post.responses['200'].content['application/json'].schema.properties.replies.items;
    const transcriptMessage = messagesPath.get.responses['200'].content['application/json'].schema.properties.messages.items;
    for (const schema of [reply, transcriptMessage]) {
      const kinds = schema.properties.elements.items.oneOf.map((option: { properties: { kind: { enum: string[] } } }) => option.properties.kind.enum[0]);
      expect(kinds).toEqual(['card', 'carousel', 'image', 'link', 'chart']);
      for (const option of schema.properties.elements.items.oneOf) expect(option.required).toContain('fallback');
    }
    expect(reply.properties.elements.items.oneOf[3].properties.url.pattern).toContain('https?');
  });
});

describe('a bot whose answers carry every kind of element', () => {
  const everyElement = `
      - kind: card
        title: Hello
        subtitle: Outdoor gear since 2019
        image_url: https://parleyshop.example/logo.png
        buttons:
          - { title: Say hi, payload: /greet }
        fallback: Parley Shop - outdoor gear since 2019
      - kind: carousel
        cards:
          - { kind: card, title: Shoes, fallback: Shoes }
          - { kind: card, title: Jackets, image_url: "https://parleyshop.example/jackets.jpg", fallback: Jackets }
        fallback: We sell shoes and jackets.
      - kind: image
        url: https://parleyshop.example/store.jpg
        alt: Our store front
        fallback: Our store is at 1 Main Street.
      - kind: link
        url: https://parleyshop.example/returns
        title: Start a return
        fallback: "Start a return: https://parleyshop.example/returns"
      - kind: chart
        chart:
          type: bar
          title: Parcels this week
          labels: [Mon, Tue]
          series:
            - { name: Sent, values: [12, 7] }
            - { name: Returned, values: [1, 0] }
        fallback: auto`;
  const files: Record<string, string> = {
    'bot.yaml': 'name: showcase\n',
    'intents/main.yaml': 'intents:\n  - name: greet\n    examples: [hi, hello, hey there, good morning, hello there]\n',
    'flows/main.yaml': 'flows:\n  - name: greet\n    trigger: { intents: [greet] }\n    steps:\n      - say: greet\n',
    // Both answers are the same, so whatever the model makes of a message, the reply is known.
    'responses.yaml': `responses:\n  greet:\n    - text: Here is everything.\n      elements: &all${everyElement.replace(/\n/g, '\n    ')}\n  fallback:\n    - text: Here is everything.\n      elements: *all\n`,
  };
  let server: TestServer;
  let botDir: string;

  beforeAll(async () => {
    botDir = await mkdtemp(join(tmpdir(), 'parley-rich-bot-'));
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(botDir, path)), { recursive: true });
      await writeFile(join(botDir, path), content);
    }
    server = await startTestServer({ PARLEY_BOT: botDir });
  });
  afterAll(async () => {
    await server.close();
    await rm(botDir, { recursive: true, force: true });
  });

  const expected = [
    {
      kind: 'card',
      title: 'Hello',
      subtitle: 'Outdoor gear since 2019',
      image_url: 'https://parleyshop.example/logo.png',
      buttons: [{ title: 'Say hi', payload: '/greet' }],
      fallback: 'Parley Shop - outdoor gear since 2019',
    },
    {
      kind: 'carousel',
      cards: [
        { kind: 'card', title: 'Shoes', fallback: 'Shoes' },
        { kind: 'card', title: 'Jackets', image_url: 'https://parleyshop.example/jackets.jpg', fallback: 'Jackets' },
      ],
      fallback: 'We sell shoes and jackets.',
    },
    { kind: 'image', url: 'https://parleyshop.example/store.jpg', alt: 'Our store front', fallback: 'Our store is at 1 Main Street.' },
    { kind: 'link', url: 'https://parleyshop.example/returns', title: 'Start a return', fallback: 'Start a return: https://parleyshop.example/returns' },
    {
      kind: 'chart',
      chart: {
        type: 'bar',
        title: 'Parcels this week',
        labels: ['Mon', 'Tue'],
        series: [
          { name: 'Sent', values: [12, 7] },
          { name: 'Returned', values: [1, 0] },
        ],
      },
      fallback: 'Parcels this week\nMon: Sent 12, Returned 1\nTue: Sent 7, Returned 0',
    },
  ];

  it('returns them in the reply, with a chart\'s generated fallback, and again for a repeated message id', async () => {
    const conversation = await startConversation(server.app);
    const first = await send(server, conversation, 'hello', 'msg-1');
    expect(first.replies).toHaveLength(1);
    expect(first.replies[0]).toMatchObject({ type: 'text', text: 'Here is everything.', elements: expected });
    expect(plainTextOf(first.replies[0]!)).toBe(
      [
        'Here is everything.',
        'Parley Shop - outdoor gear since 2019',
        'We sell shoes and jackets.',
        'Our store is at 1 Main Street.',
        'Start a return: https://parleyshop.example/returns',
        'Parcels this week\nMon: Sent 12, Returned 1\nTue: Sent 7, Returned 0',
      ].join('\n\n'),
    );
    const again = await send(server, conversation, 'hello', 'msg-1');
    expect(again.duplicate).toBe(true);
    expect(again.replies).toEqual(first.replies);
  });

  it('shows them in the transcript, read back from the store', async () => {
    const conversation = await startConversation(server.app);
    const { replies } = await send(server, conversation, 'good morning');
    const { messages } = await transcript(server, conversation);
    expect(messages.map((message) => message.role)).toEqual(['user', 'bot']);
    expect(messages[1]).toMatchObject({ id: replies[0]!.id, text: 'Here is everything.', elements: expected });
  });
});

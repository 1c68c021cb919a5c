import { describe, expect, it } from 'vitest';
import {
  chartTable,
  outgoingMessageSchema,
  plainTextOf,
  responseVariationSchema,
  richElementSchema,
  type OutgoingMessage,
  type RichElement,
} from '../../src/core/index.js';
import { renderElement, renderResponse } from '../../src/dialogue/index.js';

const card: Extract<RichElement, { kind: 'card' }> = {
  kind: 'card',
  title: 'Trail running shoes',
  subtitle: 'Size 42',
  image_url: 'https://parleyshop.example/img/shoes.jpg',
  buttons: [{ title: 'Buy', payload: '/buy' }],
  fallback: 'Trail running shoes, size 42: https://parleyshop.example/p/shoes',
};

const chart: Extract<RichElement, { kind: 'chart' }> = {
  kind: 'chart',
  chart: {
    type: 'bar',
    title: 'Orders per month',
    labels: ['Jan', 'Feb', 'Mar'],
    series: [
      { name: 'Orders', values: [3, 5, 2.5] },
      { name: 'Returns', values: [1, 0, 1] },
    ],
    unit: 'parcels',
  },
  fallback: 'auto',
};

function message(elements: RichElement[], extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { type: 'text', text: 'Here you go.', elements, ...extra };
}

describe('the rich element schema', () => {
  it('accepts every kind of element', () => {
    const elements: RichElement[] = [
      card,
      { kind: 'card', title: 'Minimal', fallback: 'Minimal' },
      { kind: 'carousel', cards: [card, { ...card, title: 'Beanie' }], fallback: 'Shoes or a beanie' },
      { kind: 'image', url: 'http://parleyshop.example/map.png', alt: 'Map of the store', fallback: 'Our store is at 1 Main St.' },
      { kind: 'link', url: 'https://parleyshop.example/returns', title: 'Start a return', fallback: 'Start a return: https://parleyshop.example/returns' },
      chart,
      { kind: 'chart', chart: { type: 'pie', labels: ['Yes'], series: [{ name: 'Votes', values: [1] }] }, fallback: 'All yes.' },
    ];
    const parsed = outgoingMessageSchema.safeParse(message(elements));
    expect(parsed.success).toBe(true);
    expect(parsed.data?.elements).toEqual(elements);
  });

  it('keeps text and buttons exactly as before: a message without elements is still valid', () => {
    const plain = { type: 'text', text: 'Hi', buttons: [{ title: 'Track my order', payload: '/order_status' }] };
    expect(outgoingMessageSchema.parse(plain)).toEqual(plain);
  });

  it.each([
    ['a missing fallback', { kind: 'link', url: 'https://a.example', title: 'A' }, ['fallback']],
    ['an empty fallback', { kind: 'image', url: 'https://a.example/i.png', alt: 'A', fallback: '' }, ['fallback']],
    ['an unknown kind', { kind: 'video', url: 'https://a.example', fallback: 'A' }, ['kind']],
    ['a javascript: link', { kind: 'link', url: 'javascript:alert(1)', title: 'A', fallback: 'A' }, ['url']],
    ['an ftp image', { kind: 'image', url: 'ftp://a.example/i.png', alt: 'A', fallback: 'A' }, ['url']],
    ['a data: image on a card', { ...card, image_url: 'data:image/png;base64,AAAA' }, ['image_url']],
    ['an address with a space', { kind: 'link', url: 'https://a.example/x y', title: 'A', fallback: 'A' }, ['url']],
    ['an unknown key', { ...card, colour: 'red' }, []],
    ['a carousel of one card', { kind: 'carousel', cards: [card], fallback: 'A' }, ['cards']],
    ['a carousel of eleven cards', { kind: 'carousel', cards: Array.from({ length: 11 }, () => card), fallback: 'A' }, ['cards']],
    ['a carousel item that is not a card', { kind: 'carousel', cards: [card, { kind: 'link', url: 'https://a.example', title: 'A', fallback: 'A' }], fallback: 'A' }, ['cards', 1, 'kind']],
    ['an unknown chart type', { ...chart, chart: { ...chart.chart, type: 'donut' } }, ['chart', 'type']],
    ['a chart without series', { ...chart, chart: { ...chart.chart, series: [] } }, ['chart', 'series']],
    ['a value that is not a number', { ...chart, chart: { ...chart.chart, series: [{ name: 'Orders', values: [1, '2', 3] }] } }, ['chart', 'series', 0, 'values', 1]],
    ['a series with fewer values than labels', { ...chart, chart: { ...chart.chart, series: [{ name: 'Orders', values: [1, 2] }] } }, ['chart', 'series', 0, 'values']],
  ])('rejects %s', (_name, element, path) => {
    const parsed = richElementSchema.safeParse(element);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(path);
  });

  it('says which series does not match its labels', () => {
    const parsed = richElementSchema.safeParse({ ...chart, chart: { ...chart.chart, series: [chart.chart.series[0], { name: 'Returns', values: [1] }] } });
    expect(parsed.error!.issues[0]!.message).toBe('series "Returns" has 1 value but the chart has 3 labels: give one value per label');
  });

  it('accepts elements in a response variation, and rejects more than ten', () => {
    expect(responseVariationSchema.safeParse({ text: 'Hi', elements: [card] }).success).toBe(true);
    expect(responseVariationSchema.safeParse({ text: 'Hi', elements: Array.from({ length: 11 }, () => card) }).success).toBe(false);
    expect(responseVariationSchema.safeParse({ text: 'Hi', elements: [] }).success).toBe(false);
  });
});

describe('plainTextOf', () => {
  it('is the text alone for a plain message', () => {
    expect(plainTextOf({ type: 'text', text: 'Hello!' })).toBe('Hello!');
  });

  it('numbers the buttons after the text', () => {
    const buttons = [
      { title: 'Track my order', payload: '/order_status' },
      { title: 'Shipping info', payload: '/shipping_info' },
    ];
    expect(plainTextOf({ type: 'text', text: 'How can I help?', buttons })).toBe('How can I help?\n\n1. Track my order\n2. Shipping info');
  });

  it('shows a card as its fallback', () => {
    expect(plainTextOf(message([card]))).toBe('Here you go.\n\nTrail running shoes, size 42: https://parleyshop.example/p/shoes');
  });

  it('shows a carousel as its own fallback, not its cards\'', () => {
    const carousel: RichElement = { kind: 'carousel', cards: [card, { ...card, title: 'Beanie', fallback: 'Beanie' }], fallback: 'Shoes (89 EUR) or a beanie (19 EUR)' };
    expect(plainTextOf(message([carousel]))).toBe('Here you go.\n\nShoes (89 EUR) or a beanie (19 EUR)');
  });

  it('shows an image as its fallback', () => {
    const image: RichElement = { kind: 'image', url: 'https://parleyshop.example/map.png', alt: 'Map', fallback: 'We are at 1 Main Street.' };
    expect(plainTextOf(message([image]))).toBe('Here you go.\n\nWe are at 1 Main Street.');
  });

  it('shows a link as its fallback', () => {
    const link: RichElement = { kind: 'link', url: 'https://parleyshop.example/returns', title: 'Returns', fallback: 'Start a return: https://parleyshop.example/returns' };
    expect(plainTextOf(message([link]))).toBe('Here you go.\n\nStart a return: https://parleyshop.example/returns');
  });

  it('shows a chart as its written fallback', () => {
    expect(plainTextOf(message([{ ...chart, fallback: 'Orders went up in February.' }]))).toBe('Here you go.\n\nOrders went up in February.');
  });

  it('turns a chart with "fallback: auto" into a compact table', () => {
    expect(plainTextOf(message([chart]))).toBe(
      'Here you go.\n\nOrders per month (parcels)\nJan: Orders 3, Returns 1\nFeb: Orders 5, Returns 0\nMar: Orders 2.5, Returns 1',
    );
  });

  it('puts the text first, then every fallback in order, then the buttons', () => {
    const link: RichElement = { kind: 'link', url: 'https://a.example', title: 'A', fallback: 'Link A' };
    const image: RichElement = { kind: 'image', url: 'https://a.example/i.png', alt: 'I', fallback: 'Image I' };
    const buttons = [{ title: 'Talk to a person', payload: '/human' }];
    expect(plainTextOf(message([link, image], { buttons }))).toBe('Here you go.\n\nLink A\n\nImage I\n\n1. Talk to a person');
  });
});

describe('chartTable', () => {
  it('writes one value per line for a single series', () => {
    expect(chartTable({ type: 'line', title: 'Visits', labels: ['Mon', 'Tue'], series: [{ name: 'Visits', values: [120, 98] }] })).toBe('Visits\nMon: 120\nTue: 98');
  });

  it('names the unit without a title, and leaves out the heading without either', () => {
    expect(chartTable({ type: 'pie', labels: ['UPS', 'DHL'], series: [{ name: 'Share', values: [60, 40] }], unit: '%' })).toBe('Values in %\nUPS: 60\nDHL: 40');
    expect(chartTable({ type: 'bar', labels: ['A'], series: [{ name: 'S', values: [1] }] })).toBe('A: 1');
  });
});

describe('templates in elements', () => {
  const slots = {
    order: { id: '20481', carrier: 'DHL', tracking_number: 'JD0146', items: 'trail shoes', month: 'March' },
    name: 'Ada Lovelace',
  };

  it('are rendered in every text field of every kind', () => {
    const rendered = renderResponse(
      [
        {
          text: 'Order {order.id}',
          elements: [
            {
              kind: 'card',
              title: 'Order {order.id}',
              subtitle: '{order.items}',
              image_url: 'https://parleyshop.example/img/{order.id}.jpg',
              buttons: [{ title: 'Track {order.id}', payload: 'track {order.id}' }],
              fallback: 'Order {order.id}: {order.items}',
            },
            {
              kind: 'carousel',
              cards: [
                { kind: 'card', title: '{order.carrier} 1', fallback: 'one {order.id}' },
                { kind: 'card', title: '{order.carrier} 2', fallback: 'two {order.id}' },
              ],
              fallback: 'Two cards for {name}',
            },
            { kind: 'image', url: 'https://parleyshop.example/{order.carrier}.png', alt: 'Logo of {order.carrier}', fallback: 'Sent with {order.carrier}' },
            { kind: 'link', url: 'https://parleyshop.example/track?n={order.tracking_number}', title: 'Track with {order.carrier}', fallback: 'Track: {order.tracking_number}' },
            {
              kind: 'chart',
              chart: { type: 'bar', title: 'Order {order.id}', labels: ['{order.month}', 'April'], series: [{ name: '{order.carrier}', values: [1, 2] }], unit: '{order.carrier} parcels' },
              fallback: 'Parcels for {name}',
            },
          ],
        },
      ],
      'turn-1',
      'order',
      slots,
    );
    expect(rendered.elements).toEqual([
      {
        kind: 'card',
        title: 'Order 20481',
        subtitle: 'trail shoes',
        image_url: 'https://parleyshop.example/img/20481.jpg',
        buttons: [{ title: 'Track 20481', payload: 'track 20481' }],
        fallback: 'Order 20481: trail shoes',
      },
      {
        kind: 'carousel',
        cards: [
          { kind: 'card', title: 'DHL 1', fallback: 'one 20481' },
          { kind: 'card', title: 'DHL 2', fallback: 'two 20481' },
        ],
        fallback: 'Two cards for Ada Lovelace',
      },
      { kind: 'image', url: 'https://parleyshop.example/DHL.png', alt: 'Logo of DHL', fallback: 'Sent with DHL' },
      { kind: 'link', url: 'https://parleyshop.example/track?n=JD0146', title: 'Track with DHL', fallback: 'Track: JD0146' },
      {
        kind: 'chart',
        chart: { type: 'bar', title: 'Order 20481', labels: ['March', 'April'], series: [{ name: 'DHL', values: [1, 2] }], unit: 'DHL parcels' },
        fallback: 'Parcels for Ada Lovelace',
      },
    ]);
    expect(outgoingMessageSchema.safeParse(rendered).success).toBe(true);
  });

  it('URL-encode values placed in an address, but not in texts', () => {
    const link: RichElement = { kind: 'link', url: 'https://parleyshop.example/hello?name={name}', title: 'Hello {name}', fallback: 'Hello {name}' };
    expect(renderElement(link, { name: 'Ada Lovelace & co/x?' })).toEqual({
      kind: 'link',
      url: 'https://parleyshop.example/hello?name=Ada%20Lovelace%20%26%20co%2Fx%3F',
      title: 'Hello Ada Lovelace & co/x?',
      fallback: 'Hello Ada Lovelace & co/x?',
    });
  });

  it('turn "fallback: auto" into the table of the filled-in chart', () => {
    const rendered = renderElement({ ...chart, chart: { ...chart.chart, title: 'Orders of {name}', labels: ['{order.month}', 'Apr', 'May'] } }, slots);
    expect(rendered?.fallback).toBe('Orders of Ada Lovelace (parcels)\nMarch: Orders 3, Returns 1\nApr: Orders 5, Returns 0\nMay: Orders 2.5, Returns 1');
  });

  it('leave out an element that is no longer valid once filled, and keep the rest of the message', () => {
    const rendered = renderResponse(
      [
        {
          text: 'Your order',
          buttons: [{ title: 'Help', payload: '/help' }],
          elements: [
            { kind: 'link', url: 'https://{shop.host}/orders', title: 'Orders', fallback: 'Orders' },
            { kind: 'image', url: 'https://parleyshop.example/a.png', alt: 'A', fallback: 'A' },
          ],
        },
      ],
      'turn-1',
      'order',
      {},
    );
    expect(rendered).toEqual({
      type: 'text',
      text: 'Your order',
      buttons: [{ title: 'Help', payload: '/help' }],
      elements: [{ kind: 'image', url: 'https://parleyshop.example/a.png', alt: 'A', fallback: 'A' }],
    });
  });

  it('leave a message without elements when none survives', () => {
    const rendered = renderResponse([{ text: 'Hi', elements: [{ kind: 'link', url: 'https://{shop.host}', title: 'Shop', fallback: 'Shop' }] }], 'turn-1', 'hi', {});
    expect(rendered).toEqual({ type: 'text', text: 'Hi' });
  });
});

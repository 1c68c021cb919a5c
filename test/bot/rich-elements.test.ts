import { afterAll, describe, expect, it } from 'vitest';
import { loadBotFolder } from '../../src/bot/index.js';
import { errorsOf, expectProblem, removeWrittenBots, writeBot, yaml } from './bot-fixture.js';

afterAll(removeWrittenBots);

async function load(responses: string) {
  return loadBotFolder(await writeBot({ 'responses.yaml': responses }));
}

async function problemsOf(responses: string) {
  return (await load(responses)).problems;
}

describe('responses with rich elements', () => {
  it('load with every kind of element, placeholders in addresses included', async () => {
    const { bot, problems } = await load(
      yaml(`
        responses:
          fallback:
            - text: Sorry?
          greet:
            - text: Hello!
              buttons:
                - title: Say hi
                  payload: /greet
              elements:
                - kind: card
                  title: Parley Shop
                  subtitle: Outdoor gear since 2019
                  image_url: https://parleyshop.example/logo.png
                  buttons:
                    - title: Say hi again
                      payload: /greet
                  fallback: "Parley Shop - outdoor gear since 2019"
                - kind: carousel
                  cards:
                    - { kind: card, title: Shoes, fallback: Shoes }
                    - { kind: card, title: Jackets, fallback: Jackets }
                  fallback: We sell shoes and jackets.
                - kind: image
                  url: http://parleyshop.example/store.jpg
                  alt: Our store front
                  fallback: Our store is at 1 Main Street.
                - kind: link
                  url: https://parleyshop.example/search?q={greeting}
                  title: Search
                  fallback: "Search: https://parleyshop.example/search"
                - kind: chart
                  chart:
                    type: line
                    title: Visitors
                    labels: [Mon, Tue]
                    series:
                      - name: Visitors
                        values: [120, 98.5]
                    unit: people
                  fallback: auto
      `),
    );
    expect(errorsOf(problems)).toEqual([]);
    expect(bot!.responses.greet![0]!.elements!.map((element) => element.kind)).toEqual(['card', 'carousel', 'image', 'link', 'chart']);
    expect(bot!.responses.greet![0]!.buttons).toEqual([{ title: 'Say hi', payload: '/greet' }]);
  });

  it('report a chart series whose values do not match the labels, at the values, with a hint', async () => {
    const problems = await problemsOf(
      yaml(`
        responses:
          fallback:
            - text: Sorry?
          greet:
            - text: Hello!
              elements:
                - kind: chart
                  chart:
                    type: bar
                    labels: [Jan, Feb, Mar]
                    series:
                      - name: Orders
                        values: [3, 5]
                      - name: Returns
                        values: [1, 0, 1, 2]
                      - name: Exchanges
                        values: [0, 0, 1]
                  fallback: auto
      `),
    );
    expect(errorsOf(problems)).toHaveLength(2);
    expectProblem(problems, {
      file: 'responses.yaml',
      line: 13,
      column: 25,
      severity: 'error',
      message: 'series "Orders" has 2 values but the chart has 3 labels',
      hint: 'give one value per label, in the order of "labels" (Jan, Feb, Mar): add the missing values or remove labels',
    });
    expectProblem(problems, {
      file: 'responses.yaml',
      line: 15,
      severity: 'error',
      message: 'series "Returns" has 4 values but the chart has 3 labels',
      hint: 'remove the extra values or add the missing labels',
    });
  });

  it('report an image or link address that is not http(s), once, with an example', async () => {
    const problems = await problemsOf(
      yaml(`
        responses:
          fallback:
            - text: Sorry?
          greet:
            - text: Hello!
              elements:
                - kind: link
                  url: javascript:alert(1)
                  title: Click
                  fallback: Click
          bye:
            - text: Bye!
              elements:
                - kind: image
                  url: parleyshop.example/bye.png
                  alt: Waving hand
                  fallback: Bye
                - kind: card
                  title: Come back
                  image_url: ftp://parleyshop.example/card.png
                  fallback: Come back
      `),
    );
    expect(errorsOf(problems)).toHaveLength(3);
    expectProblem(problems, {
      file: 'responses.yaml',
      line: 8,
      column: 16,
      severity: 'error',
      message: '"url" has an invalid format: "javascript:alert(1)"',
      hint: 'use a web address starting with https:// or http://, e.g. https://parleyshop.example/track',
    });
    expectProblem(problems, { file: 'responses.yaml', line: 15, severity: 'error', message: '"url" has an invalid format: "parleyshop.example/bye.png"', hint: 'https://' });
    expectProblem(problems, { file: 'responses.yaml', line: 20, column: 22, severity: 'error', message: '"image_url" has an invalid format', hint: 'https://' });
  });

  it('require a fallback and a known kind', async () => {
    const problems = await problemsOf(
      yaml(`
        responses:
          fallback:
            - text: Sorry?
          greet:
            - text: Hello!
              elements:
                - kind: link
                  url: https://parleyshop.example
                  title: Shop
          bye:
            - text: Bye!
              elements:
                - kind: video
                  url: https://parleyshop.example/bye.mp4
                  fallback: Bye
      `),
    );
    expectProblem(problems, { file: 'responses.yaml', line: 7, column: 11, severity: 'error', message: 'missing "fallback"', hint: 'add "fallback:"' });
    expectProblem(problems, { file: 'responses.yaml', line: 13, severity: 'error', message: 'unknown kind "video"', hint: 'use one of: card, carousel, image, link, chart' });
  });

  it('report "fallback: auto" on anything but a chart', async () => {
    const problems = await problemsOf(
      yaml(`
        responses:
          fallback:
            - text: Sorry?
          greet:
            - text: Hello!
              elements:
                - kind: link
                  url: https://parleyshop.example
                  title: Shop
                  fallback: auto
      `),
    );
    expectProblem(problems, {
      file: 'responses.yaml',
      line: 10,
      column: 21,
      severity: 'error',
      message: 'only a chart can generate its fallback, but this is a link',
      hint: 'write the plain text a channel shows when it cannot display the link',
    });
  });

  it('report a card button naming an unknown intent, in a carousel too', async () => {
    const problems = await problemsOf(
      yaml(`
        responses:
          fallback:
            - text: Sorry?
          greet:
            - text: Hello!
              elements:
                - kind: card
                  title: Hi
                  fallback: Hi
                  buttons:
                    - title: Again
                      payload: /gret
                - kind: carousel
                  fallback: Two cards
                  cards:
                    - { kind: card, title: A, fallback: A }
                    - kind: card
                      title: B
                      fallback: B
                      buttons: [{ title: Bye, payload: /goodbye }]
      `),
    );
    expectProblem(problems, { file: 'responses.yaml', line: 12, column: 24, severity: 'error', message: 'a button sends "/gret", which is not an intent', hint: 'did you mean "/greet"?' });
    expectProblem(problems, { file: 'responses.yaml', line: 20, column: 48, severity: 'error', message: 'a button sends "/goodbye", which is not an intent' });
  });

  it('warn about a placeholder in an element that no flow fills', async () => {
    const problems = await problemsOf(
      yaml(`
        responses:
          fallback:
            - text: Sorry?
          greet:
            - text: Hello!
              elements:
                - kind: link
                  url: https://parleyshop.example/orders/{order_number}
                  title: Your order
                  fallback: Your order
      `),
    );
    expect(errorsOf(problems)).toEqual([]);
    expectProblem(problems, { file: 'responses.yaml', line: 8, column: 16, severity: 'warning', message: 'response "greet" uses {order_number}, but no flow collects' });
  });
});

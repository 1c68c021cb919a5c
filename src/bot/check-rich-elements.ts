import { AUTO_FALLBACK, chartSeriesMismatches } from '../core/index.js';
import type { Button, ResponseVariation } from '../core/index.js';
import type { BotModel } from './bot-model.js';
import type { BotProblem } from './bot-problem.js';
import { problemAt } from './problem-at.js';
import type { DataPath } from './source-file.js';

type Element = NonNullable<ResponseVariation['elements']>[number];

/** A text field of a variation that may hold `{slot}` placeholders, and where it is written. */
export interface VariationText {
  readonly text: string;
  readonly path: DataPath;
}

/** Every text of a variation's elements, paths relative to the variation. */
export function elementTexts(variation: ResponseVariation): VariationText[] {
  const texts: VariationText[] = [];
  const add = (text: string | undefined, path: DataPath) => {
    if (text !== undefined) texts.push({ text, path });
  };
  (variation.elements ?? []).forEach((element, index) => {
    const at = ['elements', index];
    add(element.fallback, [...at, 'fallback']);
    switch (element.kind) {
      case 'card':
        cardTexts(element, at, add);
        break;
      case 'carousel':
        element.cards.forEach((card, cardIndex) => {
          add(card.fallback, [...at, 'cards', cardIndex, 'fallback']);
          cardTexts(card, [...at, 'cards', cardIndex], add);
        });
        break;
      case 'image':
        add(element.url, [...at, 'url']);
        add(element.alt, [...at, 'alt']);
        break;
      case 'link':
        add(element.url, [...at, 'url']);
        add(element.title, [...at, 'title']);
        break;
      case 'chart':
        add(element.chart.title, [...at, 'chart', 'title']);
        add(element.chart.unit, [...at, 'chart', 'unit']);
        element.chart.labels.forEach((label, labelIndex) => add(label, [...at, 'chart', 'labels', labelIndex]));
        element.chart.series.forEach((series, seriesIndex) => add(series.name, [...at, 'chart', 'series', seriesIndex, 'name']));
        break;
    }
  });
  return texts;
}

type Card = Extract<Element, { kind: 'card' }>;

function cardTexts(card: Card, at: DataPath, add: (text: string | undefined, path: DataPath) => void): void {
  add(card.title, [...at, 'title']);
  add(card.subtitle, [...at, 'subtitle']);
  add(card.image_url, [...at, 'image_url']);
  card.buttons?.forEach((button, index) => {
    add(button.title, [...at, 'buttons', index, 'title']);
    add(button.payload, [...at, 'buttons', index, 'payload']);
  });
}

/** Every button of a variation, its own and those on cards, paths relative to the variation. */
export function variationButtons(variation: ResponseVariation): { readonly button: Button; readonly path: DataPath }[] {
  const buttons: { button: Button; path: DataPath }[] = [];
  const addCard = (card: Card, at: DataPath) => card.buttons?.forEach((button, index) => buttons.push({ button, path: [...at, 'buttons', index] }));
  variation.buttons?.forEach((button, index) => buttons.push({ button, path: ['buttons', index] }));
  (variation.elements ?? []).forEach((element, index) => {
    if (element.kind === 'card') addCard(element, ['elements', index]);
    if (element.kind === 'carousel') element.cards.forEach((card, cardIndex) => addCard(card, ['elements', index, 'cards', cardIndex]));
  });
  return buttons;
}

/**
 * What the schema cannot say about elements: every chart series has one value per label, and
 * only a chart can generate its fallback.
 */
export function checkRichElements(model: BotModel): BotProblem[] {
  const problems: BotProblem[] = [];
  for (const response of model.responses.values()) {
    response.value.forEach((variation, variationIndex) => {
      (variation.elements ?? []).forEach((element, index) => {
        const at = [...response.path, variationIndex, 'elements', index];
        if (element.kind === 'chart') {
          const { labels } = element.chart;
          for (const mismatch of chartSeriesMismatches(element.chart)) {
            const more = mismatch.values > labels.length;
            problems.push(
              problemAt('error', response.file, [...at, 'chart', 'series', mismatch.index, 'values'], {
                message: `series "${mismatch.name}" has ${mismatch.values} value${mismatch.values === 1 ? '' : 's'} but the chart has ${labels.length} label${labels.length === 1 ? '' : 's'}`,
                hint: `give one value per label, in the order of "labels" (${inOrder(labels)}): ${more ? 'remove the extra values or add the missing labels' : 'add the missing values or remove labels'}`,
              }),
            );
          }
        } else if (element.fallback.trim() === AUTO_FALLBACK) {
          problems.push(
            problemAt('error', response.file, [...at, 'fallback'], {
              message: `only a chart can generate its fallback, but this is a ${element.kind}`,
              hint: `write the plain text a channel shows when it cannot display the ${element.kind}${element.kind === 'link' || element.kind === 'image' ? ', e.g. a sentence with the address in it' : ''}`,
            }),
          );
        }
      });
    });
  }
  return problems;
}

/** Labels as written (their order matters), shortened when there are many. */
function inOrder(labels: readonly string[], max = 12): string {
  const shown = labels.slice(0, max).join(', ');
  return labels.length > max ? `${shown}, …` : shown;
}

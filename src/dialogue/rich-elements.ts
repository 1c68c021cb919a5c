import { AUTO_FALLBACK, chartTable, richElementSchema } from '../core/index.js';
import type { Button, RichElement } from '../core/index.js';
import { renderTemplate } from './templates.js';

type Values = Readonly<Record<string, unknown>>;

/**
 * Fills `{slot.path}` placeholders in every text field of an element: titles, subtitles, alt
 * texts, fallbacks, URLs, button titles and payloads, chart labels, series names and unit. In a
 * URL the values are URL-encoded, so a slot cannot add a path, a query or a space to it.
 *
 * A chart's `fallback: auto` becomes its table here, so every message that leaves the engine
 * carries real fallback text. An element that is no longer valid once filled (a URL whose host
 * came from an empty slot) is left out: the message's text still stands on its own. Returns
 * undefined for such an element.
 */
export function renderElement(element: RichElement, values: Values): RichElement | undefined {
  const text = (template: string) => renderTemplate(template, values);
  const url = (template: string) => renderTemplate(template, urlEncoded(values) as Values);
  const rendered = renderFields(element, text, url);
  const checked = richElementSchema.safeParse(rendered);
  return checked.success ? checked.data : undefined;
}

export function renderElements(elements: readonly RichElement[], values: Values): RichElement[] {
  return elements.flatMap((element) => renderElement(element, values) ?? []);
}

type Render = (template: string) => string;

function renderFields(element: RichElement, text: Render, url: Render): RichElement {
  switch (element.kind) {
    case 'card':
      return renderCard(element, text, url);
    case 'carousel':
      return { kind: 'carousel', cards: element.cards.map((card) => renderCard(card, text, url)), fallback: text(element.fallback) };
    case 'image':
      return { kind: 'image', url: url(element.url), alt: text(element.alt), fallback: text(element.fallback) };
    case 'link':
      return { kind: 'link', url: url(element.url), title: text(element.title), fallback: text(element.fallback) };
    case 'chart': {
      const { chart } = element;
      const filled = {
        type: chart.type,
        ...(chart.title === undefined ? {} : { title: text(chart.title) }),
        labels: chart.labels.map(text),
        series: chart.series.map((series) => ({ name: text(series.name), values: [...series.values] })),
        ...(chart.unit === undefined ? {} : { unit: text(chart.unit) }),
      };
      const fallback = element.fallback.trim() === AUTO_FALLBACK ? chartTable(filled) : text(element.fallback);
      return { kind: 'chart', chart: filled, fallback };
    }
  }
}

function renderCard<T extends Extract<RichElement, { kind: 'card' }>>(card: T, text: Render, url: Render): T {
  return {
    ...card,
    title: text(card.title),
    ...(card.subtitle === undefined ? {} : { subtitle: text(card.subtitle) }),
    ...(card.image_url === undefined ? {} : { image_url: url(card.image_url) }),
    ...(card.buttons === undefined ? {} : { buttons: card.buttons.map((button) => renderButton(button, text)) }),
    fallback: text(card.fallback),
  };
}

export function renderButton(button: Button, text: Render): Button {
  return { title: text(button.title), payload: text(button.payload) };
}

/** The slot values with every scalar URL-encoded, keeping the object structure placeholders walk. */
function urlEncoded(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map(urlEncoded);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, urlEncoded(inner)]));
  return encodeURIComponent(String(value));
}

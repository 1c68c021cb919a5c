// Rich elements: cards, carousels, images, links and charts; each falls back to its text when it
// cannot be drawn (an address that is not http(s), an element kind this widget does not know).

import { renderChart } from './chart.js';
import { h, safeUrl } from './dom.js';
import type { Button, Card, Carousel, RichElement } from './types.js';

export interface RichOptions {
  /** A button was pressed: send its payload, show its title. */
  onButton(button: Button): void;
  /** A chart value was pressed: send this text. */
  onSelect(text: string): void;
}

export function renderButtons(buttons: readonly Button[], options: RichOptions, className = 'parley-quick-replies'): HTMLElement {
  return h(
    'div',
    { class: className, role: 'group', 'aria-label': 'Suggested replies' },
    ...buttons.map((button) => {
      const element = h('button', { type: 'button', class: 'parley-reply', 'data-payload': button.payload }, button.title);
      element.addEventListener('click', () => options.onButton(button));
      return element;
    }),
  );
}

function fallbackText(element: { readonly fallback: string }): HTMLElement {
  return h('p', { class: 'parley-fallback' }, element.fallback);
}

function renderCard(card: Card, options: RichOptions): HTMLElement {
  const image = card.image_url ? safeUrl(card.image_url) : null;
  return h(
    'article',
    { class: 'parley-card' },
    image ? h('img', { src: image, alt: '', loading: 'lazy', class: 'parley-card-image' }) : null,
    h('div', { class: 'parley-card-body' }, h('h3', { class: 'parley-card-title' }, card.title), card.subtitle ? h('p', { class: 'parley-card-subtitle' }, card.subtitle) : null),
    card.buttons && card.buttons.length > 0 ? renderButtons(card.buttons, options, 'parley-card-buttons') : null,
  );
}

function renderCarousel(carousel: Carousel, options: RichOptions): HTMLElement {
  const track = h('div', { class: 'parley-carousel-track', tabindex: 0, role: 'list', 'aria-label': 'Cards' });
  carousel.cards.forEach((card, index) => {
    const item = h('div', { class: 'parley-carousel-item', role: 'listitem', 'aria-label': `${index + 1} of ${carousel.cards.length}` }, renderCard(card, options));
    track.append(item);
  });
  const previous = h('button', { type: 'button', class: 'parley-carousel-prev', 'aria-label': 'Previous card' }, '‹');
  const next = h('button', { type: 'button', class: 'parley-carousel-next', 'aria-label': 'Next card' }, '›');
  const step = () => (track.firstElementChild as HTMLElement | null)?.offsetWidth ?? track.clientWidth;
  const update = () => {
    // A few pixels of slack: snapping and padding leave the ends a pixel or two off.
    previous.disabled = track.scrollLeft <= 4;
    next.disabled = track.scrollLeft + track.clientWidth >= track.scrollWidth - 4;
  };
  previous.addEventListener('click', () => track.scrollBy({ left: -step(), behavior: 'smooth' }));
  next.addEventListener('click', () => track.scrollBy({ left: step(), behavior: 'smooth' }));
  track.addEventListener('scroll', update, { passive: true });
  // Sizes are known once the carousel is shown (the panel may be closed when it arrives), and
  // change with the panel.
  previous.disabled = true;
  if (typeof ResizeObserver === 'function') new ResizeObserver(update).observe(track);
  else requestAnimationFrame(update);
  return h('div', { class: 'parley-carousel', role: 'group', 'aria-roledescription': 'carousel', 'aria-label': `${carousel.cards.length} cards` }, previous, track, next);
}

export function renderElement(element: RichElement, options: RichOptions): HTMLElement {
  switch (element.kind) {
    case 'card':
      return renderCard(element, options);
    case 'carousel':
      return renderCarousel(element, options);
    case 'image': {
      const url = safeUrl(element.url);
      return url ? h('img', { src: url, alt: element.alt, loading: 'lazy', class: 'parley-image' }) : fallbackText(element);
    }
    case 'link': {
      const url = safeUrl(element.url);
      return url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'parley-link' }, element.title) : fallbackText(element);
    }
    case 'chart':
      return renderChart(element.chart, { onSelect: options.onSelect });
    default: {
      // An element kind newer than this widget: its fallback text always makes sense.
      const unknown = element as { fallback?: unknown };
      return h('p', { class: 'parley-fallback' }, typeof unknown.fallback === 'string' ? unknown.fallback : '');
    }
  }
}

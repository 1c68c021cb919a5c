// One message in the log: a user, bot or agent bubble. Each carries data-id (the message id) and,
// once recorded, data-seq (its event's place in the conversation), so a message is never drawn
// twice: an optimistic user bubble becomes the recorded one, a streamed bot bubble the final one.

import { h, s } from './dom.js';
import { renderButtons, renderElement, type RichOptions } from './rich.js';
import type { OutgoingMessage } from './types.js';

export type DeliveryStatus = 'queued' | 'sending' | 'delivered' | 'failed';

const DELIVERY_TEXT: Record<DeliveryStatus, string> = {
  queued: 'Waiting for connection…',
  sending: 'Sending…',
  delivered: 'Delivered',
  failed: 'Not sent',
};

function timeTitle(at: string | undefined): string | undefined {
  if (!at) return undefined;
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? undefined : date.toLocaleString();
}

export function renderUser(id: string, text: string, status: DeliveryStatus, at?: string): HTMLElement {
  return h(
    'div',
    { class: 'parley-msg parley-msg-user', 'data-id': id, 'data-status': status },
    h('div', { class: 'parley-bubble', title: timeTitle(at) }, h('span', { class: 'parley-sr-only' }, 'You: '), text),
    h('span', { class: 'parley-delivery' }, DELIVERY_TEXT[status]),
  );
}

export function setDelivery(element: HTMLElement, status: DeliveryStatus, seq?: number, why?: string): void {
  element.dataset['status'] = status;
  if (seq !== undefined) element.dataset['seq'] = String(seq);
  const note = element.querySelector('.parley-delivery');
  if (note) note.textContent = why ? `${DELIVERY_TEXT[status]}: ${why}` : DELIVERY_TEXT[status];
}

export function renderAgent(id: string, text: string, seq: number, at: string): HTMLElement {
  return h(
    'div',
    { class: 'parley-msg parley-msg-agent', 'data-id': id, 'data-seq': seq },
    h('span', { class: 'parley-author' }, 'Support team'),
    h('div', { class: 'parley-bubble', title: timeTitle(at) }, h('span', { class: 'parley-sr-only' }, 'Support team: '), text),
  );
}

export interface BotOptions extends RichOptions {
  onFeedback(messageId: string, rating: 'up' | 'down'): void;
}

/** A thumb icon (drawn, not an emoji: not every system has an emoji font). */
function thumb(down: boolean): SVGSVGElement {
  return s(
    'svg',
    { viewBox: '0 0 24 24', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false', class: 'parley-thumb' },
    s('path', { d: 'M2 10h4v11H2z M8 21V10l4-8c1.5 0 2.6 1.1 2.5 2.6L14 9h5.6a2 2 0 0 1 2 2.3l-1.3 7.6a2.5 2.5 0 0 1-2.5 2.1z', transform: down ? 'rotate(180 12 12)' : undefined }),
  );
}

export function renderBot(id: string, message: OutgoingMessage, seq: number, at: string, options: BotOptions): HTMLElement {
  const elements = (message.elements ?? []).map((element) => renderElement(element, options));
  const up = h('button', { type: 'button', class: 'parley-thumb-up', 'aria-pressed': 'false', 'aria-label': 'Helpful', title: 'Helpful' }, thumb(false));
  const down = h('button', { type: 'button', class: 'parley-thumb-down', 'aria-pressed': 'false', 'aria-label': 'Not helpful', title: 'Not helpful' }, thumb(true));
  const rate = (rating: 'up' | 'down') => {
    const pressed = rating === 'up' ? up : down;
    if (pressed.getAttribute('aria-pressed') === 'true') return;
    up.setAttribute('aria-pressed', String(rating === 'up'));
    down.setAttribute('aria-pressed', String(rating === 'down'));
    options.onFeedback(id, rating);
  };
  up.addEventListener('click', () => rate('up'));
  down.addEventListener('click', () => rate('down'));
  return h(
    'div',
    { class: 'parley-msg parley-msg-bot', 'data-id': id, 'data-seq': seq },
    h('div', { class: 'parley-bubble', title: timeTitle(at) }, h('span', { class: 'parley-sr-only' }, 'Assistant: '), message.text),
    ...elements,
    message.buttons && message.buttons.length > 0 ? renderButtons(message.buttons, options) : null,
    h('div', { class: 'parley-feedback', role: 'group', 'aria-label': 'Was this answer helpful?' }, up, down),
  );
}

/** A bot reply still arriving: text grows with each delta until the recorded event replaces it. */
export function renderStreaming(id: string): HTMLElement {
  return h(
    'div',
    { class: 'parley-msg parley-msg-bot parley-streaming', 'data-id': id, 'aria-busy': 'true' },
    h('div', { class: 'parley-bubble' }, h('span', { class: 'parley-sr-only' }, 'Assistant: '), h('span', { class: 'parley-stream-text' })),
  );
}

export function appendStream(element: HTMLElement, delta: string, done: boolean): void {
  const text = element.querySelector('.parley-stream-text');
  if (text) text.textContent = (text.textContent ?? '') + delta;
  if (done) {
    element.classList.remove('parley-streaming');
    element.removeAttribute('aria-busy');
  }
}

// The widget's frame: a launcher button and a panel (or the panel alone, inline), with a header,
// connection status, handoff banner, the message log, a typing indicator and the composer.
// Everything lives in a shadow root on a <parley-chat> element.

import type { WidgetConfig } from './config.js';
import { h, s, uniqueId } from './dom.js';
import { STYLES } from './styles.js';

export interface View {
  /** The <parley-chat> element in the page. */
  readonly host: HTMLElement;
  readonly log: HTMLElement;
  readonly isOpen: boolean;
  /** Opens the panel; `focus` (default true) moves focus to the input. */
  open(focus?: boolean): void;
  close(): void;
  /** Connection trouble ("Reconnecting…"); empty hides it. */
  setStatus(text: string): void;
  /** The handoff banner; null hides it. */
  setBanner(text: string | null): void;
  setTyping(on: boolean): void;
  /** Keeps the newest message in view. */
  scrollToEnd(): void;
}

export interface ViewOptions {
  /** The user sent this text (Enter or the Send button); return false to keep it in the input. */
  onSubmit(text: string): boolean;
  onOpen(): void;
}

export function createView(config: WidgetConfig, options: ViewOptions): View {
  const host = document.createElement('parley-chat');
  host.setAttribute('data-bot', config.bot);
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.append(h('style', {}, STYLES));

  const inline = config.mode === 'inline';
  const panelId = uniqueId('panel');
  const titleId = uniqueId('title');
  const inputId = uniqueId('input');

  const launcher = inline
    ? null
    : h(
        'button',
        { type: 'button', class: 'parley-launcher', 'aria-label': `Open chat: ${config.title}`, 'aria-expanded': 'false', 'aria-controls': panelId },
        s('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' }, s('path', { d: 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z' })),
      );
  const closeButton = inline ? null : h('button', { type: 'button', class: 'parley-close', 'aria-label': 'Close chat' }, '×');
  const status = h('div', { class: 'parley-status', role: 'status', 'aria-live': 'polite' });
  const banner = h('div', { class: 'parley-banner', role: 'status', 'aria-live': 'polite', hidden: true });
  const log = h('div', { class: 'parley-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Messages', tabindex: 0 });
  const typing = h(
    'div',
    { class: 'parley-typing', hidden: true },
    h('span', { class: 'parley-dots', 'aria-hidden': 'true' }, h('span'), h('span'), h('span')),
    h('span', { class: 'parley-sr-only' }, 'Typing…'),
  );
  const input = h('input', { id: inputId, class: 'parley-input', type: 'text', autocomplete: 'off', enterkeyhint: 'send', placeholder: 'Type a message…', maxlength: 4000 });
  const send = h('button', { type: 'submit', class: 'parley-send' }, 'Send');
  const form = h('form', { class: 'parley-composer' }, h('label', { for: inputId, class: 'parley-sr-only' }, 'Your message'), input, send);
  const panel = h(
    'section',
    {
      id: panelId,
      class: 'parley-panel',
      role: inline ? 'region' : 'dialog',
      'aria-labelledby': titleId,
      'aria-modal': inline ? undefined : 'false',
      hidden: !inline,
    },
    h('header', { class: 'parley-header' }, h('h2', { id: titleId }, config.title), closeButton),
    status,
    banner,
    log,
    typing,
    form,
  );
  const root = h('div', { class: `parley-root ${inline ? 'parley-mode-inline' : 'parley-mode-launcher'}` }, panel, launcher);
  shadow.append(root);

  let open = inline;
  const view: View = {
    host,
    log,
    get isOpen() {
      return open;
    },
    open(focus = true) {
      if (!open) {
        open = true;
        panel.hidden = false;
        root.classList.add('parley-open');
        launcher?.setAttribute('aria-expanded', 'true');
        launcher?.setAttribute('aria-label', `Close chat: ${config.title}`);
        view.scrollToEnd();
        options.onOpen();
      }
      if (focus) input.focus();
    },
    close() {
      if (inline || !open) return;
      open = false;
      panel.hidden = true;
      root.classList.remove('parley-open');
      launcher?.setAttribute('aria-expanded', 'false');
      launcher?.setAttribute('aria-label', `Open chat: ${config.title}`);
      launcher?.focus();
    },
    setStatus(text) {
      status.textContent = text;
    },
    setBanner(text) {
      banner.hidden = text === null;
      banner.textContent = text ?? '';
    },
    setTyping(on) {
      typing.hidden = !on;
      if (on) view.scrollToEnd();
    },
    scrollToEnd() {
      log.scrollTop = log.scrollHeight;
    },
  };

  launcher?.addEventListener('click', () => (open ? view.close() : view.open()));
  closeButton?.addEventListener('click', () => view.close());
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !inline) {
      event.preventDefault();
      view.close();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text === '') return;
    if (options.onSubmit(text)) input.value = '';
    input.focus();
  });
  return view;
}

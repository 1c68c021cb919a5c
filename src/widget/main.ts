// The widget's entry point, bundled to dist/widget/widget.js (scripts/build-browser.mjs):
//   <script src="https://HOST/widget.js" data-bot="shop" async></script>
// Exposes window.Parley = { open(), close(), send(text) } (and __debug.dropSocket() for tests).

import { createChat } from './chat.js';
import { findOwnScript, readConfig, type WidgetConfig } from './config.js';
import { createSessionStore, storageKey } from './session.js';
import { createView } from './view.js';

export interface ParleyApi {
  open(): void;
  close(): void;
  send(text: string): void;
  readonly __debug: { dropSocket(): void };
}

declare global {
  interface Window {
    Parley?: ParleyApi;
  }
}

function mount(config: WidgetConfig): ParleyApi {
  const session = createSessionStore(storageKey(config.server, config.bot));
  let chat: ReturnType<typeof createChat> | null = null;
  const view = createView(config, {
    onSubmit: (text) => {
      chat?.send(text);
      return true;
    },
    onOpen: () => chat?.start(),
  });
  chat = createChat(config, view, session);

  if (config.mode === 'inline') {
    if (config.target) config.target.append(view.host);
    else if (config.script?.parentNode) config.script.after(view.host);
    else document.body.append(view.host);
  } else {
    (config.target ?? document.body).append(view.host);
  }

  // Connect at once when there is a conversation to resume (a person may be writing) or the chat
  // is visible; otherwise on first open, so a visitor who never chats starts no conversation.
  if (config.mode === 'inline' || session.load() !== null) chat.start();
  // Opened at start without taking focus from the page.
  if (config.openAtStart) view.open(false);

  const started = chat;
  return {
    open: () => view.open(),
    close: () => view.close(),
    send: (text: string) => started.send(String(text)),
    __debug: { dropSocket: () => started.dropSocket() },
  };
}

function boot(): void {
  if (window.Parley) return; // embedded twice: the first one wins
  // Read the tag now: document.currentScript is only set while this script runs.
  const script = findOwnScript();
  const config = readConfig(script);
  // Calls made before the page's body exists wait for the widget to mount.
  const early: ((mounted: ParleyApi) => void)[] = [];
  let mounted: ParleyApi | null = null;
  const call = (run: (target: ParleyApi) => void) => (mounted ? run(mounted) : early.push(run));
  window.Parley = {
    open: () => call((target) => target.open()),
    close: () => call((target) => target.close()),
    send: (text: string) => call((target) => target.send(text)),
    __debug: { dropSocket: () => call((target) => target.__debug.dropSocket()) },
  };
  const run = () => {
    // data-target may name an element further down the page: look again once it is parsed.
    mounted = mount(config.target === null && script?.dataset['target'] ? readConfig(script) : config);
    for (const pending of early.splice(0)) pending(mounted);
  };
  if (document.body && document.readyState !== 'loading') run();
  else if (document.body && !script?.dataset['target']) run();
  else document.addEventListener('DOMContentLoaded', run, { once: true });
}

boot();

// Settings from the embedding tag:
//   <script src="https://HOST/widget.js" data-bot="shop" async></script>
// data-server overrides the server (default: the origin of the script's own src),
// data-mode="inline" renders the chat in the page instead of a launcher and panel,
// data-target (inline mode) names the element to render into (a CSS selector; default: after the tag),
// data-title sets the panel's heading, data-open="true" opens the panel at start.

export interface WidgetConfig {
  readonly bot: string;
  /** e.g. https://chat.example.com, without a trailing slash. */
  readonly server: string;
  readonly mode: 'launcher' | 'inline';
  readonly title: string;
  readonly openAtStart: boolean;
  /** Where the widget's root goes: null means document.body (launcher) or after the script tag (inline). */
  readonly target: Element | null;
  readonly script: HTMLScriptElement | null;
}

/** The tag that loaded this bundle: document.currentScript while it runs, else the last widget.js tag. */
export function findOwnScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  const candidates = document.querySelectorAll<HTMLScriptElement>('script[src*="widget"][data-bot], script[src$="widget.js"]');
  return candidates.length > 0 ? (candidates[candidates.length - 1] ?? null) : null;
}

export function readConfig(script: HTMLScriptElement | null): WidgetConfig {
  const data = script?.dataset ?? {};
  const server = serverOf(data['server'], script?.src);
  const selector = data['target'];
  let target: Element | null = null;
  if (selector) {
    try {
      target = document.querySelector(selector);
    } catch {
      target = null;
    }
  }
  return {
    bot: data['bot'] || 'default',
    server,
    mode: data['mode'] === 'inline' ? 'inline' : 'launcher',
    title: data['title'] || 'Chat with us',
    openAtStart: data['open'] === 'true',
    target,
    script,
  };
}

function serverOf(override: string | undefined, src: string | undefined): string {
  for (const candidate of [override, src]) {
    if (!candidate) continue;
    try {
      const url = new URL(candidate, location.href);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch {
      // try the next one
    }
  }
  return location.origin;
}

/** The socket address: ws(s)://HOST/v1/socket?bot=NAME. */
export function socketUrl(config: WidgetConfig): string {
  const url = new URL('/v1/socket', config.server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('bot', config.bot);
  return url.href;
}

// The widget's styles, injected into its shadow root so the host page's CSS cannot reach in and
// ours cannot leak out. Theme it from the page with CSS custom properties on the widget's root
// element, which inherit into the shadow tree:
//
//   parley-chat { --parley-accent: #0f766e; --parley-radius: 8px; }
//
// Every variable and its default is listed in :host below (and in README.md).

export const STYLES = `
:host {
  --parley-accent: #4338ca;
  --parley-accent-fg: #ffffff;
  --parley-bg: #ffffff;
  --parley-fg: #1f2937;
  --parley-muted: #6b7280;
  --parley-border: #e5e7eb;
  --parley-bot-bg: #f3f4f6;
  --parley-bot-fg: var(--parley-fg);
  --parley-user-bg: var(--parley-accent);
  --parley-user-fg: var(--parley-accent-fg);
  --parley-agent-bg: #ecfdf5;
  --parley-agent-fg: #065f46;
  --parley-banner-bg: #fef3c7;
  --parley-banner-fg: #78350f;
  --parley-focus: var(--parley-accent);
  --parley-radius: 14px;
  --parley-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --parley-font-size: 15px;
  --parley-width: 380px;
  --parley-height: 600px;
  --parley-inline-height: 520px;
  --parley-offset: 20px;
  --parley-z-index: 2147483000;
  --parley-shadow: 0 12px 40px rgba(0, 0, 0, 0.18);
  --parley-chart-1: #4338ca;
  --parley-chart-2: #0d9488;
  --parley-chart-3: #d97706;
  --parley-chart-4: #db2777;
  --parley-chart-5: #2563eb;
  --parley-chart-6: #65a30d;
  display: block;
  /* Inherited properties the host page may have set: reset to the widget's own. */
  font-style: normal;
  font-weight: 400;
  letter-spacing: normal;
  word-spacing: normal;
  text-align: start;
  text-transform: none;
  text-indent: 0;
  white-space: normal;
  visibility: visible;
  font-family: var(--parley-font);
  font-size: var(--parley-font-size);
  line-height: 1.4;
  color: var(--parley-fg);
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
button, input { font: inherit; color: inherit; }
:focus-visible { outline: 2px solid var(--parley-focus); outline-offset: 2px; }
.parley-sr-only {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0;
}

.parley-launcher {
  position: fixed; right: var(--parley-offset); bottom: var(--parley-offset); z-index: var(--parley-z-index);
  width: 56px; height: 56px; border-radius: 50%; border: 0; cursor: pointer;
  background: var(--parley-accent); color: var(--parley-accent-fg); box-shadow: var(--parley-shadow);
  display: grid; place-items: center;
}
.parley-launcher svg { width: 26px; height: 26px; fill: currentColor; }
.parley-launcher:focus-visible { outline-offset: 3px; }

.parley-panel {
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--parley-bg); color: var(--parley-fg);
  border-radius: var(--parley-radius); border: 1px solid var(--parley-border);
}
.parley-mode-launcher .parley-panel {
  position: fixed; right: var(--parley-offset); bottom: calc(var(--parley-offset) + 68px); z-index: var(--parley-z-index);
  width: min(var(--parley-width), calc(100vw - 2 * var(--parley-offset)));
  height: min(var(--parley-height), calc(100vh - 2 * var(--parley-offset) - 68px));
  box-shadow: var(--parley-shadow);
}
.parley-mode-inline .parley-panel { width: 100%; height: var(--parley-inline-height); }
@media (max-width: 480px) {
  .parley-mode-launcher .parley-panel { inset: 0; width: 100%; height: 100%; border-radius: 0; border: 0; }
  .parley-mode-launcher.parley-open .parley-launcher { display: none; }
}

.parley-header {
  display: flex; align-items: center; gap: 8px; padding: 12px 14px;
  background: var(--parley-accent); color: var(--parley-accent-fg);
}
.parley-header h2 { margin: 0; font-size: 1.05em; font-weight: 600; flex: 1; }
.parley-close {
  border: 0; background: transparent; color: inherit; cursor: pointer;
  width: 36px; height: 36px; border-radius: 8px; font-size: 22px; line-height: 1;
}
.parley-close:hover { background: rgba(255, 255, 255, 0.15); }
.parley-header :focus-visible { outline-color: var(--parley-accent-fg); }

.parley-status { padding: 6px 14px; font-size: 0.85em; background: #fff7ed; color: #9a3412; border-bottom: 1px solid var(--parley-border); }
.parley-status:empty { display: none; }
.parley-banner { padding: 8px 14px; font-size: 0.9em; background: var(--parley-banner-bg); color: var(--parley-banner-fg); border-bottom: 1px solid var(--parley-border); }

.parley-header, .parley-status, .parley-banner, .parley-typing, .parley-composer { flex: none; }
/* position: relative keeps absolutely placed children (visually hidden tables, tooltips) inside
   the scrolling log instead of stretching the panel. */
.parley-log { position: relative; flex: 1 1 auto; min-height: 0; overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 10px; overscroll-behavior: contain; }
.parley-msg { max-width: 88%; display: flex; flex-direction: column; gap: 6px; }
.parley-msg-bot, .parley-msg-agent { align-self: flex-start; }
.parley-msg-user { align-self: flex-end; align-items: flex-end; }
.parley-bubble { padding: 9px 12px; border-radius: var(--parley-radius); white-space: pre-wrap; overflow-wrap: anywhere; }
.parley-msg-bot .parley-bubble { background: var(--parley-bot-bg); color: var(--parley-bot-fg); border-bottom-left-radius: 4px; }
.parley-msg-agent .parley-bubble { background: var(--parley-agent-bg); color: var(--parley-agent-fg); border-bottom-left-radius: 4px; }
.parley-msg-user .parley-bubble { background: var(--parley-user-bg); color: var(--parley-user-fg); border-bottom-right-radius: 4px; }
.parley-author { font-size: 0.75em; color: var(--parley-muted); }
.parley-delivery { font-size: 0.75em; color: var(--parley-muted); }
.parley-msg-user[data-status="delivered"] .parley-delivery { display: none; }
.parley-streaming .parley-bubble::after { content: "▍"; opacity: 0.6; }

.parley-quick-replies, .parley-card-buttons { display: flex; flex-wrap: wrap; gap: 6px; }
.parley-reply {
  border: 1px solid var(--parley-accent); color: var(--parley-accent); background: var(--parley-bg);
  border-radius: 999px; padding: 6px 12px; cursor: pointer; font-size: 0.9em;
}
.parley-reply:hover { background: var(--parley-accent); color: var(--parley-accent-fg); }
.parley-card-buttons .parley-reply { border-radius: 8px; }

.parley-feedback { display: flex; gap: 4px; }
.parley-feedback button {
  border: 1px solid transparent; background: transparent; cursor: pointer; border-radius: 6px;
  padding: 2px 6px; font-size: 0.85em; color: var(--parley-muted); min-width: 32px; min-height: 28px;
}
.parley-feedback button:hover { border-color: var(--parley-border); }
.parley-feedback button[aria-pressed="true"] { border-color: var(--parley-accent); background: var(--parley-bot-bg); color: var(--parley-accent); }
.parley-thumb { display: block; fill: none; stroke: currentColor; stroke-width: 1.8; stroke-linejoin: round; }
.parley-feedback button[aria-pressed="true"] .parley-thumb { fill: currentColor; fill-opacity: 0.2; }

.parley-card { border: 1px solid var(--parley-border); border-radius: var(--parley-radius); overflow: hidden; background: var(--parley-bg); }
.parley-card-image { display: block; width: 100%; height: 130px; object-fit: cover; background: var(--parley-bot-bg); }
.parley-card-body { padding: 10px 12px 4px; }
.parley-card-title { margin: 0; font-size: 1em; font-weight: 600; }
.parley-card-subtitle { margin: 4px 0 0; color: var(--parley-muted); font-size: 0.9em; }
.parley-card .parley-card-buttons { padding: 8px 12px 12px; }
.parley-carousel { display: flex; align-items: center; gap: 4px; width: 100%; }
.parley-carousel-track { display: flex; gap: 8px; overflow-x: auto; scroll-snap-type: x mandatory; scroll-padding: 2px; flex: 1; padding: 2px; scrollbar-width: thin; }
.parley-carousel-item { flex: 0 0 80%; scroll-snap-align: start; }
.parley-carousel-prev, .parley-carousel-next {
  flex: none; width: 30px; height: 30px; border-radius: 50%; border: 1px solid var(--parley-border);
  background: var(--parley-bg); cursor: pointer; font-size: 18px; line-height: 1;
}
.parley-carousel-prev:disabled, .parley-carousel-next:disabled { opacity: 0.35; cursor: default; }
.parley-image { display: block; align-self: flex-start; max-width: 100%; max-height: 280px; object-fit: contain; border-radius: var(--parley-radius); }
.parley-link { color: var(--parley-accent); font-weight: 500; text-decoration: underline; }
.parley-link::after { content: " ↗"; }
.parley-fallback { margin: 0; white-space: pre-wrap; }

.parley-chart { position: relative; margin: 0; padding: 10px; border: 1px solid var(--parley-border); border-radius: var(--parley-radius); background: var(--parley-bg); width: 100%; min-width: 240px; }
.parley-chart-title { font-weight: 600; font-size: 0.9em; margin-bottom: 6px; }
.parley-chart-plot { position: relative; }
.parley-chart-svg { display: block; width: 100%; height: auto; overflow: visible; }
.parley-axis text, .parley-pie-name { font-size: 9px; fill: var(--parley-muted); }
.parley-grid { stroke: var(--parley-border); stroke-width: 1; }
.parley-baseline { stroke: var(--parley-muted); stroke-width: 1; }
.parley-line { fill: none; stroke-width: 2; }
.parley-mark { cursor: pointer; outline: none; }
.parley-mark:hover, .parley-mark:focus-visible { stroke: var(--parley-fg); stroke-width: 2; }
.parley-slice { stroke: var(--parley-bg); stroke-width: 1.5; }
.parley-c0 { --c: var(--parley-chart-1); } .parley-c1 { --c: var(--parley-chart-2); } .parley-c2 { --c: var(--parley-chart-3); }
.parley-c3 { --c: var(--parley-chart-4); } .parley-c4 { --c: var(--parley-chart-5); } .parley-c5 { --c: var(--parley-chart-6); }
.parley-series rect, .parley-series circle, .parley-slice { fill: var(--c); }
.parley-series .parley-line { stroke: var(--c); }
.parley-series circle { stroke: var(--parley-bg); stroke-width: 1.5; }
.parley-tooltip {
  position: absolute; transform: translate(-50%, calc(-100% - 6px)); pointer-events: none; white-space: nowrap;
  background: var(--parley-fg); color: var(--parley-bg); font-size: 0.8em; padding: 4px 8px; border-radius: 6px; z-index: 1;
}
.parley-legend { list-style: none; margin: 6px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 0.8em; color: var(--parley-muted); }
.parley-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; background: var(--c); vertical-align: -1px; }

.parley-typing { padding: 0 14px 8px; color: var(--parley-muted); font-size: 0.85em; display: flex; align-items: center; gap: 6px; }
.parley-dots { display: inline-flex; gap: 3px; padding: 8px 10px; background: var(--parley-bot-bg); border-radius: var(--parley-radius); }
.parley-dots span { width: 6px; height: 6px; border-radius: 50%; background: var(--parley-muted); animation: parley-blink 1.2s infinite ease-in-out; }
.parley-dots span:nth-child(2) { animation-delay: 0.2s; }
.parley-dots span:nth-child(3) { animation-delay: 0.4s; }
@keyframes parley-blink { 0%, 80%, 100% { opacity: 0.25; } 40% { opacity: 1; } }

.parley-composer { display: flex; gap: 8px; padding: 10px; border-top: 1px solid var(--parley-border); background: var(--parley-bg); }
.parley-input {
  flex: 1; min-width: 0; border: 1px solid var(--parley-border); border-radius: 999px; padding: 9px 14px;
  background: var(--parley-bg); color: var(--parley-fg);
}
.parley-input:focus-visible { outline: 2px solid var(--parley-focus); outline-offset: 0; border-color: transparent; }
.parley-send {
  border: 0; border-radius: 999px; padding: 0 16px; cursor: pointer; font-weight: 600;
  background: var(--parley-accent); color: var(--parley-accent-fg);
}
.parley-send:disabled { opacity: 0.5; cursor: default; }
@media (prefers-reduced-motion: reduce) {
  .parley-dots span { animation: none; opacity: 0.7; }
  .parley-carousel-track { scroll-behavior: auto; }
}
`;

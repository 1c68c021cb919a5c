import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { ParleyError } from '../../core/index.js';
import { HTML, JAVASCRIPT, SOURCE_MAP, bundleFromSources, readAsset, serveAsset, type BrowserAsset } from '../browser-assets.js';

/**
 * The web chat widget (`/widget.js`, one script tag embeds it) and the demo page at `/`. The
 * widget is the bundle `npm run build` writes to `dist/widget/widget.js`; running from the
 * sources (tests, `npm run dev`), it is bundled from `src/widget` on first request instead. Both
 * are kept in memory, gzipped once.
 */

// Beside this file: dist/server/routes → dist/widget, or src/server/routes → src/widget.
const widgetFolder = fileURLToPath(new URL('../../widget/', import.meta.url));

export const widgetRoutes: FastifyPluginAsync = async (app) => {
  let script: Promise<BrowserAsset | null> | null = null;
  let page: Promise<BrowserAsset | null> | null = null;
  let map: Promise<BrowserAsset | null> | null = null;

  app.get('/widget.js', { schema: { hide: true } }, async (request, reply) => {
    script ??= readAsset(widgetFolder, 'widget.js', JAVASCRIPT).then((built) => built ?? bundleFromSources(widgetFolder));
    const asset = await script;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'The widget is not built: run npm run build');
    return serveAsset(request, reply, asset, 300);
  });

  app.get('/widget.js.map', { schema: { hide: true } }, async (request, reply) => {
    map ??= readAsset(widgetFolder, 'widget.js.map', SOURCE_MAP);
    const asset = await map;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'This build has no source map of the widget');
    return serveAsset(request, reply, asset, 300);
  });

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    page ??= readAsset(widgetFolder, 'demo-page.html', HTML);
    const asset = await page;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'The demo page is missing from this build');
    return serveAsset(request, reply, asset, 60);
  });
};

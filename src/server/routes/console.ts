import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ParleyError } from '../../core/index.js';
import { HTML, JAVASCRIPT, SOURCE_MAP, bundleFromSources, readAsset, serveAsset, type BrowserAsset } from '../browser-assets.js';

/**
 * The agent console: its page at `/console` and its script at `/console/console.js`. The script
 * is the bundle `npm run build` writes to `dist/console/console.js` (the page is copied next to
 * it as `index.html`); running from the sources (tests, `npm run dev`), it is bundled from
 * `src/console` on first request instead and the page is `src/console/console.html`. Both are
 * kept in memory, gzipped once. The console itself talks to the `/v1/agent/…` API.
 */

// Beside this file: dist/server/routes → dist/console, or src/server/routes → src/console.
const consoleFolder = fileURLToPath(new URL('../../console/', import.meta.url));

export const consoleRoutes: FastifyPluginAsync = async (app) => {
  let script: Promise<BrowserAsset | null> | null = null;
  let page: Promise<BrowserAsset | null> | null = null;
  let map: Promise<BrowserAsset | null> | null = null;

  app.get('/console/console.js', { schema: { hide: true } }, async (request, reply) => {
    script ??= readAsset(consoleFolder, 'console.js', JAVASCRIPT).then((built) => built ?? bundleFromSources(consoleFolder));
    const asset = await script;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'The agent console is not built: run npm run build');
    return serveAsset(request, reply, asset, 300);
  });

  app.get('/console/console.js.map', { schema: { hide: true } }, async (request, reply) => {
    map ??= readAsset(consoleFolder, 'console.js.map', SOURCE_MAP);
    const asset = await map;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'This build has no source map of the agent console');
    return serveAsset(request, reply, asset, 300);
  });

  const showPage = async (request: FastifyRequest, reply: FastifyReply) => {
    page ??= readAsset(consoleFolder, 'index.html', HTML).then((built) => built ?? readAsset(consoleFolder, 'console.html', HTML));
    const asset = await page;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'The agent console page is missing from this build');
    return serveAsset(request, reply, asset, 60);
  };
  app.get('/console', { schema: { hide: true } }, showPage);
  app.get('/console/', { schema: { hide: true } }, showPage);
};

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ParleyError } from '../../core/index.js';

/**
 * The web chat widget (`/widget.js`, one script tag embeds it) and the demo page at `/`. The
 * widget is the bundle `npm run build` writes to `dist/widget/widget.js`; running from the
 * sources (tests, `npm run dev`), it is bundled from `src/widget` on first request instead. Both
 * are kept in memory, gzipped once.
 */

interface Asset {
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly type: string;
}

// Beside this file: dist/server/routes → dist/widget, or src/server/routes → src/widget.
const widgetFolder = fileURLToPath(new URL('../../widget/', import.meta.url));

async function readAsset(file: string, type: string): Promise<Asset | null> {
  try {
    const body = await readFile(widgetFolder + file);
    return { body, gzipped: gzipSync(body), type };
  } catch {
    return null;
  }
}

async function bundleFromSources(): Promise<Asset | null> {
  try {
    await readFile(`${widgetFolder}main.ts`);
  } catch {
    return null;
  }
  const { build } = await import('esbuild');
  const result = await build({ entryPoints: [`${widgetFolder}main.ts`], bundle: true, minify: true, format: 'iife', target: 'es2020', write: false, logLevel: 'silent' });
  const body = Buffer.from(result.outputFiles[0]?.contents ?? new Uint8Array());
  return { body, gzipped: gzipSync(body), type: 'text/javascript; charset=utf-8' };
}

function serve(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheSeconds: number): FastifyReply {
  reply.type(asset.type).header('cache-control', `public, max-age=${cacheSeconds}`).header('vary', 'accept-encoding');
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(asset.gzipped);
  return reply.send(asset.body);
}

export const widgetRoutes: FastifyPluginAsync = async (app) => {
  let script: Promise<Asset | null> | null = null;
  let page: Promise<Asset | null> | null = null;
  let map: Promise<Asset | null> | null = null;

  app.get('/widget.js', { schema: { hide: true } }, async (request, reply) => {
    script ??= readAsset('widget.js', 'text/javascript; charset=utf-8').then((built) => built ?? bundleFromSources());
    const asset = await script;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'The widget is not built: run npm run build');
    return serve(request, reply, asset, 300);
  });

  app.get('/widget.js.map', { schema: { hide: true } }, async (request, reply) => {
    map ??= readAsset('widget.js.map', 'application/json; charset=utf-8');
    const asset = await map;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'This build has no source map of the widget');
    return serve(request, reply, asset, 300);
  });

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    page ??= readAsset('demo-page.html', 'text/html; charset=utf-8');
    const asset = await page;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'The demo page is missing from this build');
    return serve(request, reply, asset, 60);
  });
};

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ParleyError } from '../../core/index.js';

/**
 * The agent console: its page at `/console` and its script at `/console/console.js`. The script
 * is the bundle `npm run build` writes to `dist/console/console.js` (the page is copied next to
 * it as `index.html`); running from the sources (tests, `npm run dev`), it is bundled from
 * `src/console` on first request instead and the page is `src/console/console.html`. Both are
 * kept in memory, gzipped once. The console itself talks to the `/v1/agent/…` API.
 */

interface Asset {
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly type: string;
}

// Beside this file: dist/server/routes → dist/console, or src/server/routes → src/console.
const consoleFolder = fileURLToPath(new URL('../../console/', import.meta.url));

async function readAsset(file: string, type: string): Promise<Asset | null> {
  try {
    const body = await readFile(consoleFolder + file);
    return { body, gzipped: gzipSync(body), type };
  } catch {
    return null;
  }
}

async function bundleFromSources(): Promise<Asset | null> {
  try {
    await readFile(`${consoleFolder}main.ts`);
  } catch {
    return null;
  }
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [`${consoleFolder}main.ts`],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    tsconfig: `${consoleFolder}tsconfig.json`,
  });
  const body = Buffer.from(result.outputFiles[0]?.contents ?? new Uint8Array());
  return { body, gzipped: gzipSync(body), type: 'text/javascript; charset=utf-8' };
}

function serve(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheSeconds: number): FastifyReply {
  reply.type(asset.type).header('cache-control', `public, max-age=${cacheSeconds}`).header('vary', 'accept-encoding');
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(asset.gzipped);
  return reply.send(asset.body);
}

export const consoleRoutes: FastifyPluginAsync = async (app) => {
  let script: Promise<Asset | null> | null = null;
  let page: Promise<Asset | null> | null = null;
  let map: Promise<Asset | null> | null = null;

  app.get('/console/console.js', { schema: { hide: true } }, async (request, reply) => {
    script ??= readAsset('console.js', 'text/javascript; charset=utf-8').then((built) => built ?? bundleFromSources());
    const asset = await script;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'The agent console is not built: run npm run build');
    return serve(request, reply, asset, 300);
  });

  app.get('/console/console.js.map', { schema: { hide: true } }, async (request, reply) => {
    map ??= readAsset('console.js.map', 'application/json; charset=utf-8');
    const asset = await map;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'This build has no source map of the agent console');
    return serve(request, reply, asset, 300);
  });

  const showPage = async (request: FastifyRequest, reply: FastifyReply) => {
    page ??= readAsset('index.html', 'text/html; charset=utf-8').then((built) => built ?? readAsset('console.html', 'text/html; charset=utf-8'));
    const asset = await page;
    if (!asset) throw new ParleyError('PARLEY_API_ROUTE_NOT_FOUND', 'The agent console page is missing from this build');
    return serve(request, reply, asset, 60);
  };
  app.get('/console', { schema: { hide: true } }, showPage);
  app.get('/console/', { schema: { hide: true } }, showPage);
};

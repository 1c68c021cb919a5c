import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The browser code Parley serves (the widget, the agent console): files of a build folder kept in
 * memory and gzipped once, or, running from the sources (tests, `npm run dev`), a bundle made on
 * the first request.
 */

export interface BrowserAsset {
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly type: string;
}

export const JAVASCRIPT = 'text/javascript; charset=utf-8';
export const HTML = 'text/html; charset=utf-8';
export const SOURCE_MAP = 'application/json; charset=utf-8';

/** A file of `folder` (ending in /), or null when it is not there. */
export async function readAsset(folder: string, file: string, type: string): Promise<BrowserAsset | null> {
  try {
    const body = await readFile(folder + file);
    return { body, gzipped: gzipSync(body), type };
  } catch {
    return null;
  }
}

/** `folder`'s `main.ts` bundled for browsers (with its own tsconfig when it has one), or null when the sources are not there. */
export async function bundleFromSources(folder: string): Promise<BrowserAsset | null> {
  try {
    await readFile(`${folder}main.ts`);
  } catch {
    return null;
  }
  const tsconfig = `${folder}tsconfig.json`;
  const hasTsconfig = await readFile(tsconfig).then(() => true, () => false);
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [`${folder}main.ts`],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    ...(hasTsconfig ? { tsconfig } : {}),
  });
  const body = Buffer.from(result.outputFiles[0]?.contents ?? new Uint8Array());
  return { body, gzipped: gzipSync(body), type: JAVASCRIPT };
}

export function serveAsset(request: FastifyRequest, reply: FastifyReply, asset: BrowserAsset, cacheSeconds: number): FastifyReply {
  reply.type(asset.type).header('cache-control', `public, max-age=${cacheSeconds}`).header('vary', 'accept-encoding');
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(asset.gzipped);
  return reply.send(asset.body);
}

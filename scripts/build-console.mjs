// Bundles the agent console (src/console) into dist/console/console.js: one minified IIFE for
// es2020 browsers, with its source map, and copies its page to dist/console/index.html. Run by
// `npm run build`, or alone: `node scripts/build-console.mjs`.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the console into `outdir` (default dist/console); returns the bundle's path and sizes. */
export async function buildConsole({ outdir = join(root, 'dist', 'console') } = {}) {
  await mkdir(outdir, { recursive: true });
  const outfile = join(outdir, 'console.js');
  await build({
    entryPoints: [join(root, 'src', 'console', 'main.ts')],
    outfile,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    sourcemap: 'linked',
    tsconfig: join(root, 'src', 'console', 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(root, 'src', 'console', 'console.html'), join(outdir, 'index.html'));
  const bytes = await readFile(outfile);
  return { file: outfile, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { file, bytes, gzipBytes } = await buildConsole();
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  process.stdout.write(`console: ${file.slice(root.length + 1)} ${kb(bytes)} (${kb(gzipBytes)} gzipped)\n`);
}

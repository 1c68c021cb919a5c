// Bundles the web chat widget (src/widget) into dist/widget/widget.js: one minified IIFE for
// es2020 browsers, with its source map, and copies the demo page next to it. Prints the size
// the browser downloads (gzipped). Run by `npm run build`, or alone: `node scripts/build-widget.mjs`.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds the widget into `outdir` (default dist/widget); returns the bundle's path and its sizes
 * in bytes, raw and gzipped.
 */
export async function buildWidget({ outdir = join(root, 'dist', 'widget') } = {}) {
  await mkdir(outdir, { recursive: true });
  const outfile = join(outdir, 'widget.js');
  await build({
    entryPoints: [join(root, 'src', 'widget', 'main.ts')],
    outfile,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    sourcemap: 'linked',
    tsconfig: join(root, 'src', 'widget', 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(root, 'src', 'widget', 'demo-page.html'), join(outdir, 'demo-page.html'));
  const bytes = await readFile(outfile);
  return { file: outfile, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { file, bytes, gzipBytes } = await buildWidget();
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  process.stdout.write(`widget: ${file.slice(root.length + 1)} ${kb(bytes)} (${kb(gzipBytes)} gzipped)\n`);
}

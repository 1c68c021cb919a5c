// Bundles Parley's browser code: the web chat widget (src/widget → dist/widget/widget.js, with the
// demo page beside it) and the agent console (src/console → dist/console/console.js, with its
// page as index.html). Each is one minified IIFE for es2020 browsers with a linked source map.
// Prints the size the browser downloads (gzipped). Run by `npm run build`, or alone:
// `node scripts/build-browser.mjs [widget|console]`.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What is built: the source folder, the bundle's name, and the page copied next to it. */
export const bundles = {
  widget: { folder: 'widget', script: 'widget.js', page: ['demo-page.html', 'demo-page.html'] },
  console: { folder: 'console', script: 'console.js', page: ['console.html', 'index.html'] },
};

/** Builds one bundle into `outdir` (default dist/<folder>); returns the bundle's path and its sizes in bytes, raw and gzipped. */
export async function buildBundle(name, { outdir } = {}) {
  const { folder, script, page } = bundles[name];
  const target = outdir ?? join(root, 'dist', folder);
  await mkdir(target, { recursive: true });
  const outfile = join(target, script);
  await build({
    entryPoints: [join(root, 'src', folder, 'main.ts')],
    outfile,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    sourcemap: 'linked',
    tsconfig: join(root, 'src', folder, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(root, 'src', folder, page[0]), join(target, page[1]));
  const bytes = await readFile(outfile);
  return { file: outfile, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(bundles);
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  for (const name of names) {
    if (!(name in bundles)) throw new Error(`unknown bundle "${name}": ${Object.keys(bundles).join(', ')}`);
    const { file, bytes, gzipBytes } = await buildBundle(name);
    process.stdout.write(`${name}: ${file.slice(root.length + 1)} ${kb(bytes)} (${kb(gzipBytes)} gzipped)\n`);
  }
}

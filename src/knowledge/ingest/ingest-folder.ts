import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ParleyError, type Embedder, type KnowledgeDocumentSummary, type KnowledgeStore } from '../../core/index.js';
import { formatOfPath } from './formats.js';
import { emptyReport, errorMessage, type IngestReport } from './ingest-report.js';
import { buildKnowledgeDocument, contentHash, type ChunkSizes } from './knowledge-document.js';

export interface IngestFolderOptions {
  /** The knowledge folder; document sources are paths relative to it, with forward slashes. */
  readonly dir: string;
  /** The bot's name. */
  readonly bot: string;
  readonly store: KnowledgeStore;
  readonly now?: () => Date;
  /** When given, every new or changed document's chunks are embedded. */
  readonly embedder?: Embedder;
  /** Links are `<linkBase><source without extension>` (unless a document names its own); null without it. */
  readonly linkBase?: string;
  readonly chunking?: ChunkSizes;
  /** Re-ingest unchanged documents too (after changing chunk sizes or the embedder). */
  readonly force?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Brings the bot's knowledge in line with a folder. Every file of a format we read (walked
 * recursively; names starting with "." ignored) is compared by the SHA-256 of its bytes with the
 * stored document of the same source: unchanged ones are left alone; new and changed ones are
 * parsed, chunked, embedded (with an embedder) and stored, replacing their old chunks. Tags are
 * the sub-folders of the file's path (`returns/policy.md` → ["returns"]) plus the document's
 * own. Stored documents whose file is gone are removed (documents ingested from a URL are not
 * the folder's and stay). A file that fails is reported and keeps its previous version; the
 * others go on.
 */
export async function ingestFolder(options: IngestFolderOptions): Promise<IngestReport> {
  const info = await stat(options.dir).catch(() => null);
  if (!info?.isDirectory()) throw new ParleyError('PARLEY_CONFIG_INVALID', `The knowledge folder ${options.dir} does not exist or is not a folder.`);
  const files = await listFiles(options.dir);
  const stored = new Map((await options.store.listDocuments(options.bot)).map((summary) => [summary.source, summary]));
  const report = emptyReport();
  const present = new Set<string>();
  for (const file of files) {
    const source = relative(options.dir, file).split(sep).join('/');
    if (formatOfPath(source) === null) {
      report.skipped.push(source);
      continue;
    }
    present.add(source);
    await ingestOne({ ...options, file, source }, stored.get(source), report);
  }
  for (const source of stored.keys()) {
    if (present.has(source) || isUrl(source)) continue;
    if (await options.store.removeDocument(options.bot, source)) report.removed.push(source);
  }
  return report;
}

export interface IngestFileOptions extends Omit<IngestFolderOptions, 'dir'> {
  readonly file: string;
  /** The knowledge folder the file lies in: its source is the path relative to it (default: the file's own folder). */
  readonly root?: string;
}

/** Ingests one file as ingestFolder would (tags from its path below `root`); removes nothing. */
export async function ingestFile(options: IngestFileOptions): Promise<IngestReport> {
  const root = options.root ?? join(options.file, '..');
  const source = relative(root, options.file).split(sep).join('/');
  const report = emptyReport();
  if (source.startsWith('../')) throw new ParleyError('PARLEY_CONFIG_INVALID', `${options.file} is not inside ${root}.`);
  if (formatOfPath(source) === null) {
    report.skipped.push(source);
    return report;
  }
  const stored = (await options.store.listDocuments(options.bot)).find((summary) => summary.source === source);
  await ingestOne({ ...options, source }, stored, report);
  return report;
}

async function ingestOne(
  options: Omit<IngestFileOptions, 'root'> & { readonly source: string },
  stored: KnowledgeDocumentSummary | undefined,
  report: IngestReport,
): Promise<void> {
  const { source } = options;
  let document;
  try {
    const bytes = await readFile(options.file);
    if (!options.force && stored?.contentHash === contentHash(bytes)) {
      report.unchanged.push(source);
      return;
    }
    document = await buildKnowledgeDocument({
      bytes,
      source,
      tags: folderTags(source),
      link: options.linkBase ? documentLink(options.linkBase, source) : null,
      ...(options.embedder ? { embedder: options.embedder } : {}),
      ...(options.chunking ? { chunking: options.chunking } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    report.failed.push({ source, error: errorMessage(error) });
    return;
  }
  await options.store.putDocument(options.bot, document, (options.now ?? (() => new Date()))().toISOString());
  (stored ? report.updated : report.added).push(source);
  report.chunks += document.chunks.length;
}

/** The sub-folders of a source path: `returns/eu/policy.md` → ["returns", "eu"]. */
export function folderTags(source: string): string[] {
  return source.split('/').slice(0, -1).filter(Boolean);
}

/** `<linkBase><source without its extension>`, as the bot's `knowledge.link_base` is documented (a "/" added when neither has one). */
export function documentLink(linkBase: string, source: string): string {
  const path = source.replace(/\.[^./]+$/, '').split('/').map(encodeURIComponent).join('/');
  return linkBase.endsWith('/') ? `${linkBase}${path}` : `${linkBase}/${path}`;
}

function isUrl(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
}

/** Every file below the folder, sorted, skipping names that start with "."; symbolic links to files are followed, to folders not (no loops). */
export async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => null))?.isFile())) files.push(path);
  }
  return files;
}

import type { Embedder, KnowledgeStore } from '../../core/index.js';
import { formatOfContentType, formatOfPath, type KnowledgeFormat } from './formats.js';
import { emptyReport, errorMessage, type IngestReport } from './ingest-report.js';
import { buildKnowledgeDocument, contentHash, type ChunkSizes } from './knowledge-document.js';

export interface IngestUrlOptions {
  readonly url: string;
  readonly bot: string;
  readonly store: KnowledgeStore;
  readonly fetch?: typeof globalThis.fetch;
  readonly now?: () => Date;
  readonly embedder?: Embedder;
  readonly tags?: readonly string[];
  readonly chunking?: ChunkSizes;
  readonly force?: boolean;
  /** Default 15 000 ms for the whole download. */
  readonly timeoutMs?: number;
  /** Default 10 MB. */
  readonly maxBytes?: number;
}

export const URL_TIMEOUT_MS = 15_000;
export const URL_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Ingests one web page or file by URL: downloaded (15 s, 10 MB at most), parsed by its
 * Content-Type (text/html, text/markdown, text/plain, application/pdf, text/csv), else by the
 * URL's extension, else as a PDF when it starts like one. The source and the link are the URL;
 * unchanged bytes write nothing. A failure (network, timeout, HTTP status, size, format, parse)
 * is reported in `failed` and keeps the previous version.
 */
export async function ingestUrl(options: IngestUrlOptions): Promise<IngestReport> {
  const report = emptyReport();
  const source = options.url;
  let document;
  let existed: boolean;
  try {
    const { bytes, format } = await download(options);
    const stored = (await options.store.listDocuments(options.bot)).find((summary) => summary.source === source);
    existed = stored !== undefined;
    if (!options.force && stored?.contentHash === contentHash(bytes)) {
      report.unchanged.push(source);
      return report;
    }
    document = await buildKnowledgeDocument({
      bytes,
      source,
      format,
      link: source,
      tags: options.tags ?? [],
      ...(options.embedder ? { embedder: options.embedder } : {}),
      ...(options.chunking ? { chunking: options.chunking } : {}),
    });
  } catch (error) {
    report.failed.push({ source, error: errorMessage(error) });
    return report;
  }
  await options.store.putDocument(options.bot, document, (options.now ?? (() => new Date()))().toISOString());
  (existed ? report.updated : report.added).push(source);
  report.chunks = document.chunks.length;
  return report;
}

async function download(options: IngestUrlOptions): Promise<{ bytes: Buffer; format: KnowledgeFormat }> {
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`only http and https URLs can be ingested, not ${url.protocol}`);
  const timeoutMs = options.timeoutMs ?? URL_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? URL_MAX_BYTES;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await (options.fetch ?? globalThis.fetch)(url, {
      signal,
      redirect: 'follow',
      headers: { accept: 'text/html, text/markdown, text/plain, application/pdf, text/csv;q=0.9, */*;q=0.1' },
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${options.url}`);
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`${options.url} is ${declared} bytes, more than the ${maxBytes} allowed`);
    }
    const bytes = await readCapped(response, maxBytes, options.url);
    const format =
      formatOfContentType(response.headers.get('content-type')) ?? formatOfPath(url.pathname) ?? (bytes.subarray(0, 5).toString('latin1') === '%PDF-' ? 'pdf' : null);
    if (format === null) throw new Error(`cannot read content of type "${response.headers.get('content-type') ?? 'unknown'}" from ${options.url}`);
    return { bytes, format };
  } catch (error) {
    if (signal.aborted) throw new Error(`${options.url} took longer than ${timeoutMs / 1000} s`, { cause: error });
    throw error;
  }
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`${url} is more than the ${maxBytes} bytes allowed`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}

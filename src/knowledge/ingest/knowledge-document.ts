import { createHash } from 'node:crypto';
import type { Embedder, KnowledgeChunk, KnowledgeDocument } from '../../core/index.js';
import { chunkDocument, type ChunkOptions } from './chunk-document.js';
import { parseKnowledgeFile, type KnowledgeFormat } from './formats.js';
import { humanizeFileName, storableText } from './parsed-document.js';

/** Chunk sizes, in words (see chunkDocument). */
export type ChunkSizes = Pick<ChunkOptions, 'targetWords' | 'maxWords' | 'overlapWords'>;

/** At most this many texts go to the embedder in one call. */
export const EMBEDDING_BATCH = 64;

export interface BuildDocumentOptions {
  readonly bytes: Buffer;
  readonly source: string;
  /** Chosen by the source's extension when not given. */
  readonly format?: KnowledgeFormat | null;
  /** The folder's tags; the document's own (front matter) are added. */
  readonly tags?: readonly string[];
  /** The link when the document does not name its own. */
  readonly link?: string | null;
  readonly embedder?: Embedder;
  readonly chunking?: ChunkSizes;
  readonly signal?: AbortSignal;
}

/** SHA-256 of the bytes, in hex: a document's content hash. */
export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Parses, chunks and (with an embedder) embeds one document: what the store's putDocument takes. */
export async function buildKnowledgeDocument(options: BuildDocumentOptions): Promise<KnowledgeDocument> {
  const parsed = await parseKnowledgeFile(options.bytes, options.source, options.format);
  const chunks = chunkDocument(parsed, {
    ...options.chunking,
    source: options.source,
    link: parsed.link ?? options.link ?? null,
    tags: options.tags ?? [],
  });
  const document: KnowledgeDocument = { source: options.source, title: chunks[0]?.title ?? (storableText(parsed.title) || humanizeFileName(options.source)), contentHash: contentHash(options.bytes), chunks };
  if (!options.embedder || chunks.length === 0) return document;
  return { ...document, vectors: await embedChunks(options.embedder, chunks, options.signal), vectorModel: options.embedder.model };
}

/** The text a chunk is embedded as: its title, section and text, a line each. */
export function embeddingText(chunk: KnowledgeChunk): string {
  return [chunk.title, chunk.section, chunk.text].filter((part): part is string => Boolean(part)).join('\n');
}

/** One vector per chunk, in chunk order, asked for in batches of at most 64; all must have the same length. */
export async function embedChunks(embedder: Embedder, chunks: readonly KnowledgeChunk[], signal?: AbortSignal): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let start = 0; start < chunks.length; start += EMBEDDING_BATCH) {
    const batch = chunks.slice(start, start + EMBEDDING_BATCH).map(embeddingText);
    const embedded = await embedder.embed(batch, signal);
    if (embedded.length !== batch.length) throw new Error(`the embedder (${embedder.model}) returned ${embedded.length} vectors for ${batch.length} texts`);
    vectors.push(...embedded);
  }
  const dimensions = vectors[0]?.length ?? 0;
  if (dimensions === 0 || vectors.some((vector) => vector.length !== dimensions)) {
    throw new Error(`the embedder (${embedder.model}) returned vectors of different or zero lengths`);
  }
  return vectors;
}

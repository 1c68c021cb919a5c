/**
 * Knowledge ingestion: documents (Markdown, HTML, plain text, PDF, CSV questions and answers)
 * to passages in the bot's knowledge store, re-ingesting only what changed.
 */
export { chunkDocument, SECTION_SEPARATOR } from './chunk-document.js';
export type { ChunkOptions } from './chunk-document.js';
export { formatOfContentType, formatOfPath, knowledgeFileExtensions, parseKnowledgeFile } from './formats.js';
export type { KnowledgeFormat } from './formats.js';
export { documentLink, folderTags, ingestFile, ingestFolder, listFiles } from './ingest-folder.js';
export type { IngestFileOptions, IngestFolderOptions } from './ingest-folder.js';
export type { IngestReport } from './ingest-report.js';
export { ingestUrl, URL_MAX_BYTES, URL_TIMEOUT_MS } from './ingest-url.js';
export type { IngestUrlOptions } from './ingest-url.js';
export { buildKnowledgeDocument, contentHash, embedChunks, embeddingText, EMBEDDING_BATCH } from './knowledge-document.js';
export type { BuildDocumentOptions, ChunkSizes } from './knowledge-document.js';
export { KnowledgeParseError, humanizeFileName } from './parsed-document.js';
export type { DocumentParser, ParsedDocument, ParsedSection } from './parsed-document.js';
export { splitSentences, countWords } from './sentences.js';

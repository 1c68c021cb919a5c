import { parseQaCsv } from './csv-qa-parser.js';
import { parseHtml } from './html-parser.js';
import { parseMarkdown } from './markdown-parser.js';
import { KnowledgeParseError, type DocumentParser, type ParsedDocument } from './parsed-document.js';
import { parsePdf } from './pdf-parser.js';
import { parseText } from './text-parser.js';

/** The document formats the knowledge base reads. */
export type KnowledgeFormat = 'markdown' | 'html' | 'text' | 'pdf' | 'csv';

const BY_EXTENSION: Readonly<Record<string, KnowledgeFormat>> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.txt': 'text',
  '.pdf': 'pdf',
  '.csv': 'csv',
};

const BY_MEDIA_TYPE: Readonly<Record<string, KnowledgeFormat>> = {
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/csv': 'csv',
};

const PARSERS: Readonly<Record<KnowledgeFormat, DocumentParser>> = {
  markdown: parseMarkdown,
  html: parseHtml,
  text: parseText,
  pdf: parsePdf,
  csv: parseQaCsv,
};

/** The extensions ingestion reads (other files are skipped). */
export const knowledgeFileExtensions: readonly string[] = Object.keys(BY_EXTENSION);

/** The format of a path or URL by its extension (case-insensitive), or null when it is not one we read. */
export function formatOfPath(path: string): KnowledgeFormat | null {
  const clean = path.replace(/[?#].*$/, '');
  const name = clean.slice(clean.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (BY_EXTENSION[name.slice(dot)] ?? null) : null;
}

/** The format a Content-Type names (`text/html; charset=utf-8` → html), or null. */
export function formatOfContentType(contentType: string | null | undefined): KnowledgeFormat | null {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return BY_MEDIA_TYPE[mediaType] ?? null;
}

/**
 * Parses one knowledge file, its format chosen by the source's extension unless given.
 * Rejects with a KnowledgeParseError for a format we do not read or a file we cannot parse.
 */
export async function parseKnowledgeFile(bytes: Buffer, source: string, format: KnowledgeFormat | null = formatOfPath(source)): Promise<ParsedDocument> {
  if (format === null) {
    throw new KnowledgeParseError(`${source}: not a knowledge file (read are ${knowledgeFileExtensions.join(' ')})`);
  }
  return PARSERS[format](bytes, source);
}

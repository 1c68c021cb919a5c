import { ParleyError } from '../core/errors.js';
import type { KnowledgeChunk, KnowledgeDocument } from '../core/knowledge.js';
import { canonicalTime } from './store-support.js';

/**
 * What every store checks before it writes a knowledge document, so the memory and SQLite stores
 * (and the PostgreSQL one to come) accept and refuse exactly the same documents.
 *
 * A document that breaks a rule is a bug in whoever built it (the ingester, an embedder that
 * returned the wrong number of vectors), so it is refused with PARLEY_INTERNAL, as an invalid
 * timestamp is, and nothing of it is written.
 */

/** A document's dense vectors, all of one model and one length, one per chunk in chunk order. */
export interface CheckedKnowledgeVectors {
  readonly model: string;
  readonly dimensions: number;
  readonly values: readonly Float32Array[];
}

export interface CheckedKnowledgeDocument {
  readonly source: string;
  readonly title: string;
  readonly contentHash: string;
  readonly ingestedAt: string;
  readonly chunks: readonly KnowledgeChunk[];
  /** null when the document has no vectors (or no chunks to have vectors for). */
  readonly vectors: CheckedKnowledgeVectors | null;
}

function invalid(bot: string, source: string, message: string, details: Record<string, unknown> = {}): ParleyError {
  return new ParleyError('PARLEY_INTERNAL', `Knowledge document ${JSON.stringify(source)} of bot ${JSON.stringify(bot)} cannot be stored: ${message}`, {
    details: { bot, source, ...details },
  });
}

/** A lone surrogate (half of a UTF-16 pair): in `u` mode a whole pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Text must be well-formed Unicode without NUL: SQLite would turn a lone surrogate into U+FFFD
 * (so the memory and SQLite stores would hand back different text) and PostgreSQL refuses NUL in
 * TEXT outright. The ingester removes both from what it reads; here they are a bug.
 */
export function checkKnowledgeText(value: string, field: string, bot: string, source: string, position?: number): void {
  const where = position === undefined ? { field } : { field, position };
  if (typeof value !== 'string') throw invalid(bot, source, `${field} is not a string`, where);
  if (value.includes('\u0000')) throw invalid(bot, source, `${field} contains a NUL character`, where);
  if (LONE_SURROGATE.test(value)) throw invalid(bot, source, `${field} is not well-formed Unicode (a lone surrogate)`, where);
}

function checkOptionalText(value: string | null, field: string, bot: string, source: string, position: number): void {
  if (value !== null) checkKnowledgeText(value, field, bot, source, position);
}

function checkVectors(bot: string, document: KnowledgeDocument): CheckedKnowledgeVectors | null {
  const { source, vectors, vectorModel } = document;
  if (vectors === undefined) return null;
  if (vectors.length !== document.chunks.length) {
    throw invalid(bot, source, `it has ${document.chunks.length} chunks but ${vectors.length} vectors (one per chunk is required)`, {
      chunks: document.chunks.length,
      vectors: vectors.length,
    });
  }
  if (vectors.length === 0) return null;
  if (vectorModel === undefined || vectorModel === '') throw invalid(bot, source, 'it has vectors but no vectorModel', { field: 'vectorModel' });
  checkKnowledgeText(vectorModel, 'vectorModel', bot, source);
  const dimensions = vectors[0]!.length;
  vectors.forEach((vector, position) => {
    if (!(vector instanceof Float32Array)) throw invalid(bot, source, `the vector of chunk ${position} is not a Float32Array`, { position });
    if (vector.length === 0 || vector.length !== dimensions) {
      throw invalid(bot, source, `the vector of chunk ${position} has ${vector.length} values, not ${dimensions} like the first`, {
        position,
        dimensions,
        length: vector.length,
      });
    }
    // A NaN or an infinity would poison every similarity computed with this vector.
    for (const value of vector) {
      if (!Number.isFinite(value)) throw invalid(bot, source, `the vector of chunk ${position} holds a value that is not finite`, { position });
    }
  });
  return { model: vectorModel, dimensions, values: vectors };
}

/**
 * Checks a document before any of it is written, and gives it in the form stores write: the
 * timestamp canonical, the vectors (if any) with their model and length.
 */
export function checkKnowledgeDocument(bot: string, document: KnowledgeDocument, ingestedAt: string): CheckedKnowledgeDocument {
  const { source } = document;
  checkKnowledgeText(bot, 'bot', bot, source);
  checkKnowledgeText(source, 'source', bot, source);
  if (bot === '') throw invalid(bot, source, 'the bot name is empty', { field: 'bot' });
  if (source === '') throw invalid(bot, source, 'the source is empty', { field: 'source' });
  checkKnowledgeText(document.title, 'title', bot, source);
  checkKnowledgeText(document.contentHash, 'contentHash', bot, source);
  const canonicalIngestedAt = canonicalTime(ingestedAt, 'ingestedAt');
  document.chunks.forEach((chunk, index) => {
    if (chunk.source !== source) {
      throw invalid(bot, source, `chunk ${index} belongs to ${JSON.stringify(chunk.source)}`, { position: index, field: 'chunk.source' });
    }
    // Positions are the chunk order: 0, 1, 2… with no gaps or repeats, which is what the vectors line up with.
    if (chunk.position !== index) {
      throw invalid(bot, source, `chunk ${index} has position ${String(chunk.position)}; chunks must be given in order with positions 0, 1, 2…`, {
        position: index,
        field: 'chunk.position',
      });
    }
    checkKnowledgeText(chunk.id, 'chunk.id', bot, source, index);
    checkKnowledgeText(chunk.title, 'chunk.title', bot, source, index);
    checkOptionalText(chunk.section, 'chunk.section', bot, source, index);
    checkKnowledgeText(chunk.text, 'chunk.text', bot, source, index);
    checkOptionalText(chunk.link, 'chunk.link', bot, source, index);
    if (!Array.isArray(chunk.tags)) throw invalid(bot, source, `the tags of chunk ${index} are not a list`, { position: index, field: 'chunk.tags' });
    for (const tag of chunk.tags) checkKnowledgeText(tag, 'chunk.tags', bot, source, index);
  });
  return {
    source,
    title: document.title,
    contentHash: document.contentHash,
    ingestedAt: canonicalIngestedAt,
    chunks: document.chunks,
    vectors: checkVectors(bot, document),
  };
}

/**
 * Orders strings by Unicode code point, which is the byte order of their UTF-8 form: what SQLite's
 * (and PostgreSQL's "C") BINARY collation gives. Plain `<` compares UTF-16 code units, which puts
 * characters above U+FFFF (emoji) before U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Surrogates (which start characters above U+FFFF) move above U+E000–U+FFFF. */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

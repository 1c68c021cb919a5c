import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { ParleyError, type Embedder } from '../../core/index.js';
import { buildKnowledgeDocument, folderTags, formatOfPath, listFiles } from '../ingest/index.js';
import { buildKnowledgeIndex, type KnowledgeIndexEntry, type KnowledgeIndexOptions } from '../retrieval/index.js';

/**
 * Retrieval quality on a question set: each question names the document that answers it; a
 * question is found at rank r when the first passage from that document is the r-th retrieved.
 * The documents are ingested the way `ingestFolder` does (same parsers, chunker and folder
 * tags), into a throw-away list rather than a store.
 */

export interface RetrievalQuestion {
  readonly question: string;
  /** The document (path relative to the docs folder) that answers it. */
  readonly source: string;
  /** A phrase of the answer, for reference only. */
  readonly answer?: string;
}

export interface RetrievalMiss {
  readonly question: string;
  readonly source: string;
  /** The sources of the top passages, best first (as many as were retrieved, at most `depth`). */
  readonly top: string[];
  /** The rank of the first passage from `source` (null when not among the `depth` retrieved). */
  readonly rank: number | null;
}

export interface RetrievalEvaluation {
  readonly questions: number;
  readonly documents: number;
  readonly chunks: number;
  /** Share of questions whose source gives the first passage. */
  readonly recallAt1: number;
  /** Share of questions with a passage of their source among the first five. */
  readonly recallAt5: number;
  /** Mean reciprocal rank of the first passage from the source (0 when not among the `depth` retrieved). */
  readonly mrr: number;
  /**
   * Over the questions that give an `answer` phrase: share whose first passage, or one of the
   * first five, is from the source and contains the phrase (case-insensitive), as the answerer
   * needs it. Null when no question gives one.
   */
  readonly answerAt1: number | null;
  readonly answerAt5: number | null;
  /** Per question, after one unmeasured pass (nearest rank). */
  readonly retrieveP50Ms: number;
  readonly retrieveP99Ms: number;
  readonly indexBuildMs: number;
  /** Evidence of the top passage: mean over all questions, and over those whose top passage is from the source. */
  readonly meanTopEvidence: number;
  readonly meanTopEvidenceWhenRight: number;
  /** Whether a dense ranking was fused in (an embedder was given and the chunks have its vectors). */
  readonly dense: boolean;
  /** The questions whose source is not the first passage's, with what came instead. */
  readonly misses: RetrievalMiss[];
}

export interface EvaluateRetrievalOptions {
  readonly docsDir: string;
  /** JSON Lines of `{question, source, answer?}`. */
  readonly qaFile: string;
  readonly embedder?: Embedder;
  /** How many passages to retrieve per question (default 20). */
  readonly depth?: number;
  readonly index?: Omit<KnowledgeIndexOptions, 'embedder'>;
}

export async function evaluateRetrieval(options: EvaluateRetrievalOptions): Promise<RetrievalEvaluation> {
  const depth = options.depth ?? 20;
  const questions = await readQuestions(options.qaFile);
  const { entries, documents } = await ingestInMemory(options.docsDir, options.embedder);
  const known = new Set(entries.map((entry) => entry.chunk.source));
  const unknown = questions.filter((question) => !known.has(question.source));
  if (unknown.length > 0) {
    throw new ParleyError(
      'PARLEY_CONFIG_INVALID',
      `${unknown.length} question(s) name a source with no passages in ${options.docsDir}: ${[...new Set(unknown.map((question) => question.source))].join(', ')}.`,
    );
  }

  const buildStarted = performance.now();
  const index = buildKnowledgeIndex(entries, { ...options.index, ...(options.embedder ? { embedder: options.embedder } : {}) });
  const indexBuildMs = performance.now() - buildStarted;

  // One unmeasured pass over the questions warms the JIT and the word caches, so the timings are
  // those of a process that has been serving for a while.
  for (const question of questions) await index.retrieve(question.question, { limit: depth });

  const times: number[] = [];
  const misses: RetrievalMiss[] = [];
  let atOne = 0;
  let atFive = 0;
  let reciprocal = 0;
  let evidenceSum = 0;
  let evidenceRightSum = 0;
  let withAnswer = 0;
  let answerOne = 0;
  let answerFive = 0;
  for (const question of questions) {
    const started = performance.now();
    const passages = await index.retrieve(question.question, { limit: depth });
    times.push(performance.now() - started);
    const found = passages.findIndex((passage) => passage.chunk.source === question.source);
    const rank = found < 0 ? null : found + 1;
    if (rank === 1) atOne += 1;
    if (rank !== null && rank <= 5) atFive += 1;
    if (rank !== null) reciprocal += 1 / rank;
    if (question.answer !== undefined) {
      const phrase = question.answer.toLowerCase();
      const answers = (index: number) => passages[index]?.chunk.source === question.source && passages[index]!.chunk.text.toLowerCase().includes(phrase);
      withAnswer += 1;
      if (answers(0)) answerOne += 1;
      if ([0, 1, 2, 3, 4].some(answers)) answerFive += 1;
    }
    evidenceSum += passages[0]?.evidence ?? 0;
    if (rank === 1) evidenceRightSum += passages[0]!.evidence;
    if (rank !== 1) {
      misses.push({ question: question.question, source: question.source, top: passages.slice(0, 5).map((passage) => passage.chunk.source), rank });
    }
  }
  const total = questions.length || 1;
  return {
    questions: questions.length,
    documents,
    chunks: entries.length,
    recallAt1: atOne / total,
    recallAt5: atFive / total,
    mrr: reciprocal / total,
    answerAt1: withAnswer === 0 ? null : answerOne / withAnswer,
    answerAt5: withAnswer === 0 ? null : answerFive / withAnswer,
    retrieveP50Ms: percentile(times, 0.5),
    retrieveP99Ms: percentile(times, 0.99),
    indexBuildMs,
    meanTopEvidence: evidenceSum / total,
    meanTopEvidenceWhenRight: atOne === 0 ? 0 : evidenceRightSum / atOne,
    dense: index.denseSize > 0,
    misses,
  };
}

/** Nearest-rank percentile (`fraction` 0..1) of the values; 0 for none. */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

export async function readQuestions(file: string): Promise<RetrievalQuestion[]> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new ParleyError('PARLEY_CONFIG_INVALID', `Cannot read the questions file ${file}: ${(error as Error).message}`);
  });
  const questions: RetrievalQuestion[] = [];
  text.split(/\r?\n/).forEach((line, number) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ParleyError('PARLEY_CONFIG_INVALID', `${file}:${number + 1}: not a JSON object.`);
    }
    const record = value as Partial<Record<string, unknown>>;
    if (typeof record !== 'object' || record === null || typeof record.question !== 'string' || typeof record.source !== 'string') {
      throw new ParleyError('PARLEY_CONFIG_INVALID', `${file}:${number + 1}: expected {"question": "...", "source": "..."}.`);
    }
    questions.push({ question: record.question, source: record.source, ...(typeof record.answer === 'string' ? { answer: record.answer } : {}) });
  });
  return questions;
}

/** Every document of the folder, parsed and chunked (and embedded with an embedder), as index entries. */
async function ingestInMemory(dir: string, embedder: Embedder | undefined): Promise<{ entries: KnowledgeIndexEntry[]; documents: number }> {
  const files = await listFiles(dir).catch((error: unknown) => {
    throw new ParleyError('PARLEY_CONFIG_INVALID', `Cannot read the documents folder ${dir}: ${(error as Error).message}`);
  });
  const entries: KnowledgeIndexEntry[] = [];
  let documents = 0;
  for (const file of files) {
    const source = relative(dir, file).split(sep).join('/');
    if (formatOfPath(source) === null) continue;
    const document = await buildKnowledgeDocument({ bytes: await readFile(file), source, tags: folderTags(source), ...(embedder ? { embedder } : {}) });
    documents += 1;
    document.chunks.forEach((chunk, position) => {
      const vector = document.vectors?.[position] ?? null;
      entries.push({ chunk, vector, vectorModel: vector ? (document.vectorModel ?? null) : null });
    });
  }
  return { entries, documents };
}

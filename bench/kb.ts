import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Embedder, KnowledgeChunk, KnowledgeDocument } from '../src/core/index.js';
import { buildKnowledgeIndex, type KnowledgeIndex, type KnowledgeIndexEntry } from '../src/knowledge/retrieval/index.js';
import { openStore } from '../src/storage/index.js';
import { seededRandom } from '../src/nlu/sampling/index.js';

/**
 * Knowledge retrieval at 1k and 10k chunks. The corpus is generated, seeded: English-like text
 * drawn with Zipf frequencies (s = 1) from a vocabulary whose head is the real words of the shop
 * bot's knowledge documents (by their frequency there) and whose tail is made-up words, as the
 * long tail of a real vocabulary; about 120 words per chunk, 10 chunks per document, titles,
 * section headings and a tag per document. For each size:
 *   1. store: every document through the memory store's putDocument, then loadChunks (what the
 *      runtime does before building the index);
 *   2. index: buildKnowledgeIndex over the loaded chunks;
 *   3. retrieval: ~1000 generated questions (words of a random chunk with filler words, some with
 *      a typo; some of frequent words only), limit 5, one at a time after 100 unmeasured ones;
 *      p50 / p99 (nearest rank), also with a tag filter and with a dense ranking fused in (384-d
 *      vectors and an embedder that answers at once, so the row measures the scan and the fusion);
 *   4. memory: heap used (after a forced GC) and RSS before the store, after it and after the index.
 * Then how each grows from 1k to 10k, and the target: lexical p99 ≤ 10 ms at 10k chunks.
 */

export const TARGET_P99_MS = 10;

const MB = 1024 * 1024;
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const WORDS_PER_CHUNK = 120;
const CHUNKS_PER_DOCUMENT = 10;
const DENSE_DIMENSIONS = 384;
const TAGS = ['shipping', 'returns', 'payments', 'products', 'account'] as const;

const USAGE = `Usage: npm run bench:kb -- [--sizes 1000,10000] [--queries N] [--seed N] [--json]

  --sizes LIST   chunk counts to measure (default 1000,10000)
  --queries N    measured questions per size (default 1000)
  --seed N       corpus and question seed (default 42)
  --json         one machine-readable JSON object instead of the table
`;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function memory(): { heapMb: number; rssMb: number } {
  collectGarbage();
  collectGarbage();
  return { heapMb: process.memoryUsage().heapUsed / MB, rssMb: process.memoryUsage.rss() / MB };
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}


// ---------------------------------------------------------------------------------------------
// Corpus

interface Vocabulary {
  readonly words: readonly string[];
  /** Cumulative Zipf weights, for sampling by binary search. */
  readonly cumulative: Float64Array;
}

const SYLLABLES = ['ka', 'lo', 'mer', 'tin', 'sa', 'ro', 'bel', 'dan', 'vi', 'cor', 'um', 'pra', 'les', 'ton', 'ish', 'al', 'en', 'gar', 'po', 'qui', 'ster', 'ly', 'nor', 'ex', 'fa'];

function buildVocabulary(rng: () => number, tailSize: number): Vocabulary {
  const counts = new Map<string, number>();
  const dir = join(repoRoot, 'bots', 'shop', 'knowledge');
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8').replace(/<[^>]+>/g, ' ');
    for (const word of text.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const head = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([word]) => word);
  const seen = new Set(head);
  const tail: string[] = [];
  while (tail.length < tailSize) {
    const syllables = 2 + Math.floor(rng() * 3);
    let word = '';
    for (let s = 0; s < syllables; s += 1) word += SYLLABLES[Math.floor(rng() * SYLLABLES.length)];
    if (!seen.has(word)) {
      seen.add(word);
      tail.push(word);
    }
  }
  const words = [...head, ...tail];
  const cumulative = new Float64Array(words.length);
  let sum = 0;
  for (let rank = 0; rank < words.length; rank += 1) {
    sum += 1 / (rank + 2.7);
    cumulative[rank] = sum;
  }
  return { words, cumulative };
}

function drawWord(vocabulary: Vocabulary, rng: () => number): string {
  const target = rng() * vocabulary.cumulative[vocabulary.cumulative.length - 1]!;
  let low = 0;
  let high = vocabulary.cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (vocabulary.cumulative[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return vocabulary.words[low]!;
}

function phrase(vocabulary: Vocabulary, rng: () => number, words: number): string {
  const picked: string[] = [];
  for (let i = 0; i < words; i += 1) picked.push(drawWord(vocabulary, rng));
  return picked.map((word) => word[0]!.toUpperCase() + word.slice(1)).join(' ');
}

function paragraph(vocabulary: Vocabulary, rng: () => number, words: number): string {
  const sentences: string[] = [];
  let left = words;
  while (left > 0) {
    const length = Math.min(left, 8 + Math.floor(rng() * 12));
    const sentence: string[] = [];
    for (let i = 0; i < length; i += 1) sentence.push(drawWord(vocabulary, rng));
    sentences.push(`${sentence[0]![0]!.toUpperCase()}${sentence.join(' ').slice(1)}.`);
    left -= length;
  }
  return sentences.join(' ');
}

function generateDocuments(chunkCount: number, vocabulary: Vocabulary, rng: () => number): KnowledgeDocument[] {
  const documents: KnowledgeDocument[] = [];
  for (let d = 0; d * CHUNKS_PER_DOCUMENT < chunkCount; d += 1) {
    const source = `generated/doc-${String(d).padStart(5, '0')}.md`;
    const title = phrase(vocabulary, rng, 2 + Math.floor(rng() * 4));
    const tag = TAGS[Math.floor(rng() * TAGS.length)]!;
    const chunks: KnowledgeChunk[] = [];
    let section: string | null = null;
    for (let position = 0; position < CHUNKS_PER_DOCUMENT && d * CHUNKS_PER_DOCUMENT + position < chunkCount; position += 1) {
      if (position > 0 && (section === null || rng() < 0.4)) section = phrase(vocabulary, rng, 2 + Math.floor(rng() * 3));
      const words = WORDS_PER_CHUNK - 30 + Math.floor(rng() * 61);
      chunks.push({ id: `${source}#${position}`, source, title, section, position, text: paragraph(vocabulary, rng, words), link: null, tags: [tag] });
    }
    documents.push({ source, title, contentHash: `hash-${d}`, chunks, vectors: chunks.map(() => randomVector(rng)), vectorModel: 'bench-384' });
  }
  return documents;
}

function randomVector(rng: () => number): Float32Array {
  const vector = new Float32Array(DENSE_DIMENSIONS);
  for (let i = 0; i < DENSE_DIMENSIONS; i += 1) vector[i] = rng() * 2 - 1;
  return vector;
}

const FILLERS = ['how do i', 'can you tell me about', 'what is the', 'is there a', 'why does my', 'when will the', 'do you have', ''];

/** Questions: most from a chunk's words (sometimes with a typo), some of frequent words only. */
function generateQuestions(documents: readonly KnowledgeDocument[], vocabulary: Vocabulary, rng: () => number, count: number): string[] {
  const chunks = documents.flatMap((document) => document.chunks);
  const questions: string[] = [];
  for (let q = 0; q < count; q += 1) {
    const filler = FILLERS[Math.floor(rng() * FILLERS.length)]!;
    const wordCount = 2 + Math.floor(rng() * 5);
    let words: string[];
    if (rng() < 0.8) {
      const chunk = chunks[Math.floor(rng() * chunks.length)]!;
      const source = chunk.text.toLowerCase().replace(/[^a-z' ]/g, '').split(' ');
      const start = Math.floor(rng() * Math.max(1, source.length - 10));
      words = [];
      for (let i = 0; i < wordCount; i += 1) words.push(source[start + Math.floor(rng() * 10)] ?? 'order');
    } else {
      words = [];
      for (let i = 0; i < wordCount; i += 1) words.push(drawWord(vocabulary, rng));
    }
    if (rng() < 0.2) {
      const at = words.findIndex((word) => word.length >= 6);
      if (at >= 0) {
        const word = words[at]!;
        const i = 1 + Math.floor(rng() * (word.length - 3));
        words[at] = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
      }
    }
    questions.push(`${filler} ${words.join(' ')}?`.trim());
  }
  return questions;
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface Latency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

interface SizeResult {
  readonly chunks: number;
  readonly documents: number;
  readonly words: number;
  readonly vocabulary: number;
  readonly storePutMs: number;
  readonly storeLoadMs: number;
  readonly indexBuildMs: number;
  readonly lexical: Latency;
  readonly filtered: Latency;
  readonly dense: Latency;
  readonly emptyResults: number;
  readonly memory: {
    readonly heapBeforeMb: number;
    readonly heapAfterStoreMb: number;
    readonly heapAfterIndexMb: number;
    readonly rssBeforeMb: number;
    readonly rssAfterStoreMb: number;
    readonly rssAfterIndexMb: number;
  };
}

async function measureQueries(index: KnowledgeIndex, questions: readonly string[], warmup: number, options: { tags?: string[] } = {}): Promise<{ latency: Latency; empty: number }> {
  for (const question of questions.slice(0, warmup)) await index.retrieve(question, { limit: 5, ...options });
  const times: number[] = [];
  let empty = 0;
  for (const question of questions.slice(warmup)) {
    const started = performance.now();
    const passages = await index.retrieve(question, { limit: 5, ...options });
    times.push(performance.now() - started);
    if (passages.length === 0) empty += 1;
  }
  times.sort((a, b) => a - b);
  return {
    latency: { p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99), meanMs: times.reduce((sum, time) => sum + time, 0) / (times.length || 1), maxMs: times[times.length - 1] ?? 0 },
    empty,
  };
}

async function measureSize(chunkCount: number, queryCount: number, seed: number, vocabulary: Vocabulary, log: (line: string) => void): Promise<SizeResult> {
  const rng = seededRandom(seed + chunkCount);
  const documents = generateDocuments(chunkCount, vocabulary, rng);
  const questions = generateQuestions(documents, vocabulary, rng, queryCount + 100);
  const words = documents.reduce((sum, document) => sum + document.chunks.reduce((inner, chunk) => inner + chunk.text.split(' ').length, 0), 0);
  const distinct = new Set<string>();
  for (const document of documents) for (const chunk of document.chunks) for (const word of chunk.text.toLowerCase().split(/[^a-z']+/)) distinct.add(word);
  log(`[bench:kb] ${chunkCount} chunks: ${documents.length} documents, ${words} words generated`);

  const before = memory();
  const store = openStore('memory', '.');
  let started = performance.now();
  for (const document of documents) await store.knowledge.putDocument('bench', document, '2026-01-01T00:00:00.000Z');
  const storePutMs = performance.now() - started;
  started = performance.now();
  const entries: KnowledgeIndexEntry[] = await store.knowledge.loadChunks('bench');
  const storeLoadMs = performance.now() - started;
  const afterStore = memory();

  started = performance.now();
  const lexicalIndex = buildKnowledgeIndex(entries);
  const indexBuildMs = performance.now() - started;
  const afterIndex = memory();
  log(`[bench:kb] ${chunkCount} chunks: stored in ${storePutMs.toFixed(0)} ms, loaded in ${storeLoadMs.toFixed(0)} ms, indexed in ${indexBuildMs.toFixed(0)} ms`);

  const lexical = await measureQueries(lexicalIndex, questions, 100);
  const filtered = await measureQueries(lexicalIndex, questions, 100, { tags: [TAGS[0], TAGS[1]] });

  const queryRng = seededRandom(seed * 7 + chunkCount);
  const embedder: Embedder = { model: 'bench-384', embed: async (texts) => texts.map(() => randomVector(queryRng)) };
  const denseIndex = buildKnowledgeIndex(entries, { embedder });
  const dense = await measureQueries(denseIndex, questions, 100);
  log(`[bench:kb] ${chunkCount} chunks: lexical p99 ${lexical.latency.p99Ms.toFixed(3)} ms, filtered p99 ${filtered.latency.p99Ms.toFixed(3)} ms, dense+RRF p99 ${dense.latency.p99Ms.toFixed(3)} ms`);
  await store.close();

  return {
    chunks: entries.length,
    documents: documents.length,
    words,
    vocabulary: distinct.size,
    storePutMs,
    storeLoadMs,
    indexBuildMs,
    lexical: lexical.latency,
    filtered: filtered.latency,
    dense: dense.latency,
    emptyResults: lexical.empty,
    memory: {
      heapBeforeMb: before.heapMb,
      heapAfterStoreMb: afterStore.heapMb,
      heapAfterIndexMb: afterIndex.heapMb,
      rssBeforeMb: before.rssMb,
      rssAfterStoreMb: afterStore.rssMb,
      rssAfterIndexMb: afterIndex.rssMb,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function printReport(results: readonly SizeResult[], queryCount: number): void {
  const rows: [string, (r: SizeResult) => string][] = [
    ['chunks / documents', (r) => `${r.chunks} / ${r.documents}`],
    ['words / distinct', (r) => `${r.words} / ${r.vocabulary}`],
    ['store putDocument ms', (r) => r.storePutMs.toFixed(1)],
    ['store loadChunks ms', (r) => r.storeLoadMs.toFixed(1)],
    ['index build ms', (r) => r.indexBuildMs.toFixed(1)],
    ['retrieve p50 ms', (r) => r.lexical.p50Ms.toFixed(3)],
    ['retrieve p99 ms', (r) => r.lexical.p99Ms.toFixed(3)],
    ['retrieve mean / max ms', (r) => `${r.lexical.meanMs.toFixed(3)} / ${r.lexical.maxMs.toFixed(2)}`],
    ['  tag filter p50 / p99', (r) => `${r.filtered.p50Ms.toFixed(3)} / ${r.filtered.p99Ms.toFixed(3)}`],
    ['  + dense 384-d p50 / p99', (r) => `${r.dense.p50Ms.toFixed(3)} / ${r.dense.p99Ms.toFixed(3)}`],
    ['heap before MB', (r) => r.memory.heapBeforeMb.toFixed(1)],
    ['heap +store MB', (r) => (r.memory.heapAfterStoreMb - r.memory.heapBeforeMb).toFixed(1)],
    ['heap +index MB', (r) => (r.memory.heapAfterIndexMb - r.memory.heapAfterStoreMb).toFixed(1)],
    ['RSS before / after MB', (r) => `${r.memory.rssBeforeMb.toFixed(0)} / ${r.memory.rssAfterIndexMb.toFixed(0)}`],
  ];
  const first = results[0]!;
  const last = results[results.length - 1]!;
  const showRatio = results.length > 1;
  const ratio = (pick: (r: SizeResult) => number) => (pick(first) > 0 ? `×${(pick(last) / pick(first)).toFixed(1)}` : '-');
  const ratios: Partial<Record<string, string>> = {
    'chunks / documents': ratio((r) => r.chunks),
    'store putDocument ms': ratio((r) => r.storePutMs),
    'store loadChunks ms': ratio((r) => r.storeLoadMs),
    'index build ms': ratio((r) => r.indexBuildMs),
    'retrieve p50 ms': ratio((r) => r.lexical.p50Ms),
    'retrieve p99 ms': ratio((r) => r.lexical.p99Ms),
    '  + dense 384-d p50 / p99': ratio((r) => r.dense.p99Ms),
    'heap +store MB': ratio((r) => r.memory.heapAfterStoreMb - r.memory.heapBeforeMb),
    'heap +index MB': ratio((r) => r.memory.heapAfterIndexMb - r.memory.heapAfterStoreMb),
  };
  const width = 26;
  const column = 20;
  console.log(`\nkb benchmark: generated corpus, ${queryCount} questions per size (limit 5), memory store, one process\n`);
  console.log(['', ...results.map((r) => `${r.chunks} chunks`), ...(showRatio ? [`growth ${first.chunks}→${last.chunks}`] : [])].map((cell, i) => (i === 0 ? cell.padEnd(width) : cell.padStart(column))).join(''));
  for (const [label, cell] of rows) {
    console.log([label.padEnd(width), ...results.map((r) => cell(r).padStart(column)), ...(showRatio ? [(ratios[label] ?? '').padStart(column)] : [])].join(''));
  }
  const target = results.find((r) => r.chunks >= 10_000);
  console.log('');
  if (target) {
    const met = target.lexical.p99Ms <= TARGET_P99_MS;
    console.log(`target: retrieval p99 ≤ ${TARGET_P99_MS} ms at ${target.chunks} chunks: ${target.lexical.p99Ms.toFixed(3)} ms → ${met ? 'met' : 'NOT met'}`);
  } else {
    console.log(`target: retrieval p99 ≤ ${TARGET_P99_MS} ms at 10k chunks: not measured (no size ≥ 10000)`);
  }
}

// ---------------------------------------------------------------------------------------------

export async function runKbBenchmark(args: readonly string[]): Promise<number> {
  let values: { sizes: string; queries: string; seed: string; json: boolean; help: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        sizes: { type: 'string', default: '1000,10000' },
        queries: { type: 'string', default: '1000' },
        seed: { type: 'string', default: '42' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const sizes = values.sizes.split(',').map(Number);
  const queryCount = Number(values.queries);
  const seed = Number(values.seed);
  if (sizes.some((size) => !Number.isInteger(size) || size < 1) || !Number.isInteger(queryCount) || queryCount < 1 || !Number.isInteger(seed)) {
    console.error(`Bad --sizes, --queries or --seed.\n\n${USAGE}`);
    return 1;
  }
  try {
    const vocabulary = buildVocabulary(seededRandom(seed), 30_000);
    const results: SizeResult[] = [];
    for (const size of sizes) results.push(await measureSize(size, queryCount, seed, vocabulary, (line) => console.error(line)));
    const target = results.find((r) => r.chunks >= 10_000);
    if (values.json) {
      console.log(JSON.stringify({ benchmark: 'kb', queries: queryCount, seed, results, target: target ? { p99Ms: target.lexical.p99Ms, limitMs: TARGET_P99_MS, met: target.lexical.p99Ms <= TARGET_P99_MS } : null }));
    } else {
      printReport(results, queryCount);
    }
    return 0;
  } catch (error) {
    console.error(`\n[bench:kb] FAILED: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}

// Run directly (`npm run bench:kb`), not when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exit(await runKbBenchmark(process.argv.slice(2)));
}

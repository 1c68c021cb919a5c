import type { Embedder, KnowledgeChunk, KnowledgeRetriever, RetrievalOptions, RetrievedPassage } from '../../core/index.js';
import { analyseForIndex, analyseWords, termOf, type AnalysedWord } from './analyse-text.js';
import { DenseIndex, embedQuestion } from './dense-index.js';
import { FuzzyVocabulary } from './fuzzy-vocabulary.js';
import { builtInSynonyms, compileSynonyms, type SynonymTable } from './synonyms.js';
import { topK } from './top-k.js';

/**
 * The in-process retrieval index over a bot's chunks: BM25F over title, section and text, with
 * typo, compound and synonym expansion of the question; optionally a dense ranking by cosine
 * similarity with the question's embedding; the two fused by reciprocal rank (k = 60).
 *
 * Built from what the store's `loadChunks` returns, and rebuilt when the chunks change. The
 * lexical part reads postings only for the question's terms (no scan of all chunks); a term's
 * posting carries its BM25F weight, saturated and length-normalised at build time, so a query
 * is a few multiply-adds per posting.
 *
 * A passage's `score` is the RRF score when a dense ranking took part, else its BM25F score.
 * Its `evidence` is the IDF-weighted share of the question's words (after stopwords) that the
 * passage's title, section or text contains, a stand-in counting at its weight (a synonym 0.8,
 * a typo 0.55–0.75): comparable across questions, and 0 for a passage only the dense ranking found.
 */

export interface KnowledgeIndexEntry {
  readonly chunk: KnowledgeChunk;
  readonly vector: Float32Array | null;
  readonly vectorModel: string | null;
}

export interface FieldWeights {
  readonly title: number;
  readonly section: number;
  readonly text: number;
}

export interface KnowledgeIndexOptions {
  /** Embeds questions for the dense ranking; used only when chunks carry vectors of its model. */
  readonly embedder?: Embedder;
  /** The bot's synonym groups ("return label", "shipping label"), added to the built-in ones. */
  readonly synonyms?: readonly (readonly string[])[];
  /** false leaves out the built-in shop synonyms. */
  readonly builtInSynonyms?: boolean;
  /** How long the question's embedding may take before retrieval goes on with the lexical ranking alone (default 2000 ms). */
  readonly embedTimeoutMs?: number;
  /** Called when embedding a question fails or times out (retrieval then uses the lexical ranking). */
  readonly onEmbedError?: (error: unknown) => void;
  /** BM25F field weights (default title 2.5, section 2, text 1). */
  readonly fieldWeights?: Partial<FieldWeights>;
}

/** A retrieved passage with what explains it. */
export interface ScoredPassage extends RetrievedPassage {
  /** The question's words (normalised, as written) that the passage contains, itself or as a variant, synonym or typo match. */
  readonly matchedTerms: readonly string[];
  /** 1-based rank in the lexical and dense rankings (null when absent from that ranking). */
  readonly lexicalRank: number | null;
  readonly denseRank: number | null;
}

export interface KnowledgeIndex extends KnowledgeRetriever {
  /** Number of chunks. */
  readonly size: number;
  /** Number of chunks with a vector of the embedder's model (0 without an embedder). */
  readonly denseSize: number;
  retrieve(question: string, options?: RetrievalOptions): Promise<ScoredPassage[]>;
}

const K1 = 1.2;
const defaultFieldWeights: FieldWeights = { title: 2.5, section: 2, text: 1 };
const lengthNormalisation = { title: 0.5, section: 0.5, text: 0.75 };
const RRF_K = 60;
const DEFAULT_LIMIT = 5;
/** How deep each ranking goes into the fusion. */
const FUSION_DEPTH = 50;

// What a stand-in for a question's word is worth, relative to the word itself.
const WEIGHT_COMPOUND = 0.9;
const WEIGHT_SYNONYM = 0.8;
const WEIGHT_SPLIT = 0.8;
const WEIGHT_PREFIX = 0.7;
/** A typo match: one edit in a word of 5–6 letters is often another word ("movie" → "move"). */
const WEIGHT_TYPO_SHORT = 0.6;
const WEIGHT_TYPO_ONE = 0.75;
const WEIGHT_TYPO_TWO = 0.55;
const MIN_TYPO_LENGTH = 5;
const MIN_PREFIX_LENGTH = 4;

/** Index terms that together stand for a word of the question: one term, or a phrase's terms (all must occur). */
interface Alternative {
  readonly terms: readonly number[];
  readonly weight: number;
}

/** One informative word of the question, with the index terms that stand for it. */
interface Concept {
  readonly surface: string;
  readonly term: string;
  readonly idf: number;
  readonly alternatives: Alternative[];
}

interface Postings {
  readonly chunks: Int32Array;
  readonly weights: Float32Array;
}

export function buildKnowledgeIndex(entries: readonly KnowledgeIndexEntry[], options: KnowledgeIndexOptions = {}): KnowledgeIndex {
  const chunks = entries.map((entry) => entry.chunk);
  const count = chunks.length;
  const weights = { ...defaultFieldWeights, ...options.fieldWeights };

  // Pass 1, analysis: each field as term ids (titles and sections repeat across a document's
  // chunks, so theirs are cached), its length, and each term's document frequency.
  const termIds = new Map<string, number>();
  const surfaces = new Map<string, string>();
  const frequency: number[] = [];
  const lastSeen: number[] = [];
  const toIds = (text: string): { ids: Int32Array; length: number } => {
    const analysed = analyseForIndex(text, surfaces);
    const ids = new Int32Array(analysed.terms.length);
    for (let t = 0; t < ids.length; t += 1) {
      const term = analysed.terms[t]!;
      let id = termIds.get(term);
      if (id === undefined) {
        id = frequency.length;
        termIds.set(term, id);
        frequency.push(0);
        lastSeen.push(-1);
      }
      ids[t] = id;
    }
    return { ids, length: analysed.length };
  };
  const fieldCache = new Map<string, { ids: Int32Array; length: number }>();
  const toIdsCached = (text: string) => {
    let analysed = fieldCache.get(text);
    if (!analysed) {
      analysed = toIds(text);
      fieldCache.set(text, analysed);
    }
    return analysed;
  };
  const fields: (readonly [Int32Array, Int32Array, Int32Array])[] = new Array(count);
  const lengths = [new Float64Array(count), new Float64Array(count), new Float64Array(count)] as const;
  for (let index = 0; index < count; index += 1) {
    const chunk = chunks[index]!;
    const title = toIdsCached(chunk.title);
    const section = toIdsCached(chunk.section ?? '');
    const text = toIds(chunk.text);
    fields[index] = [title.ids, section.ids, text.ids];
    lengths[0][index] = title.length;
    lengths[1][index] = section.length;
    lengths[2][index] = text.length;
    for (const ids of fields[index]!) {
      for (let t = 0; t < ids.length; t += 1) {
        const id = ids[t]!;
        if (lastSeen[id] !== index) {
          lastSeen[id] = index;
          frequency[id]! += 1;
        }
      }
    }
  }

  // Pass 2, BM25F postings: per term and chunk, the field frequencies weighted and
  // length-normalised, summed, then saturated: w = tf' / (k1 + tf').
  const termCount = frequency.length;
  const postings: Postings[] = frequency.map((size) => ({ chunks: new Int32Array(size), weights: new Float32Array(size) }));
  const filled = new Int32Array(termCount);
  const fieldWeights = [weights.title, weights.section, weights.text] as const;
  const lengthFactors = [lengthNormalisation.title, lengthNormalisation.section, lengthNormalisation.text] as const;
  const averages = lengths.map((values) => (count === 0 ? 1 : values.reduce((sum, value) => sum + value, 0) / count || 1));
  const pseudo = new Float64Array(termCount);
  const local = new Int32Array(termCount);
  for (let index = 0; index < count; index += 1) {
    let localCount = 0;
    for (let f = 0; f < 3; f += 1) {
      const ids = fields[index]![f]!;
      if (ids.length === 0) continue;
      const weight = fieldWeights[f]! / (1 - lengthFactors[f]! + (lengthFactors[f]! * lengths[f]![index]!) / averages[f]!);
      for (let t = 0; t < ids.length; t += 1) {
        const id = ids[t]!;
        if (pseudo[id] === 0) local[localCount++] = id;
        pseudo[id]! += weight;
      }
    }
    for (let l = 0; l < localCount; l += 1) {
      const id = local[l]!;
      const at = filled[id]!;
      postings[id]!.chunks[at] = index;
      postings[id]!.weights[at] = pseudo[id]! / (K1 + pseudo[id]!);
      filled[id] = at + 1;
      pseudo[id] = 0;
    }
  }
  const idfs = Float64Array.from(frequency, (size) => idf(count, size));
  const unknownIdf = idf(count, 0);

  const fuzzy = new FuzzyVocabulary(surfaces.keys());
  const synonyms = compileSynonyms([...(options.builtInSynonyms === false ? [] : builtInSynonyms), ...(options.synonyms ?? [])]);

  // Filters.
  const byTag = new Map<string, number[]>();
  const bySource = new Map<string, number[]>();
  chunks.forEach((chunk, index) => {
    for (const tag of new Set(chunk.tags)) pushTo(byTag, tag, index);
    pushTo(bySource, chunk.source, index);
  });

  const dense =
    options.embedder === undefined
      ? null
      : DenseIndex.build(
          entries.map((entry) => entry.vector),
          entries.map((entry) => entry.vectorModel),
          options.embedder.model,
        );

  // Scratch space reused by every search (the lexical part runs synchronously).
  const scores = new Float64Array(count);
  const best = new Float64Array(count);
  const touched = new Int32Array(count);
  const conceptTouched = new Int32Array(count);

  function allowedChunks(retrieval: RetrievalOptions): Uint8Array | null {
    if (!retrieval.tags && !retrieval.sources) return null;
    const byTags = retrieval.tags ? new Uint8Array(count) : null;
    for (const tag of retrieval.tags ?? []) for (const index of byTag.get(tag) ?? []) byTags![index] = 1;
    const bySources = retrieval.sources ? new Uint8Array(count) : null;
    for (const source of retrieval.sources ?? []) for (const index of bySource.get(source) ?? []) bySources![index] = 1;
    if (!byTags) return bySources;
    if (!bySources) return byTags;
    for (let index = 0; index < count; index += 1) byTags[index]! &= bySources[index]!;
    return byTags;
  }

  function conceptsOf(question: string): Concept[] {
    const words = analyseWords(question);
    const concepts = new Map<string, Concept>();
    /** The concept each word stands in (null for stopwords and the parts of a known compound). */
    const wordConcepts: (Concept | null)[] = [];
    const addConcept = (surface: string, term: string): Concept => {
      let concept = concepts.get(term);
      if (!concept) {
        const id = termIds.get(term);
        concept = {
          surface,
          term,
          idf: id === undefined ? unknownIdf : idfs[id]!,
          alternatives: id === undefined ? [] : [{ terms: [id], weight: 1 }],
        };
        if (id === undefined) expandUnknown(concept);
        concepts.set(term, concept);
      }
      return concept;
    };
    for (let i = 0; i < words.length; i += 1) {
      const word = words[i]!;
      if (word.compound && termIds.has(word.compound.term)) {
        // "e-gift": the joined word stands for its parts.
        const concept = addConcept(word.compound.surface, word.compound.term);
        for (let part = 0; part < word.compound.parts && i < words.length; part += 1, i += 1) wordConcepts.push(part === 0 ? concept : null);
        i -= 1;
        continue;
      }
      wordConcepts.push(word.term === null ? null : addConcept(word.surface, word.term));
    }
    addCompoundsOfNeighbours(words, wordConcepts);
    addSynonyms(wordConcepts);
    return [...concepts.values()];
  }

  /**
   * A word no passage contains: a typo of an indexed word ("warrenty"), the start of one
   * ("info"), or two run together ("giftcard").
   */
  function expandUnknown(concept: Concept): void {
    const surface = concept.surface;
    if (!/\p{L}/u.test(surface) || surface.length < MIN_PREFIX_LENGTH) return;
    const candidates = new Map<number, number>();
    const offer = (word: string, weight: number) => {
      const id = termIds.get(surfaces.get(word)!);
      if (id !== undefined && (candidates.get(id) ?? 0) < weight) candidates.set(id, weight);
    };
    if (surface.length >= MIN_TYPO_LENGTH) {
      const matches = fuzzy.nearest(surface, surface.length >= 8 ? 2 : 1);
      const weight = matches[0]?.distance === 2 ? WEIGHT_TYPO_TWO : surface.length >= 7 ? WEIGHT_TYPO_ONE : WEIGHT_TYPO_SHORT;
      for (const match of matches) if (match.distance === matches[0]!.distance) offer(match.word, weight);
    }
    for (const word of fuzzy.extensions(surface, 2, 8)) offer(word, WEIGHT_PREFIX);
    // The best few, the more common first among equals.
    const ranked = [...candidates].sort(([leftId, left], [rightId, right]) => right - left || postings[rightId]!.chunks.length - postings[leftId]!.chunks.length);
    for (const [id, weight] of ranked.slice(0, 3)) concept.alternatives.push({ terms: [id], weight });
    if (concept.alternatives.length > 0 || surface.length < 6) return;
    for (let cut = 3; cut <= surface.length - 3; cut += 1) {
      const left = termOf(surface.slice(0, cut));
      const right = termOf(surface.slice(cut));
      const leftId = left === null ? undefined : termIds.get(left);
      const rightId = right === null ? undefined : termIds.get(right);
      if (leftId === undefined || rightId === undefined) continue;
      concept.alternatives.push({ terms: [leftId, rightId], weight: WEIGHT_SPLIT });
      return;
    }
  }

  /** "pick up" also finds "pickup", "check out" finds "checkout". */
  function addCompoundsOfNeighbours(words: readonly AnalysedWord[], wordConcepts: readonly (Concept | null)[]): void {
    for (let i = 0; i + 1 < words.length; i += 1) {
      const left = words[i]!;
      const right = words[i + 1]!;
      const concept = wordConcepts[i] ?? wordConcepts[i + 1];
      if (!concept || !/\p{L}/u.test(left.surface) || !/\p{L}/u.test(right.surface)) continue;
      const joined = termOf(left.surface + right.surface);
      const id = joined === null ? undefined : termIds.get(joined);
      if (id !== undefined) addAlternative(concept, [id], WEIGHT_COMPOUND);
    }
  }

  function addSynonyms(wordConcepts: readonly (Concept | null)[]): void {
    addSynonymsFrom(synonyms, wordConcepts.filter((concept): concept is Concept => concept !== null));
  }

  function addSynonymsFrom(table: SynonymTable, sequence: readonly Concept[]): void {
    for (let i = 0; i < sequence.length; i += 1) {
      for (const phrase of table.byFirstTerm.get(sequence[i]!.term) ?? []) {
        if (!phrase.terms.every((term, k) => sequence[i + k]?.term === term)) continue;
        const matched = sequence.slice(i, i + phrase.terms.length);
        for (const other of table.groups[phrase.group]!) {
          if (other === phrase) continue;
          const ids = other.terms.map((term) => termIds.get(term));
          if (ids.some((id) => id === undefined)) continue;
          for (const concept of matched) addAlternative(concept, ids as number[], WEIGHT_SYNONYM);
        }
      }
    }
  }

  function lexicalRanking(concepts: readonly Concept[], allowed: Uint8Array | null, depth: number): { ranked: number[]; scores: Map<number, number> } {
    let touchedCount = 0;
    for (const concept of concepts) {
      // A chunk's score for a concept is that of its best alternative.
      let conceptCount = 0;
      for (const alternative of concept.alternatives) {
        const first = alternative.terms[0]!;
        const list = postings[first]!;
        const factor = alternative.weight / alternative.terms.length;
        const ids = list.chunks;
        const termWeights = list.weights;
        const firstIdf = idfs[first]!;
        for (let p = 0; p < ids.length; p += 1) {
          const index = ids[p]!;
          if (allowed !== null && allowed[index] === 0) continue;
          let sum = firstIdf * termWeights[p]!;
          // A phrase: every other term must occur in the chunk too.
          for (let t = 1; t < alternative.terms.length && sum > 0; t += 1) {
            const term = alternative.terms[t]!;
            const at = indexOf(postings[term]!.chunks, index);
            sum = at < 0 ? 0 : sum + idfs[term]! * postings[term]!.weights[at]!;
          }
          if (sum === 0) continue;
          const value = factor * sum;
          if (best[index] === 0) conceptTouched[conceptCount++] = index;
          if (value > best[index]!) best[index] = value;
        }
      }
      for (let c = 0; c < conceptCount; c += 1) {
        const index = conceptTouched[c]!;
        if (scores[index] === 0) touched[touchedCount++] = index;
        scores[index]! += best[index]!;
        best[index] = 0;
      }
    }
    const ranked = topK(touched, touchedCount, scores, depth);
    const result = new Map(ranked.map((index) => [index, scores[index]!]));
    for (let t = 0; t < touchedCount; t += 1) scores[touched[t]!] = 0;
    return { ranked, scores: result };
  }

  /** The share of the question's informative weight (IDF) the chunk covers, and the words it covers. */
  function evidenceFor(index: number, concepts: readonly Concept[]): { evidence: number; matchedTerms: string[] } {
    let total = 0;
    let covered = 0;
    const matchedTerms: string[] = [];
    for (const concept of concepts) {
      const weight = concept.idf;
      total += weight;
      let credit = 0;
      for (const alternative of concept.alternatives) {
        if (alternative.weight > credit && alternative.terms.every((term) => indexOf(postings[term]!.chunks, index) >= 0)) credit = alternative.weight;
      }
      if (credit > 0) {
        covered += weight * credit;
        matchedTerms.push(concept.surface);
      }
    }
    return { evidence: total === 0 ? 0 : Math.min(1, covered / total), matchedTerms };
  }

  async function retrieve(question: string, retrieval: RetrievalOptions = {}): Promise<ScoredPassage[]> {
    const limit = Math.max(0, Math.floor(retrieval.limit ?? DEFAULT_LIMIT));
    if (limit === 0 || count === 0) return [];
    const embedding = dense && options.embedder ? embedQuestion(options.embedder, question, options.embedTimeoutMs ?? 2000, options.onEmbedError) : null;
    const allowed = allowedChunks(retrieval);
    const concepts = conceptsOf(question);
    const lexical = lexicalRanking(concepts, allowed, Math.max(limit, dense ? FUSION_DEPTH : limit));

    const vector = embedding ? await embedding : null;
    const denseRanked = vector && dense ? dense.rank(vector, Math.max(limit, FUSION_DEPTH), allowed) : null;

    const lexicalRanks = new Map(lexical.ranked.map((index, rank) => [index, rank + 1]));
    const denseRanks = new Map((denseRanked ?? []).map((index, rank) => [index, rank + 1]));
    let order: number[];
    let score: (index: number) => number;
    if (denseRanked) {
      const fused = new Map<number, number>();
      for (const [index, rank] of lexicalRanks) fused.set(index, 1 / (RRF_K + rank));
      for (const [index, rank] of denseRanks) fused.set(index, (fused.get(index) ?? 0) + 1 / (RRF_K + rank));
      order = [...fused.keys()].sort(
        (left, right) =>
          fused.get(right)! - fused.get(left)! ||
          (lexicalRanks.get(left) ?? Infinity) - (lexicalRanks.get(right) ?? Infinity) ||
          left - right,
      );
      score = (index) => fused.get(index)!;
    } else {
      order = lexical.ranked;
      score = (index) => lexical.scores.get(index)!;
    }
    return order.slice(0, limit).map((index) => {
      const { evidence, matchedTerms } = evidenceFor(index, concepts);
      return {
        chunk: chunks[index]!,
        score: score(index),
        evidence,
        matchedTerms,
        lexicalRank: lexicalRanks.get(index) ?? null,
        denseRank: denseRanks.get(index) ?? null,
      };
    });
  }

  return { size: count, denseSize: dense?.size ?? 0, retrieve };
}

function idf(count: number, frequency: number): number {
  return Math.log(1 + (count - frequency + 0.5) / (frequency + 0.5));
}

function addAlternative(concept: Concept, terms: readonly number[], weight: number): void {
  const key = terms.join(' ');
  const existing = concept.alternatives.findIndex((alternative) => alternative.terms.join(' ') === key);
  if (existing < 0) concept.alternatives.push({ terms, weight });
  else if (concept.alternatives[existing]!.weight < weight) concept.alternatives[existing] = { terms, weight };
}

function pushTo(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Where `value` is in an ascending list, or -1. */
function indexOf(sorted: Int32Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const at = sorted[middle]!;
    if (at === value) return middle;
    if (at < value) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

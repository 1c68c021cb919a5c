/**
 * The knowledge base: the organisation's documents, cut into passages the bot can retrieve and
 * cite. Ingestion (src/knowledge/ingest) turns files into documents of chunks; the store keeps
 * them (the `knowledge` port, so a scaled deployment can keep them in PostgreSQL); retrieval
 * (src/knowledge/retrieval) finds the passages that answer a question; the answerer quotes them
 * (or has an LLM answer from them) with citations.
 */

/** One passage of a document, as ingested. */
export interface KnowledgeChunk {
  /** Stable for the same document text and position: `<source>#<position>`. */
  readonly id: string;
  /** The document's path relative to the knowledge folder (or its URL), with forward slashes. */
  readonly source: string;
  /** The document's title. */
  readonly title: string;
  /** The heading path of the passage within its document ("Returns › Refunds"), null before the first heading. */
  readonly section: string | null;
  /** 0-based order of the passage within its document. */
  readonly position: number;
  /** The passage's text: plain text, no markup. */
  readonly text: string;
  /** Where a reader can open the source (a URL, or null). */
  readonly link: string | null;
  /** Tags for filtering (from the folder it lies in, or front matter). */
  readonly tags: readonly string[];
}

/** A whole document: what re-ingesting replaces at once. */
export interface KnowledgeDocument {
  readonly source: string;
  readonly title: string;
  /** SHA-256 of the source bytes: a re-ingest of unchanged bytes does nothing. */
  readonly contentHash: string;
  readonly chunks: readonly KnowledgeChunk[];
  /** Optional dense vectors, one per chunk, in chunk order, all of the same length. */
  readonly vectors?: readonly Float32Array[];
  /** Which embedding model made the vectors (vectors of another model are never compared). */
  readonly vectorModel?: string;
}

export interface KnowledgeDocumentSummary {
  readonly source: string;
  readonly title: string;
  readonly contentHash: string;
  readonly chunks: number;
  readonly ingestedAt: string;
}

/** The store port for a bot's knowledge. Documents are replaced whole, in one transaction. */
export interface KnowledgeStore {
  /** Replaces the document's chunks (and vectors) with these; a new source is added. */
  putDocument(bot: string, document: KnowledgeDocument, ingestedAt: string): Promise<void>;
  /** Removes a document and its chunks; false when there was none. */
  removeDocument(bot: string, source: string): Promise<boolean>;
  /** Every document of the bot, by source. */
  listDocuments(bot: string): Promise<KnowledgeDocumentSummary[]>;
  /** Every chunk of the bot, in source then position order, with its vector when it has one. */
  loadChunks(bot: string): Promise<{ chunk: KnowledgeChunk; vector: Float32Array | null; vectorModel: string | null }[]>;
}

/** A retrieved passage with how well it matched. */
export interface RetrievedPassage {
  readonly chunk: KnowledgeChunk;
  /** The fused score; higher is better. Comparable within one search only. */
  readonly score: number;
  /** The lexical relevance of the best-matching part, 0..1, comparable across searches: what the "I don't know" threshold reads. */
  readonly evidence: number;
}

export interface RetrievalOptions {
  readonly limit?: number;
  /** Only passages with at least one of these tags. */
  readonly tags?: readonly string[];
  /** Only passages from these sources. */
  readonly sources?: readonly string[];
}

/** Answers questions from the bot's knowledge. */
export interface KnowledgeRetriever {
  retrieve(question: string, options?: RetrievalOptions): Promise<RetrievedPassage[]>;
}

/** Turns texts into dense vectors (an embedding provider); optional everywhere. */
export interface Embedder {
  /** The model's name: vectors of different models are never compared. */
  readonly model: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

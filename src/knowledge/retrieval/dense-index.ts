import type { Embedder } from '../../core/index.js';
import { topK } from './top-k.js';

/**
 * The dense half of retrieval: the chunks' vectors of one embedding model, normalised, in one
 * contiguous Float32Array, ranked by cosine similarity with a brute-force scan (10k × 1536 is
 * about 15 M multiply-adds, a few milliseconds). Vectors of another model, or of another length
 * than the first one, are left out: they are never compared.
 */
export class DenseIndex {
  readonly dimensions: number;
  /** Chunk index of each row. */
  private readonly rows: Int32Array;
  private readonly matrix: Float32Array;

  private constructor(dimensions: number, rows: Int32Array, matrix: Float32Array) {
    this.dimensions = dimensions;
    this.rows = rows;
    this.matrix = matrix;
  }

  static build(vectors: readonly (Float32Array | null)[], models: readonly (string | null)[], model: string): DenseIndex | null {
    let dimensions = 0;
    const rows: number[] = [];
    vectors.forEach((vector, index) => {
      if (!vector || models[index] !== model || vector.length === 0) return;
      if (dimensions === 0) dimensions = vector.length;
      if (vector.length === dimensions) rows.push(index);
    });
    if (rows.length === 0) return null;
    const matrix = new Float32Array(rows.length * dimensions);
    rows.forEach((index, row) => {
      const vector = vectors[index]!;
      let sum = 0;
      for (let d = 0; d < dimensions; d += 1) sum += vector[d]! * vector[d]!;
      const norm = Math.sqrt(sum) || 1;
      for (let d = 0; d < dimensions; d += 1) matrix[row * dimensions + d] = vector[d]! / norm;
    });
    return new DenseIndex(dimensions, Int32Array.from(rows), matrix);
  }

  get size(): number {
    return this.rows.length;
  }

  /** Chunk indexes by cosine similarity with `query`, best first, at most `k`, among `allowed` chunks. */
  rank(query: Float32Array, k: number, allowed: Uint8Array | null): number[] {
    if (query.length !== this.dimensions) return [];
    let norm = 0;
    for (let d = 0; d < query.length; d += 1) norm += query[d]! * query[d]!;
    norm = Math.sqrt(norm) || 1;
    const { dimensions, matrix, rows } = this;
    const similarities = new Float64Array(rows.length);
    const candidates = new Int32Array(rows.length);
    let count = 0;
    for (let row = 0; row < rows.length; row += 1) {
      if (allowed && allowed[rows[row]!] === 0) continue;
      let dot = 0;
      const offset = row * dimensions;
      for (let d = 0; d < dimensions; d += 1) dot += matrix[offset + d]! * query[d]!;
      similarities[row] = dot / norm;
      candidates[count] = row;
      count += 1;
    }
    return topK(candidates, count, similarities, k).map((row) => rows[row]!);
  }
}

/** The embedder's vector for one question, or null when it fails or does not answer within `timeoutMs`. */
export async function embedQuestion(
  embedder: Embedder,
  question: string,
  timeoutMs: number,
  onError?: (error: unknown) => void,
): Promise<Float32Array | null> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`the embedder did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const [vector] = await Promise.race([embedder.embed([question], controller.signal), timeout]);
    if (!(vector instanceof Float32Array) || vector.length === 0) throw new Error('the embedder returned no vector');
    return vector;
  } catch (error) {
    onError?.(error);
    return null;
  } finally {
    clearTimeout(timer);
  }
}

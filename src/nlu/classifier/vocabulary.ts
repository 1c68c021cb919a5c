/**
 * The feature vocabulary with inverse document frequencies, and the TF-IDF vectors built from it:
 * sublinear term frequency, L2-normalised, sparse.
 */

export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

export interface Vocabulary {
  readonly features: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly idf: Float32Array;
}

/**
 * Counts document frequencies one document at a time, so the feature lists of all documents never
 * have to be in memory together (on 15,000 examples they would be millions of strings).
 */
export function buildVocabulary(documentCount: number, documentAt: (index: number) => readonly string[], minDocumentFrequency: number): Vocabulary {
  const counts = new Map<string, number>();
  for (let i = 0; i < documentCount; i += 1) {
    for (const feature of new Set(documentAt(i))) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  }
  const documents = { length: documentCount };
  // Sorted, so the vocabulary (and so the model) does not depend on the order of the examples.
  const features = [...counts.entries()]
    .filter(([, count]) => count >= minDocumentFrequency)
    .map(([feature]) => feature)
    .sort();
  const idf = new Float32Array(features.length);
  features.forEach((feature, i) => {
    idf[i] = Math.log((1 + documents.length) / (1 + counts.get(feature)!)) + 1;
  });
  return { features, index: new Map(features.map((feature, i) => [feature, i])), idf };
}

export function vocabularyFrom(features: readonly string[], idf: Float32Array): Vocabulary {
  return { features, index: new Map(features.map((feature, i) => [feature, i])), idf };
}

export function vectorize(features: readonly string[], vocabulary: Vocabulary): SparseVector {
  const counts = new Map<number, number>();
  for (const feature of features) {
    const id = vocabulary.index.get(feature);
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const indices = new Int32Array(counts.size);
  const values = new Float32Array(counts.size);
  let position = 0;
  let norm = 0;
  for (const [id, count] of counts) {
    const weight = (1 + Math.log(count)) * vocabulary.idf[id]!;
    indices[position] = id;
    values[position] = weight;
    norm += weight * weight;
    position += 1;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < values.length; i += 1) values[i] = values[i]! * scale;
  return { indices, values };
}

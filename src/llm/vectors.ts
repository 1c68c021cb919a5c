/** Small dense-vector helpers for embedding-based intent matching. */

export type Vector = readonly number[];

export function norm(vector: Vector): number {
  let sum = 0;
  for (const value of vector) sum += value * value;
  return Math.sqrt(sum);
}

/** The vector scaled to length 1; a zero vector stays zero. */
export function normalise(vector: Vector): number[] {
  const length = norm(vector);
  return length === 0 ? vector.map(() => 0) : vector.map((value) => value / length);
}

/** Cosine similarity in [-1, 1]; 0 when either vector is zero. Both must have the same dimension. */
export function cosine(left: Vector, right: Vector): number {
  let dot = 0;
  for (let index = 0; index < left.length; index += 1) dot += left[index]! * right[index]!;
  const lengths = norm(left) * norm(right);
  if (lengths === 0) return 0;
  return Math.max(-1, Math.min(1, dot / lengths));
}

/**
 * The mean direction of a set of vectors: each is normalised first, so a long example does not
 * outweigh a short one. The result is normalised too.
 */
export function centroid(vectors: readonly Vector[]): number[] {
  const first = vectors[0];
  if (!first) return [];
  const sum: number[] = first.map(() => 0);
  for (const vector of vectors) {
    const unit = normalise(vector);
    for (let index = 0; index < sum.length; index += 1) sum[index] = (sum[index] ?? 0) + (unit[index] ?? 0);
  }
  return normalise(sum);
}

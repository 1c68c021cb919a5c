import type { LabelledExample } from '../intent-classifier.js';
import { seededRandom, shuffleInPlace } from './random.js';

/**
 * A seeded stratified split: each label keeps its share on both sides, and a label with two or
 * more examples always keeps at least one for training.
 */
export function stratifiedHoldout(
  examples: readonly LabelledExample[],
  fraction: number,
  seed: number,
): { train: LabelledExample[]; heldOut: LabelledExample[] } {
  const byLabel = new Map<string, LabelledExample[]>();
  for (const example of examples) {
    const group = byLabel.get(example.intent) ?? [];
    group.push(example);
    byLabel.set(example.intent, group);
  }
  const random = seededRandom(seed);
  const train: LabelledExample[] = [];
  const heldOut: LabelledExample[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const group = shuffleInPlace([...byLabel.get(label)!], random);
    const take = group.length < 2 ? 0 : Math.min(group.length - 1, Math.max(1, Math.round(group.length * fraction)));
    heldOut.push(...group.slice(0, take));
    train.push(...group.slice(take));
  }
  return { train, heldOut };
}

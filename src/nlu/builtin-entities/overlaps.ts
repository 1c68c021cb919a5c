import type { ExtractedEntity } from '../../core/index.js';
import { compareText } from '../ordering.js';
import type { BuiltinEntityName } from './types.js';

/**
 * One reading per stretch of text. The longest span wins, whatever its type: "$25" is money, not
 * also the number 25; "in 3 days" is a date, not also the number 3; "+1-202-555-0143" is a phone,
 * not four numbers. Equal spans go to the more specific type, then to the more confident reading.
 * The result never overlaps and is in reading order.
 */

const specificity: Readonly<Record<BuiltinEntityName, number>> = {
  email: 0,
  url: 1,
  phone: 2,
  money: 3,
  datetime: 4,
  ordinal: 5,
  number: 6,
};

export function resolveOverlaps(entities: readonly ExtractedEntity[]): ExtractedEntity[] {
  const ranked = [...entities].sort(
    (left, right) =>
      right.end - right.start - (left.end - left.start) ||
      specificity[left.entity as BuiltinEntityName] - specificity[right.entity as BuiltinEntityName] ||
      right.confidence - left.confidence ||
      left.start - right.start ||
      compareText(JSON.stringify(left.value), JSON.stringify(right.value)),
  );
  // Kept spans never overlap, so in start order their ends are in order too: one binary search
  // finds the only two neighbours a new span could collide with.
  const kept: ExtractedEntity[] = [];
  for (const entity of ranked) {
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (kept[middle]!.start < entity.start) low = middle + 1;
      else high = middle;
    }
    const before = kept[low - 1];
    const after = kept[low];
    if ((before && before.end > entity.start) || (after && after.start < entity.end)) continue;
    kept.splice(low, 0, entity);
  }
  return kept;
}

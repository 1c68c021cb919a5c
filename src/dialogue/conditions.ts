import type { Condition } from '../core/index.js';
import { lookupPath } from './templates.js';

export function conditionHolds(condition: Condition, slots: Readonly<Record<string, unknown>>): boolean {
  const value = lookupPath(slots, condition.slot);
  const present = value !== undefined && value !== null && value !== '';
  if (condition.exists !== undefined && condition.exists !== present) return false;
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.in !== undefined && !condition.in.some((candidate) => candidate === value)) return false;
  return true;
}

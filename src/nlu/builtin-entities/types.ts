/** The built-in entity types, shared by every built-in's module and the combined extractor. */

// The names are part of the bot folder format, so core owns them.
export { builtinEntityNames, type BuiltinEntityName } from '../../core/index.js';
import type { BuiltinEntityName } from '../../core/index.js';

/**
 * What one built-in found, before its span is mapped back to the original text. `start` and `end`
 * index the normalised text (lower case, single spaces) that every built-in scans.
 */
export interface Candidate {
  readonly entity: BuiltinEntityName;
  readonly start: number;
  readonly end: number;
  readonly value: unknown;
  readonly confidence: number;
}

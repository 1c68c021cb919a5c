import type { DataPath } from './source-file.js';

/** Words for values and paths in problem messages, written for a bot author rather than a programmer. */

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${quote(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}

export function describeExpected(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
    case 'map':
      return 'a mapping';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    default:
      return expected;
  }
}

/** The last key of a path with its list positions, e.g. `examples[2]`; enough once the line is known. */
export function fieldName(path: DataPath): string {
  let suffix = '';
  for (let index = path.length - 1; index >= 0; index -= 1) {
    const segment = path[index];
    if (typeof segment === 'number') suffix = `[${segment}]${suffix}`;
    else return `${String(segment)}${suffix}`;
  }
  return suffix === '' ? 'the file' : `item ${suffix}`;
}

export function quote(text: string, max = 60): string {
  const short = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return JSON.stringify(short);
}

/** A valid identifier close to what was written, for "e.g." hints. */
export function toIdentifier(text: string): string {
  const cleaned = text
    .normalize('NFKD')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (cleaned === '') return 'my_name';
  return /^[a-z]/.test(cleaned) ? cleaned : `x_${cleaned}`;
}

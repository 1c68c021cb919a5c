import { z } from 'zod';
import { flowStepSchema } from '../core/index.js';
import type { DataPath } from './source-file.js';
import { stepKindOf } from './step-kind.js';

/**
 * Finds the schema that applies at a path of some data, so a problem can name what is allowed
 * there (the keys of an object, the values of a literal). Unions are resolved by the data the
 * way the loader reads it: by discriminator, by step kind, or by best key overlap.
 */
export function schemaAt(root: z.ZodType, path: DataPath, data: unknown): z.ZodType | undefined {
  let schema: z.ZodType | undefined = unwrap(root, data);
  let value = data;
  for (const segment of path) {
    if (schema === undefined) return undefined;
    value = childValue(value, segment);
    schema = unwrap(childSchema(schema, segment), value);
  }
  return schema;
}

export function allowedKeys(schema: z.ZodType | undefined): string[] | undefined {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
}

export function childValue(value: unknown, segment: PropertyKey): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as Record<PropertyKey, unknown>)[segment];
}

export function valueAt(data: unknown, path: DataPath): unknown {
  let value = data;
  for (const segment of path) value = childValue(value, segment);
  return value;
}

function childSchema(schema: z.ZodType, segment: PropertyKey): z.ZodType | undefined {
  if (schema instanceof z.ZodObject) return (schema.shape as Record<string, z.ZodType>)[String(segment)];
  if (schema instanceof z.ZodArray) return schema.element as z.ZodType;
  if (schema instanceof z.ZodRecord) return schema.valueType as z.ZodType;
  return undefined;
}

function unwrap(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  let current = schema;
  for (;;) {
    if (current === undefined) return undefined;
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodUnion) {
      current = pickOption(current, value);
    } else {
      return current;
    }
  }
}

function pickOption(union: z.ZodUnion, value: unknown): z.ZodType | undefined {
  if (union === (flowStepSchema as z.ZodType)) return stepKindOf(value)?.schema;
  const options = union.options as readonly z.ZodType[];
  const discriminator = (union._zod.def as { discriminator?: string }).discriminator;
  if (discriminator !== undefined) {
    const wanted = childValue(value, discriminator);
    return options.find((option) => literalValues(childSchema(option, discriminator)).includes(wanted));
  }
  const keys = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  let best: { option: z.ZodType; overlap: number } | undefined;
  for (const option of options) {
    const allowed = allowedKeys(option);
    if (allowed === undefined) continue;
    const overlap = keys.filter((key) => allowed.includes(key)).length;
    if (!best || overlap > best.overlap) best = { option, overlap };
  }
  return best?.option;
}

export function literalValues(schema: z.ZodType | undefined): unknown[] {
  return schema instanceof z.ZodLiteral ? [...(schema.values as Set<unknown>)] : [];
}

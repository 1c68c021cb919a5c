import { z } from 'zod';
import type { ResponseShape } from '../core/index.js';

/**
 * A connector's declared `response:` shape as a zod schema. Objects keep fields the shape does not
 * mention (a flow may read them; they are not corrupt), but every declared field that is present
 * must match, and every required one must be there.
 */
export function responseShapeToSchema(shape: ResponseShape): z.ZodType {
  switch (shape.type) {
    case 'string':
      return shape.enum !== undefined && shape.enum.length > 0 ? z.enum(shape.enum as [string, ...string[]]) : z.string();
    case 'number':
      return z.number();
    case 'integer':
      return z.number().int();
    case 'boolean':
      return z.boolean();
    case 'null':
      return z.null();
    case 'array':
      return z.array(shape.items === undefined ? z.unknown() : responseShapeToSchema(shape.items));
    case 'object': {
      const required = new Set(shape.required ?? []);
      const fields: Record<string, z.ZodType> = {};
      for (const [name, property] of Object.entries(shape.properties ?? {})) {
        const schema = responseShapeToSchema(property);
        fields[name] = required.has(name) ? schema : schema.optional();
      }
      // A required field with no declared shape: any value, but it must be there.
      for (const name of required) {
        if (!(name in fields)) fields[name] = z.unknown().refine((value) => value !== undefined);
      }
      return z.looseObject(fields);
    }
  }
}

export type ShapeCheck = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly path: string; readonly problem: string };

/** Checks an answer against a shape; on failure names the first bad place, e.g. `items[0].price`. */
export function checkResponseShape(schema: z.ZodType, data: unknown): ShapeCheck {
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0]!;
  const path = formatPath(issue.path);
  const missing = issue.path.length > 0 && valueAt(data, issue.path) === undefined;
  const detail = issue.message.replace(/^Invalid (input|option)(: )?/, '');
  const problem = missing ? `is missing${detail.replace(/, received undefined$/, '') === '' ? '' : ` (${detail.replace(/, received undefined$/, '')})`}` : detail || issue.message;
  return { ok: false, path, problem };
}

/** `$` for the whole answer, otherwise `items[0].price`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '$';
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else {
      const name = String(part);
      text += /^[A-Za-z_$][\w$]*$/.test(name) ? `${text === '' ? '' : '.'}${name}` : `[${JSON.stringify(name)}]`;
    }
  }
  return text;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

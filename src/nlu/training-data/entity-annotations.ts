import { z } from 'zod';

/** An entity marked up in a training example, pointing into the example with the markup removed. */
export interface EntityAnnotation {
  readonly entity: string;
  /** The value the text stands for: the one written in the annotation, else the text itself. */
  readonly value: string;
  /** The annotated words, as they appear in the stripped example. */
  readonly text: string;
  /** UTF-16 offsets into the stripped example; `end` is exclusive. */
  readonly start: number;
  readonly end: number;
  readonly role?: string;
  readonly group?: string;
}

export interface StrippedExample {
  /** The example with every annotation replaced by its text. */
  readonly text: string;
  readonly annotations: EntityAnnotation[];
  /** What was wrong with annotations that could not be read (their text is kept either way). */
  readonly problems: string[];
}

/**
 * Rasa's markup, with Rasa's own reading of it (rasa/shared/nlu/training_data/entities_parser.py):
 * `[text](entity)`, `[text](entity:value)`, `[text]{"entity": …, "value": …, "role": …, "group": …}`
 * and `[text][{…}, {…}]` for several entities on the same words. A bracket not followed by one of
 * these is plain text.
 */
const annotationPattern =
  /\[(?<text>[^\]]+?)\](?:\((?<entity>[^:)]+?)(?::(?<value>[^)]+))?\)|\{(?<object>[^}]+?)\}|\[(?<list>.*?)\])/g;

const label = (key: string) =>
  z.union([z.string().min(1), z.number()], { error: `"${key}" must be a non-empty string` }).transform(String);

const annotationObjectSchema = z.object(
  {
    entity: z.string({ error: '"entity" must be a non-empty string' }).min(1, { error: '"entity" must be a non-empty string' }),
    value: z.union([z.string(), z.number(), z.boolean()], { error: '"value" must be a string' }).transform(String).optional(),
    role: label('role').optional(),
    group: label('group').optional(),
  },
  { error: 'expected an object with "entity"' },
);

/** Removes entity markup from one example and returns where each entity lies in what is left. */
export function stripEntityAnnotations(example: string): StrippedExample {
  const annotations: EntityAnnotation[] = [];
  const problems: string[] = [];
  let text = '';
  let consumed = 0;
  for (const match of example.matchAll(annotationPattern)) {
    const groups = match.groups!;
    const words = groups.text!;
    text += example.slice(consumed, match.index);
    const start = text.length;
    text += words;
    const end = text.length;
    consumed = match.index + match[0].length;
    const span = { text: words, start, end };

    if (groups.entity !== undefined) {
      const entity = groups.entity.trim();
      const value = groups.value?.trim();
      if (entity === '') problems.push(`annotation ${match[0]} names no entity`);
      else annotations.push({ entity, value: value === undefined || value === '' ? words : value, ...span });
      continue;
    }
    const json = groups.object !== undefined ? `{${groups.object}}` : `[${groups.list!}]`;
    let data: unknown;
    try {
      data = JSON.parse(json);
    } catch {
      problems.push(`annotation ${match[0]} is not valid JSON after the [text]`);
      continue;
    }
    const objects = Array.isArray(data) ? data : [data];
    if (objects.length === 0) problems.push(`annotation ${match[0]} lists no entity`);
    for (const object of objects) {
      const parsed = annotationObjectSchema.safeParse(object);
      if (!parsed.success) {
        problems.push(`annotation ${match[0]}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
        continue;
      }
      const { entity, value, role, group } = parsed.data;
      annotations.push({
        entity,
        value: value ?? words,
        ...span,
        ...(role === undefined ? {} : { role }),
        ...(group === undefined ? {} : { group }),
      });
    }
  }
  text += example.slice(consumed);
  return { text, annotations, problems };
}

import { z } from 'zod';
import type { LabelledExample } from '../intent-classifier.js';
import type { SourceProblem } from './source-problems.js';
import { throwIfProblems } from './source-problems.js';

function requiredText(key: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `"${key}" is missing` : `"${key}" must be a string`) })
    .refine((value) => value.trim() !== '', { error: `"${key}" is empty` });
}

/** One line of a JSON Lines file. Other keys (ids, sources, metadata) are allowed and ignored. */
const exampleLineSchema = z.object(
  { text: requiredText('text'), intent: requiredText('intent') },
  { error: 'expected an object such as {"text": "…", "intent": "…"}' },
);

/**
 * Reads labelled examples from JSON Lines, one `{"text": …, "intent": …}` object a line (the
 * format of the CLINC150 copy in the shared datasets). Blank lines are skipped. Every bad line is
 * reported, with its line number, in one ParleyError `PARLEY_BOT_INVALID`.
 */
export function readJsonlExamples(text: string, source: string): LabelledExample[] {
  const examples: LabelledExample[] = [];
  const problems: SourceProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const lineNumber = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push({ line: lineNumber, message: `invalid JSON (${error instanceof Error ? error.message : String(error)})` });
      return;
    }
    const parsed = exampleLineSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ line: lineNumber, message: issue.message });
      return;
    }
    examples.push({ text: parsed.data.text, intent: parsed.data.intent });
  });
  throwIfProblems(source, problems);
  return examples;
}

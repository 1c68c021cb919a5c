import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { LabelledExample } from '../nlu/index.js';
import { readJsonlExamples, readRasaNluYaml } from '../nlu/training-data/index.js';

/** Reads labelled examples from a file: JSON Lines (`{"text","intent"}`) or Rasa NLU YAML, by extension. */
export async function readExamplesFile(path: string): Promise<LabelledExample[]> {
  const text = await readFile(path, 'utf8');
  const extension = extname(path).toLowerCase();
  if (extension === '.yml' || extension === '.yaml') return readRasaNluYaml(text, path).examples;
  return readJsonlExamples(text, path);
}

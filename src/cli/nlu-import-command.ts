import { mkdir, writeFile, access } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { ParleyError } from '../core/index.js';
import { checkTrainingData } from '../nlu/training-data/index.js';
import { readExamplesFile } from './nlu-data.js';

/**
 * `parley nlu import FILE --bot DIR`: brings Rasa NLU YAML or JSON Lines training data into a
 * bot folder as `intents/<file name>.yaml`, one entry per intent, so `parley validate` and the
 * trainer see it like any hand-written intent.
 */
export async function nluImportCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { bot: { type: 'string' }, force: { type: 'boolean', default: false } },
    strict: true,
  });
  const file = positionals[0];
  if (!file) throw new ParleyError('PARLEY_CONFIG_INVALID', 'Usage: parley nlu import FILE [--bot DIR] [--force]');
  const botDir = values.bot ?? process.env.PARLEY_BOT ?? 'bots/shop';
  const examples = await readExamplesFile(file);
  // The file adds to the bot's other intents, so on its own it may well hold a single intent.
  const problems = checkTrainingData(examples).filter((problem) => problem.code !== 'too-few-intents');
  for (const problem of problems) process.stdout.write(`${problem.severity}: ${problem.message}\n`);
  if (problems.some((problem) => problem.severity === 'error')) return 1;

  const byIntent = new Map<string, string[]>();
  for (const example of examples) byIntent.set(example.intent, [...(byIntent.get(example.intent) ?? []), example.text]);
  const target = join(botDir, 'intents', `${basename(file, extname(file)).replace(/[^a-z0-9_-]+/gi, '-').toLowerCase() || 'imported'}.yaml`);
  if (!values.force && (await exists(target))) {
    throw new ParleyError('PARLEY_CONFIG_INVALID', `${target} exists already; pass --force to replace it.`);
  }
  const intents = [...byIntent.entries()].map(([name, texts]) => ({ name, examples: [...new Set(texts)] }));
  await mkdir(join(botDir, 'intents'), { recursive: true });
  await writeFile(target, `# Imported from ${basename(file)} by \`parley nlu import\`.\n${stringify({ intents })}`);
  process.stdout.write(`Wrote ${intents.length} intents, ${examples.length} examples to ${target}. Run \`parley validate ${botDir}\` next.\n`);
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

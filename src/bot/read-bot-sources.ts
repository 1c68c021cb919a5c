import type { BotProblem } from './bot-problem.js';
import type { BotFileReader } from './bot-file-reader.js';
import type { SourceFile } from './source-file.js';
import { parseSourceFile } from './source-file.js';

/** The YAML files of a bot folder, parsed but not yet validated. Other files are ignored. */
export interface BotSources {
  readonly config: SourceFile | null;
  readonly responses: SourceFile | null;
  readonly entities: SourceFile | null;
  readonly intents: readonly SourceFile[];
  readonly flows: readonly SourceFile[];
}

export async function readBotSources(reader: BotFileReader): Promise<{ sources: BotSources; problems: BotProblem[] }> {
  const problems: BotProblem[] = [];
  const topLevel = await reader.listFiles('.');

  const load = async (relativePath: string, required: boolean): Promise<SourceFile | null> => {
    const outcome = await reader.read(relativePath);
    if ('missing' in outcome) {
      if (required) problems.push(missingFile(relativePath, topLevel));
      return null;
    }
    if ('failure' in outcome) {
      problems.push({ severity: 'error', file: relativePath, line: 1, column: 1, message: `cannot read the file: ${outcome.failure}`, hint: 'check that it is a readable text file' });
      return null;
    }
    const parsed = parseSourceFile(relativePath, outcome.text);
    problems.push(...parsed.problems);
    return parsed.file;
  };

  const loadAll = async (directory: string): Promise<SourceFile[]> => {
    const files: SourceFile[] = [];
    for (const relativePath of await reader.listYaml(directory)) {
      const file = await load(relativePath, false);
      if (file) files.push(file);
    }
    return files;
  };

  const sources: BotSources = {
    config: await load('bot.yaml', true),
    responses: await load('responses.yaml', true),
    entities: await load('entities.yaml', false),
    intents: await loadAll('intents'),
    flows: await loadAll('flows'),
  };
  return { sources, problems };
}

function missingFile(relativePath: string, topLevel: readonly string[]): BotProblem {
  const alternative = relativePath.replace(/\.yaml$/, '.yml');
  const hint = topLevel.includes(alternative)
    ? `rename ${alternative} to ${relativePath}`
    : relativePath === 'bot.yaml'
      ? 'create bot.yaml with at least "name: my_bot"'
      : 'create responses.yaml with at least a "fallback" response: responses: { fallback: [{ text: "Sorry, I did not get that." }] }';
  return { severity: 'error', file: relativePath, line: 1, column: 1, message: `${relativePath} is missing`, hint };
}

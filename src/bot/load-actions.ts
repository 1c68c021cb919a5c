import path from 'node:path';
import { build, type Message } from 'esbuild';
import type { Action } from '../core/index.js';
import type { BotFileReader } from './bot-file-reader.js';
import type { BotProblem } from './bot-problem.js';

/**
 * Loads the TypeScript actions of a bot folder (`actions/*.ts`; `.mts`, `.js` and `.mjs` too).
 * Each file is bundled with esbuild — types stripped, its own imports bundled in, Node's built-in
 * modules left as imports — and imported from memory, so a bot folder needs no build step and
 * nothing is written next to it. Types are not checked here (that is the author's `tsc`); syntax
 * errors and a missing or malformed default export are reported with file and line.
 */

export const ACTIONS_FOLDER = 'actions';
const ACTION_FILE = /\.(ts|mts|js|mjs)$/;
const ACTION_NAME = /^[a-z][a-z0-9_]*$/;

export interface LoadedActions {
  readonly actions: Readonly<Record<string, Action>>;
  /** Every action file's name, including ones that failed to load (so flows naming them are not also "unknown"). */
  readonly names: ReadonlySet<string>;
  readonly problems: BotProblem[];
}

/** The action a file defines: its name with dashes as underscores (`check-return.ts` → `check_return`). */
export function actionNameOf(file: string): string {
  return path.posix.basename(file).replace(ACTION_FILE, '').replaceAll('-', '_');
}

/** Modules already imported, by their bundled code: a reload that changed nothing imports nothing again. */
const imported = new Map<string, Promise<unknown>>();

export async function loadActions(reader: BotFileReader): Promise<LoadedActions> {
  const actions: Record<string, Action> = {};
  const names = new Set<string>();
  const problems: BotProblem[] = [];
  const files = (await reader.listFiles(ACTIONS_FOLDER)).filter((file) => ACTION_FILE.test(file) && !file.endsWith('.d.ts'));
  const place = (file: string, line = 1, column = 1) => ({ severity: 'error' as const, file, line, column });

  for (const file of files) {
    const name = actionNameOf(file);
    if (!ACTION_NAME.test(name)) {
      problems.push({ ...place(file), message: `"${path.posix.basename(file)}" is not a valid action file name`, hint: 'name it in lower case with letters, digits, dashes or underscores, starting with a letter, e.g. check-return.ts' });
      continue;
    }
    if (names.has(name)) {
      problems.push({ ...place(file), message: `a second file defines the action "${name}"`, hint: 'keep one file per action name (check-return.ts and check_return.ts are the same action)' });
      continue;
    }
    names.add(name);
    // Read through the reader so the action's text is part of the bot's content hash.
    const source = await reader.read(file);
    if (!('text' in source)) continue;
    const bundled = await bundle(reader.root, file, source.text);
    if ('problems' in bundled) {
      problems.push(...bundled.problems);
      continue;
    }
    // The files it imports from the bot folder count too: changing one changes the bot.
    for (const imported of bundled.inputs) if (imported !== file) await reader.read(imported);
    let module: unknown;
    try {
      let loading = imported.get(bundled.code);
      if (!loading) {
        loading = import(`data:text/javascript;base64,${Buffer.from(bundled.code).toString('base64')}`);
        imported.set(bundled.code, loading);
        loading.catch(() => imported.delete(bundled.code));
      }
      module = await loading;
    } catch (error) {
      problems.push({ ...place(file), message: `the action failed while loading: ${error instanceof Error ? error.message : String(error)}`, hint: 'code at the top level of an action file runs when the bot loads; keep it to definitions' });
      continue;
    }
    const action = (module as { default?: unknown }).default;
    if (!isAction(action)) {
      problems.push({
        ...place(file),
        message: `actions/${path.posix.basename(file)} does not export an action as default`,
        hint: 'end the file with "export default { async run(ctx) { … } } satisfies Action" (import type { Action } from \'parley/actions\')',
      });
      continue;
    }
    actions[name] = action;
  }
  return { actions, names, problems };
}

function isAction(value: unknown): value is Action {
  return typeof value === 'object' && value !== null && typeof (value as { run?: unknown }).run === 'function';
}

async function bundle(root: string, file: string, text: string): Promise<{ code: string; inputs: string[] } | { problems: BotProblem[] }> {
  const absolute = path.join(root, ...file.split('/'));
  try {
    const result = await build({
      stdin: { contents: text, sourcefile: absolute, resolveDir: path.dirname(absolute), loader: file.endsWith('ts') ? 'ts' : 'js' },
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      metafile: true,
    });
    // Inputs are relative to the working directory; keep those inside the bot folder, as bot paths.
    const inputs = Object.keys(result.metafile.inputs)
      .filter((input) => input !== '<stdin>')
      .map((input) => path.relative(root, path.resolve(input)).split(path.sep).join('/'))
      .filter((input) => input !== '' && !input.startsWith('..') && !input.includes('node_modules/'));
    return { code: result.outputFiles[0]?.text ?? '', inputs };
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(errors) || errors.length === 0) throw error;
    return { problems: errors.map((message) => problemOf(root, file, message)) };
  }
}

function problemOf(root: string, file: string, message: Message): BotProblem {
  const at = message.location;
  // A mistake in a file the action imports is reported there.
  const where = at?.file ? path.relative(root, path.resolve(root, at.file)).split(path.sep).join('/') : file;
  return {
    severity: 'error',
    file: where === '' || where.startsWith('..') ? file : where,
    line: at?.line ?? 1,
    column: (at?.column ?? 0) + 1,
    message: message.text,
    hint: message.notes[0]?.text ?? 'fix the TypeScript in this action file',
  };
}

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { z } from 'zod';

/**
 * Reads a bot folder's conversation tests (`tests/*.yaml`): YAML stories of what the user says
 * and what the bot is expected to do. Every mistake in a story file is reported with its file,
 * line and column, like a mistake in the bot itself, and nothing runs until the files are right.
 */

export interface StoryFileProblem {
  /** Relative to the bot folder, forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** An expected reply: an exact text, or a regular expression written `/…/` (flags i, m, s, u). */
export type ReplyExpectation =
  | { readonly kind: 'exact'; readonly text: string; readonly source: string }
  | { readonly kind: 'pattern'; readonly pattern: RegExp; readonly source: string };

export interface StoryStep {
  /** 1-based position within the story. */
  readonly index: number;
  readonly line: number;
  readonly user: string;
  /** undefined: not checked; null: out of scope. */
  readonly intent?: string | null;
  /** Where the intent is written, to point at a name the bot does not have. */
  readonly intentAt?: { readonly line: number; readonly column: number };
  readonly entities?: Readonly<Record<string, unknown>>;
  readonly slots?: Readonly<Record<string, unknown>>;
  readonly bot?: readonly ReplyExpectation[];
  readonly buttons?: readonly string[];
  readonly actions?: readonly string[];
  readonly handoff?: boolean;
}

export interface Story {
  readonly name: string;
  /** `none`: nobody is online to take a handoff during this story (default: someone is). */
  readonly staff?: 'none' | 'available';
  readonly file: string;
  readonly line: number;
  readonly steps: readonly StoryStep[];
}

export interface StorySuite {
  /** Relative paths of the story files read, sorted. */
  readonly files: readonly string[];
  readonly stories: readonly Story[];
  readonly problems: readonly StoryFileProblem[];
}

export const STORY_FOLDER = 'tests';

const STEP_KEYS = ['user', 'intent', 'entities', 'slots', 'bot', 'buttons', 'actions', 'handoff'] as const;
const STORY_KEYS = ['name', 'staff', 'steps'] as const;
const FILE_KEYS = ['stories'] as const;

/** A reply as written; a `/…/` one must be a regular expression JavaScript accepts. */
const replySchema = z
  .string()
  .min(1)
  .superRefine((source, context) => {
    const reply = replyExpectation(source);
    if ('error' in reply) context.addIssue({ code: 'custom', message: reply.error });
  });

const stepSchema = z.strictObject({
  user: z.string({ error: 'expected the text the user sends (quote a number: "20481")' }).min(1, { error: 'the user message is empty' }),
  intent: z.string({ error: 'expected an intent name, or null for out of scope' }).min(1).nullable().optional(),
  entities: z.record(z.string(), z.unknown(), { error: 'expected a map of entity: value, like { order_number: "20481" }' }).optional(),
  slots: z.record(z.string(), z.unknown(), { error: 'expected a map of slot: value, like { order.status: shipped }' }).optional(),
  // One reply may be written without the list.
  bot: z
    .preprocess(
      (value) => (typeof value === 'string' ? [value] : value),
      z.array(replySchema, { error: 'expected the replies: a list of texts and /regular expressions/' }),
    )
    .optional(),
  buttons: z.array(z.string().min(1), { error: 'expected a list of button titles, like [Track my order]' }).optional(),
  actions: z.array(z.string().min(1), { error: 'expected a list of action names, like [orders.get]' }).optional(),
  handoff: z.boolean({ error: 'expected true or false' }).optional(),
});

const storySchema = z.strictObject({
  name: z.string().min(1, { error: 'the story name is empty' }),
  staff: z.enum(['none', 'available'], { error: 'expected none (nobody online to take a handoff) or available' }).optional(),
  steps: z.array(stepSchema).min(1, { error: 'a story needs at least one step' }),
});

const storyFileSchema = z.strictObject({
  stories: z.array(storySchema).min(1, { error: 'the file has no stories' }),
});

type ParsedStoryFile = z.infer<typeof storyFileSchema>;

/** Reads and checks every story file of a bot folder; a folder without `tests/` has no stories. */
export async function readStorySuite(botDirectory: string): Promise<StorySuite> {
  const names = await storyFileNames(join(botDirectory, STORY_FOLDER));
  const files = names.map((name) => `${STORY_FOLDER}/${name}`);
  const stories: Story[] = [];
  const problems: StoryFileProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(join(botDirectory, ...file.split('/')), 'utf8');
    } catch (error) {
      problems.push({ file, line: 1, column: 1, message: `cannot read the file: ${(error as Error).message}` });
      continue;
    }
    const parsed = parseStoryFile(file, text);
    stories.push(...parsed.stories);
    problems.push(...parsed.problems);
  }
  problems.push(...duplicateNames(stories));
  problems.sort((left, right) => left.file.localeCompare(right.file) || left.line - right.line || left.column - right.column);
  return { files, stories, problems };
}

async function storyFileNames(directory: string): Promise<string[]> {
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries
      .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && /\.ya?ml$/i.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Parses one story file's text; `file` is only used to name it in problems. */
export function parseStoryFile(file: string, text: string): { stories: Story[]; problems: StoryFileProblem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const located = new Located(file, document, lineCounter);
  if (document.errors.length > 0) {
    return {
      stories: [],
      problems: document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { file, line, column: col, message: `YAML: ${error.message}` };
      }),
    };
  }
  const data: unknown = document.contents === null ? undefined : document.toJS({ maxAliasCount: 1000 });
  if (data === undefined) return { stories: [], problems: [{ file, line: 1, column: 1, message: 'the file is empty; write "stories:" and a list of stories' }] };

  const result = storyFileSchema.safeParse(data);
  if (!result.success) return { stories: [], problems: result.error.issues.flatMap((issue) => describeIssue(located, data, issue)) };

  return { stories: buildStories(located, result.data), problems: [] };
}

function buildStories(located: Located, data: ParsedStoryFile): Story[] {
  return data.stories.map((story, storyIndex) => ({
    name: story.name,
    ...(story.staff ? { staff: story.staff } : {}),
    file: located.file,
    line: located.keyPosition(['stories', storyIndex, 'name']).line,
    steps: story.steps.map((step, stepIndex): StoryStep => {
      const path = ['stories', storyIndex, 'steps', stepIndex] as const;
      return {
        index: stepIndex + 1,
        line: located.valuePosition(path).line,
        user: step.user,
        intent: step.intent,
        intentAt: step.intent === undefined ? undefined : located.valuePosition([...path, 'intent']),
        entities: step.entities,
        slots: step.slots,
        // The schema has compiled every pattern already.
        bot: step.bot?.map((source) => replyExpectation(source) as ReplyExpectation),
        buttons: step.buttons,
        actions: step.actions,
        handoff: step.handoff,
      };
    }),
  }));
}

const ALLOWED_FLAGS = /^[imsu]*$/;

/** `/…/flags` is a regular expression; anything else is the exact text of the reply. */
export function replyExpectation(source: string): ReplyExpectation | { error: string } {
  const match = /^\/(.+)\/([a-z]*)$/s.exec(source);
  if (!match) return { kind: 'exact', text: source, source };
  const [, body, flags] = match as unknown as [string, string, string];
  if (!ALLOWED_FLAGS.test(flags) || new Set(flags).size !== flags.length) {
    return { error: `regular expression ${source} has flags "${flags}"; only i, m, s and u are allowed (each once)` };
  }
  try {
    return { kind: 'pattern', pattern: new RegExp(body, flags), source };
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return { error: `invalid regular expression ${source}: ${reason}` };
  }
}

function duplicateNames(stories: readonly Story[]): StoryFileProblem[] {
  const seen = new Map<string, Story>();
  const problems: StoryFileProblem[] = [];
  for (const story of stories) {
    const first = seen.get(story.name);
    if (first) {
      problems.push({
        file: story.file,
        line: story.line,
        column: 1,
        message: `another story is already named "${story.name}" (${first.file}:${first.line}); give each story its own name`,
      });
    } else {
      seen.set(story.name, story);
    }
  }
  return problems;
}

// ---- problems from schema issues ------------------------------------------------------------

type Issue = z.core.$ZodIssue;

function describeIssue(located: Located, data: unknown, issue: Issue): StoryFileProblem[] {
  const path = issue.path as readonly PropertyKey[];
  const where = describePlace(path);
  if (issue.code === 'unrecognized_keys') {
    const { owner, keys } = allowedKeys(path);
    return issue.keys.map((key) => {
      const suggestion = closest(key, keys);
      return {
        file: located.file,
        ...located.keyPosition([...path, key]),
        message: `unknown key "${key}" in ${where}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; ${owner} has ${keys.join(', ')}`,
      };
    });
  }
  const value = valueAt(data, path);
  const key = path.at(-1);
  const parent = describePlace(path.slice(0, -1));
  if (value === undefined && typeof key === 'string') {
    return [{ file: located.file, ...located.valuePosition(path.slice(0, -1)), message: `${parent} has no "${key}"; ${missingHint(key)}` }];
  }
  if (issue.code === 'invalid_type' && issue.expected === 'object' && (path.length === 0 || path.length === 2 || path.length === 4)) {
    const { owner, keys } = allowedKeys(path);
    return [{ file: located.file, ...located.valuePosition(path), message: `${where} should be a map: ${owner} has ${keys.join(', ')}` }];
  }
  const message = issue.message.replace(/^Invalid input: /, '').replace(/^Too small: /, '');
  return [{ file: located.file, ...located.valuePosition(path), message: `${describeField(path)}: ${message}` }];
}

function missingHint(key: string): string {
  switch (key) {
    case 'stories':
      return 'a story file is "stories:" followed by a list of stories';
    case 'name':
      return 'every story needs a name';
    case 'steps':
      return 'every story needs "steps", a list of turns';
    case 'user':
      return 'every step starts with "user", what the user says';
    default:
      return `"${key}" is required`;
  }
}

function allowedKeys(path: readonly PropertyKey[]): { owner: string; keys: readonly string[] } {
  if (path.length === 0) return { owner: 'a story file', keys: FILE_KEYS };
  if (path.length === 2) return { owner: 'a story', keys: STORY_KEYS };
  return { owner: 'a step', keys: STEP_KEYS };
}

/** "step 3 of story 1", "story 2" or "the file". */
function describePlace(path: readonly PropertyKey[]): string {
  const story = path[0] === 'stories' && typeof path[1] === 'number' ? path[1] + 1 : undefined;
  const step = path[2] === 'steps' && typeof path[3] === 'number' ? path[3] + 1 : undefined;
  if (story !== undefined && step !== undefined) return `step ${step} of story ${story}`;
  if (story !== undefined) return `story ${story}`;
  return 'the file';
}

/** The field a value problem is about, e.g. `handoff (step 2 of story 1)`. */
function describeField(path: readonly PropertyKey[]): string {
  const names = path.filter((segment): segment is string => typeof segment === 'string' && segment !== 'stories' && segment !== 'steps');
  const field = names.length > 0 ? names.join('.') : 'value';
  const place = describePlace(path);
  return place === 'the file' ? field : `${field} (${place})`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** The allowed key closest to a misspelt one, when it is at most two edits away. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (left[i - 1] === right[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[right.length]!;
}

// ---- positions ----------------------------------------------------------------------------------

interface Position {
  readonly line: number;
  readonly column: number;
}

/** A parsed story file that can say where any path of its data is written. */
class Located {
  constructor(
    readonly file: string,
    private readonly document: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Where the value at `path` starts, or its nearest existing ancestor (a missing key points at its map). */
  valuePosition(path: readonly PropertyKey[]): Position {
    const node = this.nodeAt(path);
    return node?.range ? this.position(node.range[0]) : { line: 1, column: 1 };
  }

  /** Where the key of the last segment is written, to point at an unknown key itself. */
  keyPosition(path: readonly PropertyKey[]): Position {
    const parent = this.nodeAt(path.slice(0, -1));
    const key = path.at(-1);
    if (isMap(parent) && key !== undefined) {
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (pair && isScalar(pair.key) && pair.key.range) return this.position(pair.key.range[0]);
    }
    return this.valuePosition(path);
  }

  private nodeAt(path: readonly PropertyKey[]): YamlNode | null {
    let node = this.document.contents as YamlNode | null;
    for (const segment of path) {
      let child: YamlNode | null | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        child = pair ? ((pair.value as YamlNode | null)?.range ? (pair.value as YamlNode) : (pair.key as YamlNode | null)) : undefined;
      } else if (isSeq(node) && typeof segment === 'number') {
        child = node.items[segment] as YamlNode | null | undefined;
      }
      if (child === undefined || child === null) break;
      node = child;
    }
    return node;
  }

  private position(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }
}

import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { OUT_OF_SCOPE_INTENT, emptyTracker, foldEvents, type BotDefinition, type IdGenerator, type Tracker } from '../core/index.js';
import { loadConfig } from './config.js';
import { createRuntime, type Runtime } from './runtime.js';
import { compareTurn, observeTurn, type Mismatch } from './stories/expectations.js';
import { readStorySuite, type Story, type StoryFileProblem } from './stories/story-file.js';

export type { DiffLine, Mismatch, MismatchField } from './stories/expectations.js';
export type { Story, StoryFileProblem, StoryStep } from './stories/story-file.js';

/**
 * Conversation tests: runs a bot folder's YAML stories (`tests/*.yaml`) through the real turn
 * engine on a memory store, one fresh conversation per story, and compares what each turn
 * recorded in the event log with what the story expects.
 */

export interface StoryRunOptions {
  /** Only stories whose name or file contains this text (case-insensitive). */
  readonly filter?: string;
  /**
   * Where the bot's connectors read `${NAME}` from (default: process.env). A runner that serves
   * the demo services for the bot passes their address here as PARLEY_URL.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Runs before each story, e.g. to put the services the bot calls back in their first state. */
  readonly beforeEachStory?: () => Promise<void>;
}

export interface StoryFailure {
  /** The failing step, 1-based. */
  readonly step: number;
  /** Its line in the story file. */
  readonly line: number;
  readonly user: string;
  /** Every difference between the step's expectations and the turn; empty when the step threw. */
  readonly mismatches: readonly Mismatch[];
  /** The message of an error the step threw, null otherwise. */
  readonly error: string | null;
}

export interface StoryResult {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly passed: boolean;
  readonly steps: number;
  /** A story stops at its first failing step: later steps would run on a conversation gone astray. */
  readonly failure: StoryFailure | null;
}

export interface StoryReport {
  /** The bot folder as given. */
  readonly directory: string;
  /** The bot's name, null when no story ran. */
  readonly bot: string | null;
  /** The story files read, relative to the bot folder. */
  readonly files: readonly string[];
  /** Mistakes in the story files; when there are any, no story runs. */
  readonly problems: readonly StoryFileProblem[];
  readonly stories: readonly StoryResult[];
  readonly passed: number;
  readonly failed: number;
  /** Stories left out by the filter. */
  readonly skipped: number;
}

export async function runStories(botDirectory: string, options: StoryRunOptions = {}): Promise<StoryReport> {
  const suite = await readStorySuite(resolve(botDirectory));
  const needle = options.filter?.trim().toLowerCase() ?? '';
  const selected = needle === '' ? suite.stories : suite.stories.filter((story) => `${story.name}\n${story.file}`.toLowerCase().includes(needle));
  const report = (bot: string | null, problems: readonly StoryFileProblem[], stories: readonly StoryResult[]): StoryReport => ({
    directory: botDirectory,
    bot,
    files: suite.files,
    problems,
    stories,
    passed: stories.filter((story) => story.passed).length,
    failed: stories.filter((story) => !story.passed).length,
    skipped: suite.stories.length - selected.length,
  });
  if (suite.problems.length > 0 || selected.length === 0) return report(null, suite.problems, []);

  const ids = new StoryIds();
  // One runtime (and one training of the model) for the whole run; each story gets its own conversation.
  const config = loadConfig({ PARLEY_BOT: botDirectory, PARLEY_STORE: 'memory', PARLEY_WATCH_BOT: 'false', PARLEY_LOG_LEVEL: 'silent' });
  const runtime = await createRuntime(config, { startWorkers: false, watch: false, ids, ...(options.env ? { env: options.env } : {}) });
  try {
    const problems = unknownIntents(suite.stories, runtime.bot);
    if (problems.length > 0) return report(runtime.bot.config.name, problems, []);
    const results: StoryResult[] = [];
    for (const story of selected) {
      await options.beforeEachStory?.();
      results.push(await runStory(runtime, ids, story));
    }
    return report(runtime.bot.config.name, [], results);
  } finally {
    await runtime.close();
  }
}

async function runStory(runtime: Runtime, ids: StoryIds, story: Story): Promise<StoryResult> {
  const result = (failure: StoryFailure | null): StoryResult => ({
    name: story.name,
    file: story.file,
    line: story.line,
    passed: failure === null,
    steps: story.steps.length,
    failure,
  });
  ids.begin(story);
  // Every story meets closed circuits and an empty cache, whatever the stories before it did.
  runtime.brain().connectors.reset();
  // Someone is there to take a handoff, unless the story is about nobody being there.
  await runtime.handoffs.setPresence(STORY_AGENT, story.staff === 'none' ? 'offline' : 'online');
  let conversationId: string;
  let tracker: Tracker;
  try {
    const { conversation } = await runtime.engine.startConversation({ channel: 'test' });
    conversationId = conversation.id;
    tracker = foldEvents(emptyTracker(conversationId), await runtime.store.conversations.listEvents(conversationId));
  } catch (error) {
    const first = story.steps[0]!;
    return result({ step: first.index, line: first.line, user: first.user, mismatches: [], error: `could not start the conversation: ${errorMessage(error)}` });
  }
  for (const step of story.steps) {
    try {
      await runtime.engine.receive({ conversationId, channel: 'test', text: step.user });
      const events = await runtime.store.conversations.listEvents(conversationId, { afterSeq: tracker.lastSeq });
      tracker = foldEvents(tracker, events);
      const mismatches = compareTurn(step, observeTurn(events, tracker.slots));
      if (mismatches.length > 0) return result({ step: step.index, line: step.line, user: step.user, mismatches, error: null });
    } catch (error) {
      return result({ step: step.index, line: step.line, user: step.user, mismatches: [], error: errorMessage(error) });
    }
  }
  return result(null);
}

/** An intent a story expects that the bot does not have can never match: a typo, reported before anything runs. */
function unknownIntents(stories: readonly Story[], bot: BotDefinition): StoryFileProblem[] {
  const known = new Set(bot.intents.map((intent) => intent.name).filter((name) => name !== OUT_OF_SCOPE_INTENT));
  const problems: StoryFileProblem[] = [];
  for (const story of stories) {
    for (const step of story.steps) {
      if (step.intent === undefined || step.intent === null || known.has(step.intent)) continue;
      const message =
        step.intent === OUT_OF_SCOPE_INTENT
          ? `a message out of scope is recognised as no intent at all: write "intent: null" instead of "intent: ${OUT_OF_SCOPE_INTENT}"`
          : `the bot has no intent "${step.intent}"; its intents are ${[...known].sort().join(', ')}`;
      problems.push({ file: story.file, ...(step.intentAt ?? { line: step.line, column: 1 }), message });
    }
  }
  return problems;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The person on duty during conversation tests (an admin: every team's handoff can reach them). */
const STORY_AGENT = { id: 'agt_story', name: 'Story agent', email: 'story@parley.test', role: 'admin', teams: [], capacity: 1000, createdAt: '2030-01-01T00:00:00.000Z', disabledAt: null } as const;

/**
 * Ids that depend only on the story and the position within it, so each story picks the same
 * response variations on every run, whatever ran before it or was filtered out: a story that
 * fails, fails the same way again.
 */
class StoryIds implements IdGenerator {
  private scope = 'setup';
  private counter = 0;

  begin(story: Story): void {
    this.scope = createHash('sha256').update(`${story.file}\u0000${story.name}`).digest('hex').slice(0, 12);
    this.counter = 0;
  }

  next(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.scope}${String(this.counter).padStart(6, '0')}`;
  }
}

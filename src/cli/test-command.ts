import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDemoServices, type RunningDemoServices } from '../demo/index.js';
import { runStories, type DiffLine, type Mismatch, type StoryReport, type StoryResult } from '../engine/index.js';

/**
 * `parley test [DIR] [--filter TEXT] [--json] [--demo]`: runs the bot folder's conversation tests
 * and prints ✓ or ✗ per story, a diff under each failure, and a last line `N passed, M failed`.
 * Exits 1 when a story fails, a story file has a mistake, or there is no story to run. `--demo`
 * serves the demo services (seeded from the bot's data/orders.yaml) for the run, at PARLEY_URL.
 */
export async function testCommand(args: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { filter: { type: 'string' }, json: { type: 'boolean', default: false }, demo: { type: 'boolean', default: false } },
    strict: true,
  });
  const directory = positionals[0] ?? process.env.PARLEY_BOT ?? 'bots/shop';
  let demo: RunningDemoServices | null = null;
  if (values.demo) {
    const seedFile = join(directory, 'data', 'orders.yaml');
    if (!existsSync(seedFile)) {
      process.stderr.write(`--demo serves the demo orders service from ${seedFile}, which does not exist\n`);
      return 2;
    }
    // Order 99901 must outlast the connector's timeout, but not by much: the run waits for it.
    demo = await startDemoServices({ seedFile, slowMs: 4000 });
  }
  let report: StoryReport;
  try {
    report = await runStories(directory, {
      ...(values.filter === undefined ? {} : { filter: values.filter }),
      ...(demo ? demoOptions(demo) : {}),
    });
  } finally {
    await demo?.close();
  }
  const exitCode = report.problems.length > 0 || report.failed > 0 || report.stories.length === 0 ? 1 : 0;
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatStoryReport(report, values.filter));
  return exitCode;
}

/** Stories run against the demo services, each starting from their seed. */
function demoOptions(demo: RunningDemoServices) {
  return { env: { ...process.env, PARLEY_URL: demo.url }, beforeEachStory: () => demo.reset() };
}

const FIELD_LABELS: Record<Mismatch['field'], string> = {
  turn: 'turn',
  intent: 'intent',
  entities: 'entities',
  slots: 'slots',
  bot: 'bot replies',
  buttons: 'buttons',
  actions: 'actions',
  handoff: 'handoff',
};

/** The report as a terminal reads it; the last line is always `N passed, M failed`. */
export function formatStoryReport(report: StoryReport, filter?: string): string {
  const lines: string[] = [];
  const at = (file: string, line: number, column?: number) => `${joinPath(report.directory, file)}:${line}${column === undefined ? '' : `:${column}`}`;
  if (report.problems.length > 0) {
    for (const problem of report.problems) lines.push(`${at(problem.file, problem.line, problem.column)} error ${problem.message}`);
    lines.push('', `${report.problems.length} mistake(s) in the story files; no story was run.`);
  } else if (report.files.length === 0) {
    lines.push(`${report.directory} has no conversation tests: write stories in ${joinPath(report.directory, 'tests')}/*.yaml`);
  } else if (report.stories.length === 0) {
    lines.push(`no story matches the filter "${filter ?? ''}" (${report.skipped} left out)`);
  } else {
    lines.push(`Stories of bot "${report.bot ?? '?'}" (${report.directory})`, '');
    for (const story of report.stories) lines.push(...formatStory(story, at));
    if (report.skipped > 0) lines.push('', `${report.skipped} story(ies) left out by the filter`);
  }
  lines.push('', `${report.passed} passed, ${report.failed} failed`);
  return `${lines.join('\n')}\n`;
}

function formatStory(story: StoryResult, at: (file: string, line: number) => string): string[] {
  if (story.passed) return [`✓ ${story.name}`];
  const lines = [`✗ ${story.name}  (${at(story.file, story.line)})`];
  const failure = story.failure;
  if (!failure) return lines;
  lines.push(`    step ${failure.step} of ${story.steps} (${at(story.file, failure.line)}), user: ${JSON.stringify(failure.user)}`);
  if (failure.error !== null) lines.push(`      error: ${failure.error}`);
  for (const mismatch of failure.mismatches) {
    lines.push(`      ${FIELD_LABELS[mismatch.field]}`);
    for (const line of mismatch.diff) lines.push(formatDiffLine(line, '        '));
  }
  return lines;
}

function formatDiffLine(line: DiffLine, indent: string): string {
  // A reply of several lines stays one block: its later lines are indented under its first.
  return `${indent}${line.sign} ${line.text.split('\n').join(`\n${indent}  `)}`;
}

function joinPath(directory: string, file: string): string {
  return `${directory.replace(/\/+$/, '')}/${file}`;
}

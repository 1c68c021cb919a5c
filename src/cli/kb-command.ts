import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ParleyError } from '../core/index.js';
import { loadConfig } from '../engine/index.js';
import { ingestFile, ingestFolder, ingestUrl, type IngestReport } from '../knowledge/ingest/index.js';
import { evaluateRetrieval, type RetrievalEvaluation } from '../knowledge/evaluation/index.js';
import { createOpenAiCompatibleEmbedder } from '../llm/index.js';
import { openStore } from '../storage/index.js';

const KB_USAGE = `Usage: parley kb <command>

  kb ingest [PATH|URL] [--bot DIR] [--data-dir DIR] [--force] [--json]
      read documents into the bot's knowledge base (Markdown, HTML, text, PDF, CSV questions and answers);
      PATH is a folder (what is gone from it is removed) or one file; default: the bot's knowledge folder.
      Unchanged files are skipped; --force re-reads them.
  kb eval --docs DIR --qa FILE.jsonl [--json] [--embed-url URL --embed-model NAME [--embed-key-env VAR]]
      retrieval quality: ingests DIR in memory and ranks each {"question","source"} line's document
      (recall@1, recall@5, MRR, retrieval p50/p99); lexical only unless an embeddings endpoint is given.
`;

/** `parley kb <sub-command>`: the knowledge base. */
export async function kbCommand(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'ingest':
      return kbIngest(rest);
    case 'eval':
      return kbEval(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(KB_USAGE);
      return sub === undefined ? 1 : 0;
    default:
      process.stderr.write(`parley: unknown kb command "${sub}"\n\n${KB_USAGE}`);
      return 1;
  }
}

/** What `kb ingest` needs from the bot folder's bot.yaml. */
interface BotKnowledgeSettings {
  readonly name: string;
  /** The knowledge folder, absolute. */
  readonly folder: string;
  readonly linkBase: string | undefined;
}

async function readBotSettings(botDir: string): Promise<BotKnowledgeSettings> {
  const file = join(botDir, 'bot.yaml');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new ParleyError('PARLEY_BOT_NOT_FOUND', `No bot folder at ${botDir} (${file} is missing); name one with --bot DIR.`);
  });
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ParleyError('PARLEY_BOT_INVALID', `${file} is not valid YAML: ${(error as Error).message.split('\n')[0]} (run \`parley validate ${botDir}\`).`);
  }
  const record = (data ?? {}) as { name?: unknown; knowledge?: { folder?: unknown; link_base?: unknown } | null };
  if (typeof record.name !== 'string' || !record.name) throw new ParleyError('PARLEY_BOT_INVALID', `${file} has no name (run \`parley validate ${botDir}\`).`);
  const knowledge = record.knowledge ?? {};
  return {
    name: record.name,
    folder: resolve(botDir, typeof knowledge.folder === 'string' ? knowledge.folder : 'knowledge'),
    linkBase: typeof knowledge.link_base === 'string' ? knowledge.link_base : undefined,
  };
}

async function kbIngest(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { bot: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' }, force: { type: 'boolean' } },
    strict: true,
  });
  if (positionals.length > 1) throw new ParleyError('PARLEY_CONFIG_INVALID', `kb ingest takes one PATH or URL, not ${positionals.length}.`);
  const config = loadConfig({
    ...process.env,
    ...(values.bot ? { PARLEY_BOT: values.bot } : {}),
    ...(values['data-dir'] ? { PARLEY_DATA_DIR: values['data-dir'] } : {}),
  });
  const bot = await readBotSettings(config.PARLEY_BOT);
  const target = positionals[0] ?? (relative(process.cwd(), bot.folder) || '.');
  const isUrl = /^https?:\/\//i.test(target);
  const path = resolve(target);
  const info = isUrl ? null : await stat(path).catch(() => null);
  if (!isUrl && !info) throw new ParleyError('PARLEY_CONFIG_INVALID', `Nothing to ingest at ${target}: no such file or folder.`);

  const dataDir = resolve(config.PARLEY_DATA_DIR);
  const store = openStore(config.PARLEY_STORE, dataDir);
  const common = { bot: bot.name, store: store.knowledge, ...(values.force ? { force: true } : {}) };
  let report: IngestReport;
  try {
    if (isUrl) {
      report = await ingestUrl({ ...common, url: target });
    } else if (info?.isDirectory()) {
      // The bot's own knowledge folder gets the bot's link base; another folder has no links.
      report = await ingestFolder({ ...common, dir: path, ...(path === bot.folder && bot.linkBase ? { linkBase: bot.linkBase } : {}) });
    } else {
      const below = relative(bot.folder, path);
      const inFolder = below !== '' && !below.startsWith('..') && !isAbsolute(below);
      report = await ingestFile({ ...common, file: path, ...(inFolder ? { root: bot.folder, ...(bot.linkBase ? { linkBase: bot.linkBase } : {}) } : {}) });
    }
  } finally {
    await store.close();
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ bot: bot.name, target, store: config.PARLEY_STORE, ...report }, null, 2)}\n`);
  } else {
    process.stdout.write(formatReport(report, bot.name, target, config.PARLEY_STORE === 'sqlite' ? `sqlite (${join(dataDir, 'parley.db')})` : 'memory'));
  }
  if (config.PARLEY_STORE === 'memory') process.stderr.write('parley: PARLEY_STORE=memory: the knowledge base is forgotten when this command exits.\n');
  return report.failed.length > 0 ? 1 : 0;
}

function formatReport(report: IngestReport, bot: string, target: string, store: string): string {
  const lines = [
    `Knowledge of bot "${bot}" from ${target} into ${store}:`,
    `  ${report.added.length} added, ${report.updated.length} updated, ${report.removed.length} removed, ${report.unchanged.length} unchanged, ` +
      `${report.skipped.length} skipped, ${report.failed.length} failed; ${report.chunks} chunk${report.chunks === 1 ? '' : 's'} written.`,
  ];
  const list = (label: string, sources: readonly string[]) => {
    if (sources.length > 0) lines.push(`  ${label}: ${sources.join(', ')}`);
  };
  list('added', report.added);
  list('updated', report.updated);
  list('removed', report.removed);
  list('skipped (not a format we read)', report.skipped);
  for (const failure of report.failed) lines.push(`  failed: ${failure.source}: ${failure.error}`);
  return `${lines.join('\n')}\n`;
}

/** `kb eval`: retrieval quality of a documents folder on a question set (no store, nothing kept). */
async function kbEval(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      docs: { type: 'string' },
      qa: { type: 'string' },
      json: { type: 'boolean' },
      'embed-url': { type: 'string' },
      'embed-model': { type: 'string' },
      'embed-key-env': { type: 'string' },
    },
    strict: true,
  });
  if (positionals.length > 0 || !values.docs || !values.qa) {
    throw new ParleyError('PARLEY_CONFIG_INVALID', 'kb eval needs --docs DIR and --qa FILE.jsonl (and nothing else).');
  }
  if (Boolean(values['embed-url']) !== Boolean(values['embed-model'])) {
    throw new ParleyError('PARLEY_CONFIG_INVALID', 'kb eval: give --embed-url and --embed-model together.');
  }
  const keyEnv = values['embed-key-env'];
  const embedder =
    values['embed-url'] && values['embed-model']
      ? createOpenAiCompatibleEmbedder({ baseUrl: values['embed-url'], model: values['embed-model'], apiKey: keyEnv ? process.env[keyEnv] : undefined, timeoutMs: 30_000 })
      : undefined;
  const result = await evaluateRetrieval({ docsDir: values.docs, qaFile: values.qa, ...(embedder ? { embedder } : {}) });
  if (values.json) process.stdout.write(`${JSON.stringify({ docs: values.docs, qa: values.qa, ...result })}\n`);
  else process.stdout.write(formatEvaluation(result, values.docs, values.qa));
  return 0;
}

function formatEvaluation(result: RetrievalEvaluation, docs: string, qa: string): string {
  const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
  const lines = [
    `Retrieval on ${docs} (${result.documents} documents, ${result.chunks} passages), ${result.questions} questions from ${qa}, ${result.dense ? 'lexical + dense (RRF)' : 'lexical only'}:`,
    `  recall@1 ${percent(result.recallAt1)}   recall@5 ${percent(result.recallAt5)}   MRR ${result.mrr.toFixed(3)}`,
    ...(result.answerAt1 === null || result.answerAt5 === null
      ? []
      : [`  answer phrase in the first passage ${percent(result.answerAt1)}, in one of the first five ${percent(result.answerAt5)}`]),
    `  retrieval p50 ${result.retrieveP50Ms.toFixed(3)} ms   p99 ${result.retrieveP99Ms.toFixed(3)} ms   index built in ${result.indexBuildMs.toFixed(1)} ms`,
    `  top passage evidence: mean ${result.meanTopEvidence.toFixed(2)}, ${result.meanTopEvidenceWhenRight.toFixed(2)} when it is from the right document`,
  ];
  if (result.misses.length > 0) {
    lines.push('', `Not first (${result.misses.length}): rank of the first passage from the expected document, then the top five sources`);
    for (const miss of result.misses) {
      lines.push(`  ${miss.rank === null ? '  -' : String(miss.rank).padStart(3)}  ${miss.question}`, `       expected ${miss.source}; got ${miss.top.join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

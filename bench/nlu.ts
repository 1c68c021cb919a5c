import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';

/**
 * Intent classification on CLINC150 (train / val / test as published): Parley's trained
 * classifier against NLP.js's neural classifier, in the same process on the same split.
 *   1. Parley: `trainIntentClassifier(train, { seed: 42, validation: val })`; it picks its own
 *      out-of-scope threshold on val. Predictions: `decideIntent(score(text), threshold)`.
 *   2. NLP.js (@nlpjs/nlp + @nlpjs/lang-en-min, default settings): every train example, the oos
 *      ones as its fallback intent `None`; the threshold on its top score that maximises the
 *      151-class accuracy on val (the dataset README's rule), chosen as part of training.
 * Each system then predicts val (unmeasured warm-up) and test one utterance at a time.
 * Reported: in-scope accuracy, oos recall and precision on test, training time, per-utterance
 * latency p50/p99, peak RSS (sampled every 50 ms by a worker thread, plus the kernel's maxRSS)
 * and heap. Exit code 0 when both ran, whatever the targets; 1 on an error.
 */

export const TARGETS = { inScopeAccuracy: 0.935, oosRecall: 0.55, trainMs: 15_000, p99Ms: 1, peakRssMb: 300 } as const;

const OOS = 'oos';
const NLPJS_NONE = 'None';
const SAMPLE_INTERVAL_MS = 50;
const MB = 1024 * 1024;
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const defaultDataDir = resolve(repoRoot, '..', 'shared', 'datasets', 'clinc150');

const USAGE = `Usage: npm run bench:nlu -- [--only parley|nlpjs] [--data DIR] [--json]

  --only NAME   run one system: parley or nlpjs (default: both, Parley first, in one process)
  --data DIR    the CLINC150 JSON Lines folder (default ../shared/datasets/clinc150, or CLINC150_DIR)
  --json        print one machine-readable JSON object instead of the table
`;

type SystemName = 'parley' | 'nlpjs';
const SYSTEMS: readonly SystemName[] = ['parley', 'nlpjs'];

interface Example {
  readonly text: string;
  readonly intent: string;
}

interface Dataset {
  readonly train: readonly Example[];
  readonly val: readonly Example[];
  readonly test: readonly Example[];
}

/** A trained system: its threshold and a prediction (an intent, or null for out of scope). */
interface TrainedSystem {
  readonly threshold: number;
  readonly details: Readonly<Record<string, number | string | boolean>>;
  predict(text: string): string | null | Promise<string | null>;
}

interface Scores {
  readonly inScopeAccuracy: number;
  readonly oosRecall: number;
  readonly oosPrecision: number;
  readonly accuracy151: number;
  readonly inScopeCorrect: number;
  readonly inScopeTotal: number;
  readonly oosCorrect: number;
  readonly oosTotal: number;
  readonly oosPredicted: number;
}

interface SystemResult {
  readonly system: SystemName;
  readonly threshold: number;
  readonly trainMs: number;
  readonly valAccuracy151: number;
  readonly test: Scores;
  readonly latency: { readonly p50Ms: number; readonly p99Ms: number; readonly meanMs: number; readonly maxMs: number; readonly count: number };
  readonly memory: {
    readonly rssBeforeMb: number;
    readonly peakRssMb: number;
    readonly maxRssMb: number;
    readonly heapUsedBeforeMb: number;
    readonly heapUsedAfterTrainingMb: number;
  };
  readonly details: Readonly<Record<string, number | string | boolean>>;
}

// ---------------------------------------------------------------------------------------------
// Data

const exampleSchema = z.object({ text: z.string(), intent: z.string().min(1) }).strict();

function readSplit(dataDir: string, split: string): Example[] {
  const file = join(dataDir, `${split}.jsonl`);
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
  return lines.map((line, index) => {
    const parsed = exampleSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${file}:${index + 1}: not {"text","intent"}: ${parsed.error.message}`);
    return parsed.data;
  });
}

// ---------------------------------------------------------------------------------------------
// Measurements

/** Peak RSS of the whole process, sampled by a worker thread so a blocked main thread is still seen. */
class RssSampler {
  private readonly peakKb = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;

  constructor(intervalMs: number) {
    const code = `
      const { workerData } = require('node:worker_threads');
      const peak = workerData.peak;
      setInterval(() => {
        const kb = Math.round(process.memoryUsage.rss() / 1024);
        if (kb > Atomics.load(peak, 0)) Atomics.store(peak, 0, kb);
      }, workerData.intervalMs);`;
    this.worker = new Worker(code, { eval: true, workerData: { peak: this.peakKb, intervalMs } });
  }

  /** Forget the peak so far; the next `peakMb` covers only what follows. */
  reset(): void {
    Atomics.store(this.peakKb, 0, 0);
    this.sample();
  }

  /** Also sample from the main thread (at the phase boundaries). */
  sample(): void {
    const kb = Math.round(process.memoryUsage.rss() / 1024);
    if (kb > Atomics.load(this.peakKb, 0)) Atomics.store(this.peakKb, 0, kb);
  }

  peakMb(): number {
    this.sample();
    return (Atomics.load(this.peakKb, 0) * 1024) / MB;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const rssMb = (): number => process.memoryUsage.rss() / MB;
const maxRssMb = (): number => (process.resourceUsage().maxRSS * 1024) / MB;
function heapUsedMb(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / MB;
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/** Predicts every example one at a time, timing each prediction alone. */
async function predictAll(system: TrainedSystem, examples: readonly Example[]): Promise<{ predictions: (string | null)[]; latenciesMs: number[] }> {
  const predictions: (string | null)[] = [];
  const latenciesMs: number[] = [];
  for (const example of examples) {
    const start = performance.now();
    const answer = system.predict(example.text);
    const prediction = answer instanceof Promise ? await answer : answer;
    latenciesMs.push(performance.now() - start);
    predictions.push(prediction);
  }
  return { predictions, latenciesMs };
}

function score(examples: readonly Example[], predictions: readonly (string | null)[]): Scores {
  let inScopeTotal = 0;
  let inScopeCorrect = 0;
  let oosTotal = 0;
  let oosCorrect = 0;
  let oosPredicted = 0;
  examples.forEach((example, index) => {
    const predicted = predictions[index] ?? null;
    if (predicted === null) oosPredicted += 1;
    if (example.intent === OOS) {
      oosTotal += 1;
      if (predicted === null) oosCorrect += 1;
    } else {
      inScopeTotal += 1;
      if (predicted === example.intent) inScopeCorrect += 1;
    }
  });
  const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);
  return {
    inScopeAccuracy: ratio(inScopeCorrect, inScopeTotal),
    oosRecall: ratio(oosCorrect, oosTotal),
    oosPrecision: ratio(oosCorrect, oosPredicted),
    accuracy151: ratio(inScopeCorrect + oosCorrect, examples.length),
    inScopeCorrect,
    inScopeTotal,
    oosCorrect,
    oosTotal,
    oosPredicted,
  };
}

/**
 * The dataset README's oos-threshold rule: the threshold on the top score that maximises the
 * 151-class accuracy (oos as its own class) on val. `intent` null means the classifier itself
 * answered out of scope (whatever the threshold). Ties keep the lowest threshold; the cut lies
 * halfway between the highest rejected and the lowest accepted score.
 */
export function chooseThreshold(scored: readonly { gold: string; intent: string | null; score: number }[]): { threshold: number; accuracy: number } {
  let correct = scored.filter((item) => (item.intent === null ? item.gold === OOS : item.gold === item.intent)).length;
  const candidates = scored.filter((item) => item.intent !== null).sort((a, b) => a.score - b.score);
  let best = { correct, threshold: 0 };
  for (let index = 0; index < candidates.length; ) {
    const value = candidates[index]!.score;
    // Raising the threshold above `value` turns every item with that score into oos.
    while (index < candidates.length && candidates[index]!.score === value) {
      const item = candidates[index]!;
      correct += (item.gold === OOS ? 1 : 0) - (item.gold === item.intent ? 1 : 0);
      index += 1;
    }
    if (correct > best.correct) {
      const next = candidates[index]?.score;
      best = { correct, threshold: next === undefined ? Number.POSITIVE_INFINITY : (value + next) / 2 };
    }
  }
  return { threshold: best.threshold, accuracy: scored.length === 0 ? 0 : best.correct / scored.length };
}

// ---------------------------------------------------------------------------------------------
// The systems

async function trainParley(data: Dataset): Promise<TrainedSystem> {
  const nlu = await import('../src/nlu/index.js');
  if (typeof nlu.trainIntentClassifier !== 'function') {
    throw new Error('src/nlu/index.ts does not export trainIntentClassifier yet; run with --only nlpjs');
  }
  const classifier = await nlu.trainIntentClassifier(data.train, { seed: 42, validation: data.val });
  const { decideIntent } = nlu;
  return {
    threshold: classifier.threshold,
    details: { intents: classifier.intents.length },
    predict: (text) => decideIntent(classifier.score(text), classifier.threshold).intent,
  };
}

async function trainNlpJs(data: Dataset): Promise<TrainedSystem> {
  const { Nlp } = await import('@nlpjs/nlp');
  const { LangEn } = await import('@nlpjs/lang-en-min');
  let epochs = 0;
  let finalError = 0;
  const fitStart = performance.now();
  // Defaults throughout; `log` only replaces the per-epoch console line with a counter.
  const nlp = new Nlp({ languages: ['en'], autoSave: false, autoLoad: false, nlu: { log: (status) => ((epochs = status.iterations), (finalError = status.error)) } });
  nlp.use(LangEn);
  for (const example of data.train) nlp.addDocument('en', example.text, example.intent === OOS ? NLPJS_NONE : example.intent);
  await nlp.train();
  const fitMs = performance.now() - fitStart;

  const classify = async (text: string): Promise<{ intent: string | null; score: number }> => {
    const result = await nlp.classify('en', text);
    return { intent: result.intent === NLPJS_NONE ? null : result.intent, score: result.score };
  };
  const scored = [];
  for (const example of data.val) scored.push({ gold: example.intent, ...(await classify(example.text)) });
  const { threshold, accuracy } = chooseThreshold(scored);
  const atDefault = score(data.val, scored.map((item) => (item.intent !== null && item.score >= 0.5 ? item.intent : null)));
  return {
    threshold,
    details: { fitMs: Math.round(fitMs), epochs, finalError, valAccuracy151AtChosenThreshold: accuracy, valAccuracy151AtDefaultThreshold05: atDefault.accuracy151 },
    predict: async (text) => {
      const { intent, score: top } = await classify(text);
      return intent !== null && top >= threshold ? intent : null;
    },
  };
}

const trainers: Readonly<Record<SystemName, (data: Dataset) => Promise<TrainedSystem>>> = { parley: trainParley, nlpjs: trainNlpJs };

async function runSystem(name: SystemName, data: Dataset, sampler: RssSampler, progress: (text: string) => void): Promise<SystemResult> {
  const heapUsedBeforeMb = heapUsedMb();
  const rssBeforeMb = rssMb();
  progress(`${name}: RSS before ${rssBeforeMb.toFixed(1)} MB, heap used ${heapUsedBeforeMb.toFixed(1)} MB; training on ${data.train.length} examples`);
  sampler.reset();
  const trainStart = performance.now();
  const system = await trainers[name](data);
  const trainMs = performance.now() - trainStart;
  const heapUsedAfterTrainingMb = heapUsedMb();
  progress(`${name}: trained in ${(trainMs / 1000).toFixed(1)} s (threshold ${system.threshold.toFixed(4)}); predicting val (warm-up) and test`);

  const val = await predictAll(system, data.val);
  const test = await predictAll(system, data.test);
  const peakRssMb = sampler.peakMb();
  const sorted = [...test.latenciesMs].sort((a, b) => a - b);
  const result: SystemResult = {
    system: name,
    threshold: system.threshold,
    trainMs,
    valAccuracy151: score(data.val, val.predictions).accuracy151,
    test: score(data.test, test.predictions),
    latency: {
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      meanMs: sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length),
      maxMs: sorted.at(-1) ?? 0,
      count: sorted.length,
    },
    memory: { rssBeforeMb, peakRssMb, maxRssMb: maxRssMb(), heapUsedBeforeMb, heapUsedAfterTrainingMb },
    details: system.details,
  };
  progress(`${name}: done; peak RSS ${peakRssMb.toFixed(1)} MB`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report

interface TargetCheck {
  readonly key: keyof typeof TARGETS;
  readonly label: string;
  readonly unit: string;
  readonly value: number;
  readonly target: number;
  /** `min`: the value must reach the target; `max`: it must not exceed it. */
  readonly kind: 'min' | 'max';
  readonly met: boolean;
}

/** The targets for Parley. Peak memory is the larger of the sampled peak and maxRSS. */
function checkTargets(parley: SystemResult): TargetCheck[] {
  const check = (key: keyof typeof TARGETS, label: string, unit: string, value: number, kind: 'min' | 'max'): TargetCheck => {
    const target = TARGETS[key];
    return { key, label, unit, value, target, kind, met: kind === 'min' ? value >= target : value <= target };
  };
  return [
    check('inScopeAccuracy', 'in-scope accuracy', '%', parley.test.inScopeAccuracy, 'min'),
    check('oosRecall', 'oos recall', '%', parley.test.oosRecall, 'min'),
    check('trainMs', 'training time', 's', parley.trainMs, 'max'),
    check('p99Ms', 'prediction p99', 'ms', parley.latency.p99Ms, 'max'),
    check('peakRssMb', 'peak memory (RSS)', 'MB', Math.max(parley.memory.peakRssMb, parley.memory.maxRssMb), 'max'),
  ];
}

function formatCheckValue(check: TargetCheck, value: number): string {
  switch (check.unit) {
    case '%':
      return `${(value * 100).toFixed(2)} %`;
    case 's':
      return `${(value / 1000).toFixed(2)} s`;
    case 'ms':
      return `${value.toFixed(3)} ms`;
    default:
      return `${value.toFixed(1)} ${check.unit}`;
  }
}

function table(results: readonly SystemResult[]): string {
  const percent = (value: number): string => (value * 100).toFixed(2);
  const header = ['system', 'in-scope acc %', 'oos recall %', 'oos prec %', 'train s', 'p50 ms', 'p99 ms', 'peak RSS MB'];
  const rows = results.map((r) => [r.system, percent(r.test.inScopeAccuracy), percent(r.test.oosRecall), percent(r.test.oosPrecision), (r.trainMs / 1000).toFixed(2), r.latency.p50Ms.toFixed(3), r.latency.p99Ms.toFixed(3), r.memory.peakRssMb.toFixed(1)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function printReport(results: readonly SystemResult[], checks: readonly TargetCheck[] | null): void {
  const first = results[0]!;
  console.log(`\nnlu benchmark: CLINC150, trained on train, threshold chosen on val, scored on test (${first.test.inScopeTotal} in-scope + ${first.test.oosTotal} oos)\n`);
  console.log(table(results));
  console.log('');
  for (const r of results) {
    const m = r.memory;
    console.log(
      `${r.system}: threshold ${r.threshold.toFixed(4)} (val 151-class acc ${(r.valAccuracy151 * 100).toFixed(2)} %), test 151-class acc ${(r.test.accuracy151 * 100).toFixed(2)} %, ` +
        `${r.test.oosPredicted} predicted oos; latency mean ${r.latency.meanMs.toFixed(3)} ms, max ${r.latency.maxMs.toFixed(2)} ms over ${r.latency.count}`,
    );
    console.log(
      `${' '.repeat(r.system.length)}  memory: RSS before ${m.rssBeforeMb.toFixed(1)} MB, peak ${m.peakRssMb.toFixed(1)} MB (sampled every ${SAMPLE_INTERVAL_MS} ms), ` +
        `process maxRSS ${m.maxRssMb.toFixed(1)} MB; heap used ${m.heapUsedBeforeMb.toFixed(1)} → ${m.heapUsedAfterTrainingMb.toFixed(1)} MB after training (after GC)`,
    );
    const details = Object.entries(r.details).map(([key, value]) => `${key} ${typeof value === 'number' && !Number.isInteger(value) ? value.toPrecision(4) : String(value)}`);
    if (details.length > 0) console.log(`${' '.repeat(r.system.length)}  ${details.join(', ')}`);
  }
  if (results.length > 1) console.log('\nOne process, Parley first: RSS and maxRSS are cumulative, so the later system starts from what the earlier one left.');
  if (checks) {
    console.log('\nParley targets:');
    for (const check of checks) {
      const target = `${check.kind === 'min' ? '≥' : '≤'} ${formatCheckValue(check, check.target)}`;
      console.log(`  ${check.label.padEnd(18)} ${formatCheckValue(check, check.value).padStart(10)}  target ${target.padEnd(11)} ${check.met ? 'met' : 'NOT met'}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

export async function runNluBenchmark(args: readonly string[]): Promise<number> {
  let values: { only?: string | undefined; data: string; json: boolean; help: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        only: { type: 'string' },
        data: { type: 'string', default: process.env.CLINC150_DIR ?? defaultDataDir },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
    if (values.only !== undefined && !SYSTEMS.includes(values.only as SystemName)) throw new Error(`--only must be parley or nlpjs, got "${values.only}"`);
  } catch (error) {
    console.error(`[bench:nlu] ${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const progress = (text: string): void => void process.stderr.write(`[bench:nlu] ${text}\n`);
  const systems = values.only === undefined ? SYSTEMS : [values.only as SystemName];
  const sampler = new RssSampler(SAMPLE_INTERVAL_MS);
  try {
    const data: Dataset = { train: readSplit(values.data, 'train'), val: readSplit(values.data, 'val'), test: readSplit(values.data, 'test') };
    progress(`CLINC150 from ${values.data}: train ${data.train.length}, val ${data.val.length}, test ${data.test.length}`);
    const results: SystemResult[] = [];
    for (const name of systems) results.push(await runSystem(name, data, sampler, progress));

    const parley = results.find((r) => r.system === 'parley');
    const checks = parley ? checkTargets(parley) : null;
    if (values.json) {
      const targets = checks ? Object.fromEntries(checks.map((c) => [c.key, { value: c.value, target: c.target, kind: c.kind, met: c.met }])) : null;
      console.log(JSON.stringify({ benchmark: 'nlu', dataset: 'clinc150', order: systems, results, targets, allTargetsMet: checks ? checks.every((c) => c.met) : null }));
    } else {
      printReport(results, checks);
    }
    return 0;
  } catch (error) {
    console.error(`\n[bench:nlu] FAILED: ${(error as Error).stack ?? String(error)}`);
    return 1;
  } finally {
    await sampler.stop();
  }
}

// Run directly (`npm run bench:nlu`), not when imported by bench/run.ts.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exit(await runNluBenchmark(process.argv.slice(2)));
}

import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ParleyError } from '../core/index.js';
import { classifierSettingsFor, loadBot } from '../engine/index.js';
import { defaultClassifierSettings, trainIntentClassifier, type ClassifierSettings, type LabelledExample } from '../nlu/index.js';
import { crossValidate, evaluateWithTrainer, renderHtmlReport, stratifiedSplit } from '../nlu/evaluation/index.js';
import { examplesFromBot } from '../nlu/training-data/index.js';
import { readExamplesFile } from './nlu-data.js';
import { nluImportCommand } from './nlu-import-command.js';

const USAGE = `Usage: parley nlu import FILE [--bot DIR] [--force]
       parley nlu eval [options]
  --train FILE --test FILE [--val FILE]   explicit data (or --train FILE --folds K) (JSON Lines {"text","intent"} or Rasa NLU YAML);
                                          intent "oos" marks out-of-scope; without --val, validation
                                          data is held out from the training file
  [--bot DIR]                             otherwise: the bot folder's intents, with
  [--folds K]                             K-fold cross-validation, or else a seeded stratified split
  [--test-fraction F]                     share held out for testing in that split (default 0.2)
  --seed N                                seed of splits and training (default 42)
  --json                                  print one JSON object
  --html FILE                             write a self-contained HTML report
`;

export async function nluCommand(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'import') return nluImportCommand(rest);
  if (sub !== 'eval') {
    process.stderr.write(`parley nlu: unknown command "${sub ?? ''}"\n\n${USAGE}`);
    return 1;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      val: { type: 'string' },
      bot: { type: 'string' },
      folds: { type: 'string' },
      'test-fraction': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
    },
    strict: true,
  });
  const seed = wholeNumber(values.seed ?? '42', '--seed');
  let settings: ClassifierSettings = { ...defaultClassifierSettings, seed };
  let dataset: string;
  let train: LabelledExample[];
  let test: LabelledExample[] | null = null;
  let validation: LabelledExample[] | undefined;

  if (values.train || values.test) {
    if (!values.train || (!values.test && !values.folds)) {
      throw new ParleyError('PARLEY_CONFIG_INVALID', 'Give --train with --test (and optionally --val), or --train with --folds K.');
    }
    train = await readExamplesFile(values.train);
    test = values.test ? await readExamplesFile(values.test) : null;
    validation = values.val ? await readExamplesFile(values.val) : undefined;
    dataset = `train ${values.train}${values.test ? `, test ${values.test}` : ''}${values.val ? `, val ${values.val}` : ''}`;
  } else {
    const dir = values.bot ?? process.env.PARLEY_BOT ?? 'bots/shop';
    const bot = await loadBot({ PARLEY_BOT: dir });
    settings = { ...classifierSettingsFor(bot), seed };
    train = examplesFromBot(bot.intents);
    dataset = `bot ${dir}`;
  }
  const trainer = (examples: LabelledExample[]) => trainIntentClassifier(examples, { ...settings, ...(validation ? { validation } : {}) });

  if (values.folds) {
    const k = wholeNumber(values.folds, '--folds');
    const report = await crossValidate(train, k, seed, trainer);
    if (values.json) process.stdout.write(`${JSON.stringify({ dataset, ...report, ...report.mean })}\n`);
    else process.stdout.write(`${dataset}: ${k}-fold cross-validation\n${formatHeadline(report.mean)}\n`);
    return 0;
  }

  if (!test) {
    const fraction = values['test-fraction'] ? Number(values['test-fraction']) : 0.2;
    if (!(fraction > 0 && fraction < 1)) throw new ParleyError('PARLEY_CONFIG_INVALID', '--test-fraction must be between 0 and 1.');
    const split = stratifiedSplit(train, { testFraction: fraction, seed });
    train = split.train;
    test = split.test;
    dataset += ` (seeded stratified ${Math.round((1 - fraction) * 100)}/${Math.round(fraction * 100)} split)`;
  }
  const { classifier, report, trainMs } = await evaluateWithTrainer(trainer, { train, test });
  const model = 'hash' in classifier ? String(classifier.hash).slice(0, 12) : 'model';
  if (values.html) {
    await writeFile(values.html, renderHtmlReport(report, { title: 'Parley NLU evaluation', dataset, model, createdAt: new Date() }));
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ dataset, model, trainMs: Math.round(trainMs), ...report })}\n`);
  } else {
    process.stdout.write(
      `${dataset}\nmodel ${model}, threshold ${report.threshold.toFixed(3)}, trained in ${Math.round(trainMs)} ms\n${formatHeadline(report)}\n` +
        `predict p50 ${report.predictP50Ms.toFixed(3)} ms, p99 ${report.predictP99Ms.toFixed(3)} ms\n` +
        (values.html ? `report: ${values.html}\n` : ''),
    );
  }
  return 0;
}

function formatHeadline(metrics: { inScopeAccuracy: number | null; macroF1: number | null; oosRecall: number | null; oosPrecision: number | null }): string {
  const percent = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(2)} %`);
  return `in-scope accuracy ${percent(metrics.inScopeAccuracy)}, macro-F1 ${percent(metrics.macroF1)}, out-of-scope recall ${percent(metrics.oosRecall)}, precision ${percent(metrics.oosPrecision)}`;
}

function wholeNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new ParleyError('PARLEY_CONFIG_INVALID', `${flag} takes a whole number, not "${text}".`);
  return value;
}

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../core/index.js';
import { classifierSettingsFor, loadBot } from '../engine/index.js';
import { encodeModel, trainIntentClassifier } from '../nlu/index.js';
import { checkBotTrainingData, examplesFromBot } from '../nlu/training-data/index.js';
import { openStore } from '../storage/index.js';

/** `parley train [bot]`: trains the bot's NLU model and stores it, so the server starts with it. */
export async function trainCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { 'data-dir': { type: 'string' } }, strict: true });
  const botDir = positionals[0] ?? process.env.PARLEY_BOT ?? 'bots/shop';
  const bot = await loadBot({ PARLEY_BOT: botDir });
  const problems = checkBotTrainingData(bot.intents);
  for (const problem of problems) process.stdout.write(`${problem.severity}: ${problem.message}\n`);
  if (problems.some((problem) => problem.severity === 'error')) return 1;

  const examples = examplesFromBot(bot.intents);
  const started = performance.now();
  const classifier = trainIntentClassifier(examples, classifierSettingsFor(bot));
  const trainMs = performance.now() - started;
  const store = openStore('sqlite', resolve(values['data-dir'] ?? process.env.PARLEY_DATA_DIR ?? './data'));
  try {
    const bytes = encodeModel(classifier.data);
    await store.models.save({ hash: classifier.hash, botName: bot.config.name, createdAt: systemClock.now().toISOString(), bytes });
    process.stdout.write(
      `Trained "${bot.config.name}": ${examples.length} examples, ${classifier.intents.length} intents, ${classifier.data.features.length} features, ` +
        `out-of-scope threshold ${classifier.threshold.toFixed(3)}, ${Math.round(trainMs)} ms, ${(bytes.length / 1e6).toFixed(1)} MB.\n` +
        `Model ${classifier.hash.slice(0, 12)} stored; \`parley serve\` loads it.\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

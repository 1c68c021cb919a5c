import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblems, loadBotFolder } from '../bot/index.js';

export async function validateCommand(args: readonly string[]): Promise<number> {
  const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {}, strict: true });
  const dir = positionals[0] ?? process.env.PARLEY_BOT ?? 'bots/shop';
  const { bot, problems } = await loadBotFolder(resolve(dir));
  if (problems.length > 0) process.stdout.write(`${formatProblems(dir, problems)}\n`);
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  if (!bot || errors > 0) {
    process.stdout.write(`\n${dir}: ${errors} error(s), ${warnings} warning(s)\n`);
    return 1;
  }
  process.stdout.write(
    `${dir} is valid: bot "${bot.config.name}", ${bot.intents.length} intents, ${bot.flows.length} flows, ${Object.keys(bot.responses).length} responses` +
      (warnings > 0 ? `, ${warnings} warning(s)` : '') +
      '\n',
  );
  return 0;
}

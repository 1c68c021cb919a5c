import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startDemoServices, type RunningDemoServices } from '../demo/index.js';
import { createRuntime, loadConfig } from '../engine/index.js';

/**
 * A terminal conversation with a bot folder: the real engine on a memory store, no HTTP server.
 * `--demo` serves the demo orders service (seeded from the bot's data/orders.yaml) for the chat.
 */
export async function chatCommand(args: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: [...args], allowPositionals: true, options: { demo: { type: 'boolean', default: false } }, strict: true });
  const config = loadConfig({ ...process.env, PARLEY_STORE: 'memory', ...(positionals[0] ? { PARLEY_BOT: positionals[0] } : {}) });
  let demo: RunningDemoServices | null = null;
  if (values.demo) {
    const seedFile = join(config.PARLEY_BOT, 'data', 'orders.yaml');
    if (!existsSync(seedFile)) {
      process.stderr.write(`--demo serves the demo orders service from ${seedFile}, which does not exist\n`);
      return 2;
    }
    demo = await startDemoServices({ seedFile });
  }
  const runtime = await createRuntime(config, { startWorkers: false, ...(demo ? { env: { ...process.env, PARLEY_URL: demo.url } } : {}) }).catch(async (error: unknown) => {
    await demo?.close();
    throw error;
  });
  const interactive = process.stdin.isTTY === true;
  try {
    const { conversation } = await runtime.engine.startConversation({ channel: 'cli' });
    if (interactive) process.stdout.write(`Talking to "${runtime.bot.config.name}". Type a message, or /quit to leave.\n`);
    const lines = createInterface({ input: process.stdin, terminal: interactive });
    const prompt = () => {
      if (interactive) process.stdout.write('you> ');
    };
    prompt();
    for await (const line of lines) {
      const text = line.trim();
      if (text === '/quit' || text === '/exit') break;
      if (text !== '') {
        const { replies } = await runtime.engine.receive({ conversationId: conversation.id, channel: 'cli', text });
        for (const reply of replies) {
          process.stdout.write(`bot> ${reply.text}\n`);
          // A terminal shows what a text-only channel would: each rich element's fallback.
          for (const element of reply.elements ?? []) process.stdout.write(`     ${element.fallback}\n`);
          reply.buttons?.forEach((button, index) => process.stdout.write(`     [${index + 1}] ${button.title} (${button.payload})\n`));
        }
      }
      prompt();
    }
    return 0;
  } finally {
    await runtime.close();
    await demo?.close();
  }
}

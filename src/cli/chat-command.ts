import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createRuntime, loadConfig } from '../engine/index.js';

/** A terminal conversation with a bot folder: the real engine on a memory store, no HTTP. */
export async function chatCommand(args: readonly string[]): Promise<number> {
  const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {}, strict: true });
  const config = loadConfig({ ...process.env, PARLEY_STORE: 'memory', ...(positionals[0] ? { PARLEY_BOT: positionals[0] } : {}) });
  const runtime = await createRuntime(config, { startWorkers: false });
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
  }
}

import { parseArgs } from 'node:util';
import { serve } from '../server/index.js';

export async function serveCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { port: { type: 'string' }, bot: { type: 'string' }, 'data-dir': { type: 'string' }, demo: { type: 'boolean' } },
    strict: true,
  });
  const env = {
    ...process.env,
    ...(values.port !== undefined ? { PORT: values.port } : {}),
    ...(values.bot !== undefined ? { PARLEY_BOT: values.bot } : {}),
    ...(values['data-dir'] !== undefined ? { PARLEY_DATA_DIR: values['data-dir'] } : {}),
    // --demo also serves the demo orders service the demo bot's connector calls (see README).
    ...(values.demo === true ? { PARLEY_DEMO_SERVICES: 'true' } : {}),
  };
  const server = await serve(env);
  process.stdout.write(`Parley is serving on ${server.url.replace('0.0.0.0', 'localhost')} (API docs at /docs)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // Finish in-flight turns and close the store cleanly; a second signal forces the exit.
      server.close().then(resolve, (error: unknown) => {
        console.error(error);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

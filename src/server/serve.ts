import { pino, type Logger } from 'pino';
import { createRuntime, loadConfig, type ParleyConfig } from '../engine/index.js';
import { buildApp } from './app.js';
import { createServerMetrics } from './metrics.js';

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

export function createLogger(config: Pick<ParleyConfig, 'PARLEY_LOG_LEVEL'>): Logger {
  return pino({
    level: config.PARLEY_LOG_LEVEL,
    base: { service: 'parley' },
    redact: { paths: ['req.headers.authorization', '*.token', '*.secret'], censor: '[redacted]' },
  });
}

/** Starts Parley from the environment: loads and validates everything, then listens. */
export async function serve(env: Readonly<Record<string, string | undefined>> = process.env): Promise<RunningServer> {
  const config = loadConfig(env);
  const logger = createLogger(config);
  const metrics = createServerMetrics();
  const runtime = await createRuntime(config, { logger, observer: metrics.turnObserver });
  const app = await buildApp({ runtime, logger, metrics });
  const address = await app.listen({ port: config.PORT, host: config.PARLEY_HOST });
  logger.info({ address, bot: runtime.bot.config.name, store: runtime.store.kind, dataDir: config.PARLEY_DATA_DIR }, 'Parley is listening');
  let closing: Promise<void> | null = null;
  return {
    url: address,
    close() {
      closing ??= (async () => {
        await app.close();
        await runtime.close();
      })();
      return closing;
    },
  };
}

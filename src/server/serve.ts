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

/**
 * The environment the bot's connectors read, with `PARLEY_URL` (the server's own base URL, for
 * connectors that call services Parley itself serves, like the demo orders service) defaulting to
 * `http://127.0.0.1:PORT` (or the address in PARLEY_HOST when it names one interface). With PORT=0
 * the port is only known after listening, after the connectors are built: PARLEY_URL is then left
 * unset, and a connector that uses it reports the missing variable at start.
 */
export function withOwnUrl(
  env: Readonly<Record<string, string | undefined>>,
  config: Pick<ParleyConfig, 'PORT' | 'PARLEY_HOST'>,
): Readonly<Record<string, string | undefined>> {
  if ((env.PARLEY_URL ?? '') !== '' || config.PORT === 0) return env;
  const anyInterface = ['0.0.0.0', '::', '[::]'].includes(config.PARLEY_HOST);
  const host = anyInterface ? '127.0.0.1' : config.PARLEY_HOST.includes(':') && !config.PARLEY_HOST.startsWith('[') ? `[${config.PARLEY_HOST}]` : config.PARLEY_HOST;
  return { ...env, PARLEY_URL: `http://${host}:${config.PORT}` };
}

/** Starts Parley from the environment: loads and validates everything, then listens. */
export async function serve(env: Readonly<Record<string, string | undefined>> = process.env): Promise<RunningServer> {
  const config = loadConfig(env);
  const logger = createLogger(config);
  const metrics = createServerMetrics();
  const runtime = await createRuntime(config, { logger, observer: metrics.turnObserver, env: withOwnUrl(env, config) });
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

import { z } from 'zod';
import { ParleyError } from '../core/index.js';

/**
 * Every setting Parley reads from the environment, validated once at start. A wrong value stops
 * the start with a message naming the variable, what was given and what is expected.
 */

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int({ error: `expected a whole number from ${min} to ${max}` })
    .min(min, { error: `expected a whole number from ${min} to ${max}` })
    .max(max, { error: `expected a whole number from ${min} to ${max}` });

const flag = z.enum(['true', 'false', '1', '0'], { error: 'expected true or false' }).transform((value) => value === 'true' || value === '1');

export const configSchema = z.object({
  PORT: wholeNumber(0, 65535).default(3000),
  PARLEY_HOST: z.string().min(1).default('0.0.0.0'),
  PARLEY_DATA_DIR: z.string().min(1).default('./data'),
  PARLEY_BOT: z.string().min(1).default('bots/shop'),
  PARLEY_STORE: z.enum(['sqlite', 'memory'], { error: 'expected sqlite or memory' }).default('sqlite'),
  PARLEY_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected fatal, error, warn, info, debug, trace or silent' })
    .default('info'),
  PARLEY_MAX_MESSAGE_CHARS: wholeNumber(1, 100_000).default(4000),
  PARLEY_RATE_LIMIT_MESSAGES: wholeNumber(0, 1_000_000_000).default(120),
  PARLEY_RATE_LIMIT_CONVERSATIONS: wholeNumber(0, 1_000_000_000).default(60),
  PARLEY_TRUST_PROXY: flag.default(false),
  PARLEY_WATCH_BOT: flag.default(true),
  PARLEY_DEMO_SERVICES: flag.default(false),
});

export type ParleyConfig = z.infer<typeof configSchema>;

/** Descriptions for the README and `parley serve --help`; kept beside the schema so they agree. */
export const configDescriptions: Record<keyof ParleyConfig, string> = {
  PORT: 'HTTP port to listen on',
  PARLEY_HOST: 'interface to bind',
  PARLEY_DATA_DIR: 'folder of the embedded SQLite database',
  PARLEY_BOT: 'bot folder to serve',
  PARLEY_STORE: 'conversation store: sqlite (durable) or memory (lost on exit)',
  PARLEY_LOG_LEVEL: 'pino log level',
  PARLEY_MAX_MESSAGE_CHARS: 'longest accepted user message, in characters',
  PARLEY_RATE_LIMIT_MESSAGES: 'messages per minute per conversation (0 turns the limit off)',
  PARLEY_RATE_LIMIT_CONVERSATIONS: 'new conversations per minute per client address (0 turns the limit off)',
  PARLEY_TRUST_PROXY: 'trust X-Forwarded-For from a reverse proxy (true/false)',
  PARLEY_WATCH_BOT: 'reload the bot (and retrain its model in the background) when its folder changes (true/false)',
  PARLEY_DEMO_SERVICES:
    "also serve the demo orders service at /demo/orders-api, seeded from the bot folder's data/orders.yaml, state in memory (true/false; parley serve --demo sets it)",
};

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ParleyConfig {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = configSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0]);
    return `  ${key}=${JSON.stringify(relevant[key] ?? '')}: ${issue.message}`;
  });
  throw new ParleyError('PARLEY_CONFIG_INVALID', `Invalid configuration:\n${lines.join('\n')}`, {
    details: { variables: parsed.error.issues.map((issue) => String(issue.path[0])) },
  });
}

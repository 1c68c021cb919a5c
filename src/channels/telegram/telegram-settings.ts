import { ParleyError, type ChannelOff, type Environment } from '../../core/index.js';
import { SECRET_TOKEN_PATTERN } from './secret-token.js';

export const BOT_TOKEN_VARIABLE = 'PARLEY_TELEGRAM_BOT_TOKEN';
export const SECRET_TOKEN_VARIABLE = 'PARLEY_TELEGRAM_SECRET_TOKEN';
export const API_URL_VARIABLE = 'PARLEY_TELEGRAM_API_URL';
export const DEFAULT_API_URL = 'https://api.telegram.org';

export interface TelegramSettings {
  readonly botToken: string;
  readonly secretToken: string;
  readonly apiUrl: string;
}

/**
 * The channel's settings from the environment: off (naming the missing variables) when the bot
 * token or the secret token is unset or empty. A value that is set but malformed throws
 * PARLEY_CONFIG_INVALID naming the variable, never the value: a secret Telegram would refuse in
 * `setWebhook` would otherwise make every webhook call fail with 401, silently.
 */
export function readTelegramSettings(env: Environment): TelegramSettings | ChannelOff {
  const botToken = env[BOT_TOKEN_VARIABLE];
  const secretToken = env[SECRET_TOKEN_VARIABLE];
  const missing = [
    ...(botToken === undefined || botToken === '' ? [BOT_TOKEN_VARIABLE] : []),
    ...(secretToken === undefined || secretToken === '' ? [SECRET_TOKEN_VARIABLE] : []),
  ];
  if (botToken === undefined || botToken === '' || secretToken === undefined || secretToken === '') return { off: true, name: 'telegram', missing };

  // Bot tokens look like 123456789:AAE…; anything else would not fit in the URL path.
  if (!/^[A-Za-z0-9:_-]+$/.test(botToken)) {
    throw new ParleyError('PARLEY_CONFIG_INVALID', `telegram: ${BOT_TOKEN_VARIABLE} is not a bot token (expected the form 123456789:AA…, as BotFather gives it)`);
  }
  if (!SECRET_TOKEN_PATTERN.test(secretToken)) {
    throw new ParleyError('PARLEY_CONFIG_INVALID', `telegram: ${SECRET_TOKEN_VARIABLE} must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (what setWebhook accepts as secret_token)`);
  }
  const apiUrl = env[API_URL_VARIABLE] === undefined || env[API_URL_VARIABLE] === '' ? DEFAULT_API_URL : env[API_URL_VARIABLE];
  if (!/^https?:\/\//i.test(apiUrl) || !URL.canParse(apiUrl)) {
    throw new ParleyError('PARLEY_CONFIG_INVALID', `telegram: ${API_URL_VARIABLE} must be a web address starting with https:// or http://`);
  }
  return { botToken, secretToken, apiUrl };
}

/**
 * The Telegram channel: a Telegram bot talks to Parley through the Bot API's webhook.
 *
 * ## Settings (environment variables)
 *
 * | variable | |
 * |---|---|
 * | `PARLEY_TELEGRAM_BOT_TOKEN` | the bot's token from @BotFather (`123456789:AA…`). Required. |
 * | `PARLEY_TELEGRAM_SECRET_TOKEN` | a secret you choose, 1–256 characters of `A-Z a-z 0-9 _ -`, given to `setWebhook` as `secret_token`. Required. |
 * | `PARLEY_TELEGRAM_API_URL` | the Bot API's address; default `https://api.telegram.org` (set it for a local Bot API server). |
 *
 * Without the first two the channel is off and the server says which variables are missing. A
 * malformed value stops the start with PARLEY_CONFIG_INVALID (the message names the variable,
 * never its value). Generate a secret with e.g. `openssl rand -hex 32`.
 *
 * ## Pointing the bot at Parley
 *
 * Telegram must reach Parley over HTTPS on port 443, 80, 88 or 8443. Register the webhook once
 * (again whenever the address or the secret changes):
 *
 * ```sh
 * curl -sS "https://api.telegram.org/bot$PARLEY_TELEGRAM_BOT_TOKEN/setWebhook" \
 *   -H 'content-type: application/json' \
 *   -d '{"url": "https://parley.example.com/v1/channels/telegram/webhook",
 *        "secret_token": "'"$PARLEY_TELEGRAM_SECRET_TOKEN"'",
 *        "allowed_updates": ["message", "callback_query"]}'
 * ```
 *
 * Telegram then sends every update with the header `X-Telegram-Bot-Api-Secret-Token: <secret>`;
 * a request without it, or with another value, is refused with 401 before its body is read
 * (compared in constant time). `getWebhookInfo` shows the last delivery error Telegram saw.
 *
 * ## What Parley does with updates
 *
 * - A text message becomes a user message; the conversation is the Telegram chat (address = chat
 *   id) and the message id is `update:<update_id>`, so an update Telegram delivers again is
 *   recorded once. Edited messages, stickers, photos and other updates are acknowledged (200) and
 *   ignored.
 * - A pressed inline button sends its payload as the user's text. The button's spinner is stopped
 *   by answering the webhook request with an `answerCallbackQuery` call in the response body
 *   (the Bot API's "making requests when getting updates"), rather than by calling the Bot API from
 *   the webhook handler: the handler never waits on Telegram, and nothing is left running after
 *   it answers. Payloads longer than Telegram's 64-byte `callback_data` travel as a token (see
 *   `callback-data.ts`); if the token is no longer known the button's title is used instead.
 * - Replies go out with `sendMessage` as plain text (no parse mode), rich elements as their
 *   fallback text, buttons as an inline keyboard (one per row), split into several messages
 *   beyond 4096 characters (buttons on the last). A 429 is retried after Telegram's
 *   `retry_after`; a 5xx, timeout (10 s) or network error is retried; a 400/403 (chat not found,
 *   bot blocked by the user) is given up at once.
 */
import type { ChannelSetup, Environment } from '../../core/index.js';
import { createTelegramAdapter } from './telegram-adapter.js';
import { readTelegramSettings } from './telegram-settings.js';

export { TELEGRAM_WEBHOOK_PATH, TELEGRAM_MAX_BODY_BYTES } from './telegram-adapter.js';
export { API_URL_VARIABLE, BOT_TOKEN_VARIABLE, DEFAULT_API_URL, SECRET_TOKEN_VARIABLE } from './telegram-settings.js';
export { SECRET_TOKEN_HEADER } from './secret-token.js';

export function telegramChannel(env: Environment, options: { readonly fetch?: typeof globalThis.fetch } = {}): ChannelSetup {
  const settings = readTelegramSettings(env);
  if ('off' in settings) return settings;
  // Looked up at each call, not bound now, so a fetch replaced later (tests, instrumentation) is used.
  const fetchImpl: typeof globalThis.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return createTelegramAdapter(settings, fetchImpl);
}

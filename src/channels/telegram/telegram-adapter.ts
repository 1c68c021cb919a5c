import type { ChannelAdapter, ChannelDelivery, ChannelInbound, ChannelRequest } from '../../core/index.js';
import { createBotApi, type BotApi } from './bot-api.js';
import { CallbackPayloads } from './callback-data.js';
import { sameSecret, secretDigest, SECRET_TOKEN_HEADER } from './secret-token.js';
import { renderMessage } from './telegram-outgoing.js';
import type { TelegramSettings } from './telegram-settings.js';
import { parseUpdate } from './telegram-update.js';

export const TELEGRAM_WEBHOOK_PATH = '/v1/channels/telegram/webhook';
/** Updates are small; 1 MiB leaves room for a long message with many entities. */
export const TELEGRAM_MAX_BODY_BYTES = 1024 * 1024;
/** Deliveries split into several messages whose progress is kept, at most. */
const PROGRESS_CAPACITY = 1_000;

export function createTelegramAdapter(settings: TelegramSettings, fetchImpl: typeof globalThis.fetch): ChannelAdapter {
  const expectedSecret = secretDigest(settings.secretToken);
  const payloads = new CallbackPayloads();
  const api: BotApi = createBotApi({ apiUrl: settings.apiUrl, token: settings.botToken, fetch: fetchImpl });
  /**
   * Delivery id → how many parts of a split message Telegram already took. Telegram has no
   * idempotency key, so a retry after a failure in the middle of a split message goes on from the
   * part that failed instead of repeating the first ones. In memory only: after a restart a retry
   * starts over (delivery is at least once).
   */
  const progress = new Map<string, number>();

  return {
    name: 'telegram',
    path: TELEGRAM_WEBHOOK_PATH,
    methods: ['POST'],
    maxBodyBytes: TELEGRAM_MAX_BODY_BYTES,
    numberedChoices: false,

    handle(request: ChannelRequest): ChannelInbound {
      // Verified before anything of the body is read.
      if (!sameSecret(request.headers[SECRET_TOKEN_HEADER], expectedSecret)) {
        return { kind: 'rejected', status: 401, code: 'PARLEY_CHANNEL_SECRET_INVALID', message: 'telegram: the X-Telegram-Bot-Api-Secret-Token header is missing or wrong' };
      }
      return parseUpdate(request.rawBody, payloads);
    },

    async send(delivery: ChannelDelivery): Promise<void> {
      const calls = renderMessage(delivery.address, delivery.message, payloads);
      const done = progress.get(delivery.id) ?? 0;
      for (let index = Math.min(done, calls.length - 1); index < calls.length; index += 1) {
        const params = calls[index];
        if (params === undefined) continue;
        await api.call('sendMessage', params);
        if (index < calls.length - 1) {
          progress.delete(delivery.id);
          progress.set(delivery.id, index + 1);
          const oldest = progress.size > PROGRESS_CAPACITY ? progress.keys().next() : undefined;
          if (oldest !== undefined && oldest.done !== true) progress.delete(oldest.value);
        }
      }
      progress.delete(delivery.id);
    },
  };
}

import type { ChannelAdapter, ChannelSetup, Environment } from '../../core/index.js';
import { postToGraph } from './graph-client.js';
import { GRAPH_TIMEOUT_MS, graphBaseUrl, META_MAX_BODY_BYTES, readRequired, type MetaChannelOptions } from './settings.js';
import { handleMetaWebhook } from './webhook.js';
import { parseWhatsAppEntries } from './whatsapp-inbound.js';
import { whatsappRequests } from './whatsapp-outbound.js';

export const WHATSAPP_WEBHOOK_PATH = '/v1/channels/whatsapp/webhook';

/** The WhatsApp Cloud API channel, or the channel off with the variables it lacks. */
export function whatsappChannel(env: Environment, options: MetaChannelOptions = {}): ChannelSetup {
  const settings = readRequired(env, 'whatsapp', ['PARLEY_META_APP_SECRET', 'PARLEY_META_VERIFY_TOKEN', 'PARLEY_WHATSAPP_TOKEN', 'PARLEY_WHATSAPP_PHONE_NUMBER_ID']);
  if ('off' in settings) return settings;
  const phoneNumberId = settings.PARLEY_WHATSAPP_PHONE_NUMBER_ID;
  const messagesUrl = `${graphBaseUrl(env)}/${encodeURIComponent(phoneNumberId)}/messages`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? GRAPH_TIMEOUT_MS;
  const adapter: ChannelAdapter = {
    name: 'whatsapp',
    path: WHATSAPP_WEBHOOK_PATH,
    methods: ['GET', 'POST'],
    maxBodyBytes: META_MAX_BODY_BYTES,
    numberedChoices: false,
    handle: (request) =>
      handleMetaWebhook(request, {
        appSecret: settings.PARLEY_META_APP_SECRET,
        verifyToken: settings.PARLEY_META_VERIFY_TOKEN,
        object: 'whatsapp_business_account',
        parseEntries: (entries) => parseWhatsAppEntries(entries, phoneNumberId),
      }),
    async send(delivery) {
      // One reply can take several requests (a long text); they go one after the other, in order.
      for (const body of whatsappRequests(delivery.address, delivery.message)) {
        await postToGraph({
          fetch: doFetch,
          url: messagesUrl,
          headers: { authorization: `Bearer ${settings.PARLEY_WHATSAPP_TOKEN}` },
          body,
          timeoutMs,
          what: 'whatsapp',
        });
      }
    },
  };
  return adapter;
}

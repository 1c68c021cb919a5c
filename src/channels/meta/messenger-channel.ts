import type { ChannelAdapter, ChannelSetup, Environment } from '../../core/index.js';
import { postToGraph } from './graph-client.js';
import { parseMessengerEntries } from './messenger-inbound.js';
import { messengerRequests } from './messenger-outbound.js';
import { GRAPH_TIMEOUT_MS, graphBaseUrl, META_MAX_BODY_BYTES, readRequired, type MetaChannelOptions } from './settings.js';
import { handleMetaWebhook } from './webhook.js';

export const MESSENGER_WEBHOOK_PATH = '/v1/channels/messenger/webhook';

/** The Facebook Messenger channel (one Page), or the channel off with the variables it lacks. */
export function messengerChannel(env: Environment, options: MetaChannelOptions = {}): ChannelSetup {
  const settings = readRequired(env, 'messenger', ['PARLEY_META_APP_SECRET', 'PARLEY_META_VERIFY_TOKEN', 'PARLEY_MESSENGER_PAGE_TOKEN']);
  if ('off' in settings) return settings;
  const sendUrl = `${graphBaseUrl(env)}/me/messages?access_token=${encodeURIComponent(settings.PARLEY_MESSENGER_PAGE_TOKEN)}`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? GRAPH_TIMEOUT_MS;
  const adapter: ChannelAdapter = {
    name: 'messenger',
    path: MESSENGER_WEBHOOK_PATH,
    methods: ['GET', 'POST'],
    maxBodyBytes: META_MAX_BODY_BYTES,
    numberedChoices: false,
    handle: (request) =>
      handleMetaWebhook(request, {
        appSecret: settings.PARLEY_META_APP_SECRET,
        verifyToken: settings.PARLEY_META_VERIFY_TOKEN,
        object: 'page',
        parseEntries: parseMessengerEntries,
      }),
    async send(delivery) {
      for (const body of messengerRequests(delivery.address, delivery.message)) {
        await postToGraph({ fetch: doFetch, url: sendUrl, body, timeoutMs, what: 'messenger' });
      }
    },
  };
  return adapter;
}

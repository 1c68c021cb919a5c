/**
 * WhatsApp (Cloud API) and Facebook Messenger: Meta's two messaging channels, one adapter each,
 * sharing the webhook checks and the Graph API client.
 *
 * ## Settings (environment variables)
 *
 * | variable | channel | what |
 * |---|---|---|
 * | `PARLEY_META_APP_SECRET` | both | the Meta app's secret (App settings → Basic); signs every webhook (`X-Hub-Signature-256`) |
 * | `PARLEY_META_VERIFY_TOKEN` | both | a string you choose and type in the dashboard as the webhook's "Verify token" |
 * | `PARLEY_WHATSAPP_TOKEN` | WhatsApp | an access token with `whatsapp_business_messaging` (a system user's permanent token) |
 * | `PARLEY_WHATSAPP_PHONE_NUMBER_ID` | WhatsApp | the sending number's "Phone number ID" (WhatsApp → API Setup), not the number itself |
 * | `PARLEY_MESSENGER_PAGE_TOKEN` | Messenger | the Page access token (with `pages_messaging`) of the Page the bot answers for |
 * | `PARLEY_META_GRAPH_URL` | both | optional; the Graph API with its version, default `https://graph.facebook.com/v21.0` |
 *
 * A channel whose variables are not all set is off, and the server names the missing ones at start.
 *
 * ## In the Meta app dashboard
 *
 * - WhatsApp → Configuration → Webhook: callback URL `https://<your host>/v1/channels/whatsapp/webhook`,
 *   verify token = `PARLEY_META_VERIFY_TOKEN`; then subscribe to the webhook field `messages`.
 * - Messenger → Settings → Webhooks: callback URL `https://<your host>/v1/channels/messenger/webhook`,
 *   the same verify token; add the Page and subscribe it to the fields `messages` and `messaging_postbacks`.
 *
 * Meta verifies the callback with a GET handshake (`hub.mode=subscribe`, `hub.verify_token`,
 * `hub.challenge`): Parley must be running and reachable over HTTPS when you press "Verify and save".
 *
 * ## What to expect
 *
 * - Text is read as text; a pressed reply button, list row, quick reply or postback as its payload.
 *   Images, audio, stickers, locations and reactions are not read. Delivery and read receipts and
 *   Messenger echoes are ignored. A redelivered webhook is recognised by its message id (`wamid…` / `mid`).
 * - WhatsApp shows up to 3 buttons as reply buttons and 4–10 as a list; Messenger up to 13 as quick
 *   replies. Cards, images, links and charts are sent as their plain-text fallbacks.
 * - Meta only lets a business answer within 24 hours of the person's last message (WhatsApp code
 *   131047, Messenger's standard messaging window); a reply refused for that is not retried.
 */
export { whatsappChannel, WHATSAPP_WEBHOOK_PATH } from './whatsapp-channel.js';
export { messengerChannel, MESSENGER_WEBHOOK_PATH } from './messenger-channel.js';
export { DEFAULT_GRAPH_URL, type MetaChannelOptions } from './settings.js';
export { metaSignature, verifyMetaSignature } from './verification.js';

import { z } from 'zod';
import type { ChannelInbound, InboundChannelMessage } from '../../core/index.js';

/**
 * Parses a VERIFIED Slack request (see slack-signature.ts) into Parley's normalised messages.
 *
 * - `url_verification` (sent when the Request URL is saved): answered with the challenge.
 * - `event_callback` carrying a `message` or `app_mention` written by a person: one message.
 *   Bot messages (`bot_id`, the app's own bot user) and edits, deletions, joins and other
 *   subtypes are acknowledged and ignored.
 * - Interactivity (`payload=<json>`, form-encoded) of type `block_actions`: each pressed button
 *   becomes a message whose text is the button's value (the payload Parley gave it).
 * - Anything else Slack may send (other event types, other interaction types, `app_rate_limited`)
 *   is acknowledged with 200 and nothing recorded.
 *
 * Redeliveries need nothing here: Slack retries an event (with `X-Slack-Retry-Num` and
 * `X-Slack-Retry-Reason`) when it got no 2xx within 3 s, and the retry carries the same envelope,
 * so it parses to the same message id and the inbox's unique key drops it.
 *
 * A message's id is `<channel>:<ts>` rather than the envelope's `event_id`: an app subscribed to
 * both `message.channels` and `app_mention` gets TWO events (two event_ids) for one message that
 * mentions it; both carry the message's `ts`, so the inbox keeps one and the bot answers once.
 * Retries of either event carry the same `ts` too.
 */

/** The text of a Slack message: `&`, `<` and `>` arrive escaped. */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Joins a channel and an optional thread into a Parley address: `C123` or `C123:1700000000.000100`. */
export function slackAddress(channel: string, threadTs: string | undefined): string {
  return threadTs === undefined || threadTs === '' ? channel : `${channel}:${threadTs}`;
}

/** Splits an address made by {@link slackAddress}. Slack ids never contain a colon. */
export function parseSlackAddress(address: string): { readonly channel: string; readonly threadTs?: string } {
  const split = address.indexOf(':');
  if (split === -1) return { channel: address };
  return { channel: address.slice(0, split), threadTs: address.slice(split + 1) };
}

const nonEmpty = z.string().min(1);

const envelopeSchema = z.object({ type: nonEmpty });

const urlVerificationSchema = z.object({ type: z.literal('url_verification'), challenge: nonEmpty.max(1000) });

const eventCallbackSchema = z.object({
  type: z.literal('event_callback'),
  event_id: nonEmpty,
  event: z.object({ type: nonEmpty }).loose(),
  authorizations: z.array(z.object({ user_id: z.string().optional(), is_bot: z.boolean().optional() })).optional(),
});

/** The fields a person's message has; checked only once bot messages and subtypes are set aside. */
const humanMessageSchema = z.object({
  type: z.enum(['message', 'app_mention']),
  channel: nonEmpty,
  user: nonEmpty,
  text: z.string(),
  ts: nonEmpty,
  thread_ts: nonEmpty.optional(),
});

/** Message subtypes a person writes; every other subtype (bot_message, message_changed, channel_join, …) is not a new message. */
const humanSubtypes = new Set(['thread_broadcast', 'file_share', 'me_message']);

const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: nonEmpty }),
  channel: z.object({ id: nonEmpty }).optional(),
  container: z.object({ channel_id: nonEmpty.optional(), thread_ts: nonEmpty.optional() }).optional(),
  message: z.object({ ts: nonEmpty.optional(), thread_ts: nonEmpty.optional() }).optional(),
  actions: z.array(z.object({ type: nonEmpty, action_ts: nonEmpty.optional(), value: z.string().optional() }).loose()),
});

/** The ids of `<@U…>` and `<@U…|name>` mentions at the start of a message, with what follows them. */
const leadingMention = /^\s*<@([A-Z0-9]+)(?:\|[^>]*)?>[\s,:]*/;

const nothing: ChannelInbound = { kind: 'messages', messages: [] };

function invalid(message: string): ChannelInbound {
  return { kind: 'rejected', status: 400, code: 'PARLEY_CHANNEL_PAYLOAD_INVALID', message };
}

/** Parses a verified request body; `contentType` is the request's Content-Type header. */
export function parseSlackBody(rawBody: Buffer, contentType: string | undefined): ChannelInbound {
  const body = rawBody.toString('utf8');
  const form = (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded') || body.startsWith('payload=');
  if (form) return parseInteraction(new URLSearchParams(body));
  const json = parseJson(body);
  if (json === undefined) return invalid('the Slack request body is not JSON');
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return invalid('the Slack request body has no "type"');
  switch (envelope.data.type) {
    case 'url_verification': {
      const verification = urlVerificationSchema.safeParse(json);
      if (!verification.success) return invalid('the url_verification request has no challenge');
      return { kind: 'answer', answer: { status: 200, contentType: 'text/plain; charset=utf-8', body: verification.data.challenge } };
    }
    case 'event_callback':
      return parseEventCallback(json);
    default:
      return nothing;
  }
}

function parseEventCallback(json: unknown): ChannelInbound {
  const parsed = eventCallbackSchema.safeParse(json);
  if (!parsed.success) return invalid('the event_callback has no event_id or event');
  const { event, authorizations } = parsed.data;
  if (event.type !== 'message' && event.type !== 'app_mention') return nothing;
  // Other apps' messages, our own replies (they come back as message events), edits, deletions, joins.
  if (event['bot_id'] !== undefined && event['bot_id'] !== null) return nothing;
  const subtype = event['subtype'];
  if (subtype !== undefined && !(typeof subtype === 'string' && humanSubtypes.has(subtype))) return nothing;
  const botUsers = new Set((authorizations ?? []).flatMap((authorization) => (authorization.is_bot === true && authorization.user_id ? [authorization.user_id] : [])));
  if (typeof event['user'] === 'string' && botUsers.has(event['user'])) return nothing;

  const message = humanMessageSchema.safeParse(event);
  if (!message.success) return invalid(`the ${event.type} event lacks its channel, user, text or ts`);
  const { channel, user, ts, thread_ts: threadTs } = message.data;
  let text = message.data.text;
  const mention = leadingMention.exec(text);
  // The app's own mention says who is addressed, not what is asked. An app_mention always mentions
  // the app; in a plain message only a mention of the app's bot user is dropped.
  if (mention && (message.data.type === 'app_mention' || botUsers.has(mention[1] ?? ''))) text = text.slice(mention[0].length);
  text = unescapeSlackText(text).trim();
  if (text === '') return nothing;
  const inbound: InboundChannelMessage = { messageId: `${channel}:${ts}`, address: slackAddress(channel, threadTs), userId: user, text };
  return { kind: 'messages', messages: [inbound] };
}

function parseInteraction(form: URLSearchParams): ChannelInbound {
  const payloadText = form.get('payload');
  // Slack's periodic certificate check for slash commands: nothing to record.
  if (payloadText === null) return form.has('ssl_check') ? nothing : invalid('the form-encoded Slack request has no payload');
  const json = parseJson(payloadText);
  if (json === undefined) return invalid('the interactivity payload is not JSON');
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return invalid('the interactivity payload has no "type"');
  if (envelope.data.type !== 'block_actions') return nothing;
  const parsed = blockActionsSchema.safeParse(json);
  if (!parsed.success) return invalid('the block_actions payload lacks its user or actions');
  const { user, channel, container, message } = parsed.data;
  const channelId = channel?.id ?? container?.channel_id;
  // A button on a modal or the app home has no conversation to answer in.
  if (channelId === undefined) return nothing;
  const address = slackAddress(channelId, message?.thread_ts ?? container?.thread_ts);
  const messages = parsed.data.actions.flatMap((action): InboundChannelMessage[] => {
    if (action.type !== 'button' || action.action_ts === undefined || action.value === undefined || action.value.trim() === '') return [];
    return [{ messageId: `action:${action.action_ts}`, address, userId: user.id, text: action.value }];
  });
  return { kind: 'messages', messages };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

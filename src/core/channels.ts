import type { OutgoingMessage } from './messages.js';

/**
 * The one interface every messaging channel (Slack, Telegram, WhatsApp, Messenger, Twilio, …)
 * implements. An adapter knows its platform and nothing of Parley's insides:
 *
 * 1. `handle` verifies a webhook request against the raw bytes (signature, token, timestamp) and
 *    parses it into normalised messages — or into the answer a handshake wants;
 * 2. the server records each message in the inbox, deduplicated on the platform's message id, and
 *    answers the platform at once (the turn runs after the answer);
 * 3. the delivery worker hands each reply to `send`, which degrades rich elements to what the
 *    platform shows and throws (with retry hints) when the platform refuses.
 */

/** A webhook request as it arrived, before any parsing. */
export interface ChannelRequest {
  readonly method: 'GET' | 'POST';
  /** The full URL the platform called (scheme, host and path as the platform sees them; Twilio signs it). */
  readonly url: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly rawBody: Buffer;
}

/** What the server answers the platform. */
export interface ChannelAnswer {
  readonly status: number;
  readonly contentType?: string;
  readonly body?: string;
}

/** One message from a platform, normalised. */
export interface InboundChannelMessage {
  /** The platform's id of this message or event: a redelivery carries the same one and is ignored. */
  readonly messageId: string;
  /**
   * Where replies go on the platform, and what one Parley conversation is: a Slack channel (and
   * thread), a Telegram chat, a WhatsApp phone number, a Messenger user, an SMS sender.
   */
  readonly address: string;
  /** The platform's id of the person who wrote. */
  readonly userId: string;
  /** The text, or a pressed button's payload. */
  readonly text: string;
}

export type ChannelInbound =
  /** A handshake or a challenge: answer it, record nothing. */
  | { readonly kind: 'answer'; readonly answer: ChannelAnswer }
  /** Verified messages (possibly none, e.g. a delivery receipt); `answer` defaults to 200 with an empty body. */
  | { readonly kind: 'messages'; readonly messages: readonly InboundChannelMessage[]; readonly answer?: ChannelAnswer }
  /**
   * Refused: 401/403 when verification fails (nothing is recorded), 400 for a verified payload
   * that cannot be parsed (logged, redacted). `code` is a stable PARLEY_CHANNEL_* code.
   */
  | { readonly kind: 'rejected'; readonly status: 400 | 401 | 403; readonly code: string; readonly message: string };

/** A reply to deliver. */
export interface ChannelDelivery {
  /** The outbox entry id: stable across retries, so an adapter can pass it as an idempotency key. */
  readonly id: string;
  readonly address: string;
  readonly message: OutgoingMessage;
}

/** Thrown by `send` to steer the retry: see DeliveryFailureHints in ports.ts. */
export class ChannelSendError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ChannelSendError';
  }
}

export interface ChannelAdapter {
  /** The channel's name in conversations and events: `slack`, `telegram`, `whatsapp`, … */
  readonly name: string;
  /** The webhook's path, e.g. `/v1/channels/slack/events`. */
  readonly path: string;
  /** GET for a subscription handshake (Meta), POST for events. */
  readonly methods: readonly ('GET' | 'POST')[];
  /** The largest webhook body the platform sends (Meta: about 3 MB). */
  readonly maxBodyBytes: number;
  /** Buttons beyond what the platform shows become numbered choices, and a reply "2" picks the second. */
  readonly numberedChoices: boolean;
  handle(request: ChannelRequest): ChannelInbound | Promise<ChannelInbound>;
  send(delivery: ChannelDelivery): Promise<void>;
}

/** A channel whose settings are missing: it is off, and the server says so at start. */
export interface ChannelOff {
  readonly off: true;
  readonly name: string;
  /** The environment variables it needs that are not set. */
  readonly missing: readonly string[];
}

/** What a channel factory returns for the environment it is given. */
export type ChannelSetup = ChannelAdapter | ChannelOff;

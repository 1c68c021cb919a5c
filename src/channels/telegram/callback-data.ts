import { createHash } from 'node:crypto';

/**
 * A button's payload as Telegram's `callback_data` (1–64 bytes), and back.
 *
 * A payload of at most 64 bytes is sent as it is. A longer one (Parley allows 1000 characters) is
 * sent as a token, `p:` and the base64url SHA-256 of the payload (45 bytes): the same payload
 * always gives the same token, in every process. The adapter remembers token → payload in a
 * bounded map (least recently used dropped first), so a press within the same process gives the
 * payload back. A token it does not know (after a restart, on another instance, or dropped from
 * the map) cannot be turned back into the payload; the adapter then uses the pressed button's
 * title, which Telegram sends along with the message the keyboard was on, so the press reaches
 * the bot as if the user had typed the title (see `telegram-update.ts`).
 *
 * A short payload that itself starts with `p:` is sent as a token too, so every `callback_data`
 * starting with `p:` is a token and never a payload.
 */

export const CALLBACK_DATA_MAX_BYTES = 64;
export const TOKEN_PREFIX = 'p:';
const DEFAULT_CAPACITY = 10_000;

export type DecodedCallbackData =
  | { readonly kind: 'payload'; readonly payload: string }
  /** A token this process does not know. */
  | { readonly kind: 'unknown-token'; readonly token: string };

export class CallbackPayloads {
  private readonly payloads = new Map<string, string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  encode(payload: string): string {
    if (Buffer.byteLength(payload, 'utf8') <= CALLBACK_DATA_MAX_BYTES && !payload.startsWith(TOKEN_PREFIX)) return payload;
    const token = TOKEN_PREFIX + createHash('sha256').update(payload, 'utf8').digest('base64url');
    this.remember(token, payload);
    return token;
  }

  decode(data: string): DecodedCallbackData {
    if (!data.startsWith(TOKEN_PREFIX)) return { kind: 'payload', payload: data };
    const payload = this.payloads.get(data);
    if (payload === undefined) return { kind: 'unknown-token', token: data };
    this.remember(data, payload);
    return { kind: 'payload', payload };
  }

  private remember(token: string, payload: string): void {
    // Re-inserting moves the token to the end: the map's order is the order of last use.
    this.payloads.delete(token);
    this.payloads.set(token, payload);
    while (this.payloads.size > this.capacity) {
      const oldest = this.payloads.keys().next();
      if (oldest.done === true) break;
      this.payloads.delete(oldest.value);
    }
  }
}

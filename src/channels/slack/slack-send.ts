import { ChannelSendError, type ChannelDelivery } from '../../core/index.js';
import { slackPostMessageBody } from './slack-blocks.js';
import { parseSlackAddress } from './slack-inbound.js';

/**
 * Delivers one reply with the Web API's `chat.postMessage`, and turns each way it can fail into a
 * ChannelSendError the delivery worker understands:
 *
 * - HTTP 429: retry after the `Retry-After` seconds Slack asks for;
 * - a network error, no answer within the timeout, a 3xx, 408 or 5xx: retry with backoff;
 * - HTTP 200 with `{ ok: false, error }`: `ratelimited` and Slack's own transient errors
 *   (`internal_error`, `fatal_error`, `service_unavailable`, `request_timeout`) are retried; every
 *   other error (`channel_not_found`, `not_in_channel`, `is_archived`, `invalid_auth`,
 *   `account_inactive`, `token_revoked`, `msg_too_long`, `invalid_blocks`, …) cannot get better by
 *   sending the same request again and is permanent;
 * - any other 4xx: permanent.
 *
 * `chat.postMessage` takes no idempotency key, so delivery is at least once: a reply whose answer
 * was lost (a timeout after Slack posted it) is posted again when retried.
 * Error messages carry Slack's error code, never the token or the message.
 */

export const SLACK_SEND_TIMEOUT_MS = 10_000;

const retryableSlackErrors = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export interface SlackSenderOptions {
  /** The Web API's base, e.g. `https://slack.com/api` (no trailing slash). */
  readonly apiUrl: string;
  readonly botToken: string;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly timeoutMs?: number;
}

export function createSlackSender(options: SlackSenderOptions): (delivery: ChannelDelivery) => Promise<void> {
  const timeoutMs = options.timeoutMs ?? SLACK_SEND_TIMEOUT_MS;
  const endpoint = `${options.apiUrl}/chat.postMessage`;

  return async (delivery) => {
    const { channel, threadTs } = parseSlackAddress(delivery.address);
    const body = JSON.stringify(slackPostMessageBody(channel, threadTs, delivery.message));
    let response: Response;
    let text: string;
    try {
      // One deadline for the answer and its body.
      const signal = AbortSignal.timeout(timeoutMs);
      response = await options.fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.botToken}`, 'content-type': 'application/json; charset=utf-8' },
        body,
        // A redirect is reported, not followed: the token would go where it points.
        redirect: 'manual',
        signal,
      });
      text = await response.text();
    } catch (error) {
      throw new ChannelSendError(`slack chat.postMessage: ${describeFetchFailure(error, timeoutMs)}`);
    }

    const status = response.status;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.now());
    if (status === 429) throw new ChannelSendError('slack chat.postMessage answered HTTP 429 (rate limited)', false, retryAfterMs);
    if (status < 200 || status > 299) {
      const permanent = status >= 400 && status <= 499 && status !== 408;
      throw new ChannelSendError(`slack chat.postMessage answered HTTP ${status}`, permanent, status === 503 ? retryAfterMs : undefined);
    }
    const answer = parseAnswer(text);
    if (answer === undefined) throw new ChannelSendError('slack chat.postMessage answered HTTP 200 without a Slack API answer');
    if (answer.ok === true) return;
    const error = typeof answer.error === 'string' && /^[a-z0-9_]{1,100}$/.test(answer.error) ? answer.error : 'unknown_error';
    const retryable = retryableSlackErrors.has(error);
    throw new ChannelSendError(`slack chat.postMessage answered ${error}`, !retryable, retryable ? retryAfterMs : undefined);
  };
}

function parseAnswer(text: string): { readonly ok?: unknown; readonly error?: unknown } | undefined {
  try {
    const json = JSON.parse(text) as unknown;
    return typeof json === 'object' && json !== null && 'ok' in json ? (json as { ok?: unknown; error?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** Milliseconds a `Retry-After` header asks to wait: delay-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d{1,9}$/.test(value)) return Number(value) * 1000;
  if (!/^[A-Za-z]{3},? /.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Why no answer came, without the URL or the token. */
function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  return code === undefined ? 'the request failed' : `the request failed (${code})`;
}

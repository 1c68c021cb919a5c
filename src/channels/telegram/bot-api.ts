import { ChannelSendError } from '../../core/index.js';

/**
 * One Bot API call: `POST ${api}/bot<token>/<method>` with a JSON body, answered with
 * `{ ok: true, result }` or `{ ok: false, error_code, description, parameters }`. A refusal
 * becomes a ChannelSendError that steers the delivery worker:
 *
 * - 429 → retry no sooner than `parameters.retry_after` seconds (or the Retry-After header);
 * - 5xx, a network error, a timeout, a redirect → retry with backoff;
 * - 401 and 404 (Telegram's answers to a wrong or revoked bot token) → retry: the token is an
 *   operator's setting, not a property of the message, and the reply should go out once it is
 *   fixed (the worker still gives up after its last attempt);
 * - any other 4xx (400 `chat not found`, 403 `bot was blocked by the user`, a group upgraded to a
 *   supergroup, …) → give up at once: sending the same message again cannot succeed.
 *
 * Error messages carry the method, the status and Telegram's description, never the URL (it holds
 * the token).
 */

export const BOT_API_TIMEOUT_MS = 10_000;

export interface BotApi {
  call(method: string, params: object): Promise<unknown>;
}

interface BotApiFailure {
  readonly ok?: unknown;
  readonly error_code?: unknown;
  readonly description?: unknown;
  readonly parameters?: { readonly retry_after?: unknown };
}

export function createBotApi(options: { readonly apiUrl: string; readonly token: string; readonly fetch: typeof globalThis.fetch; readonly timeoutMs?: number }): BotApi {
  const base = `${options.apiUrl.replace(/\/+$/, '')}/bot${options.token}/`;
  const timeoutMs = options.timeoutMs ?? BOT_API_TIMEOUT_MS;
  return {
    async call(method, params) {
      let response: Response;
      let text: string;
      try {
        response = await options.fetch(base + method, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(params),
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        throw new ChannelSendError(`telegram ${method}: ${describeFetchFailure(error, timeoutMs)}`, false);
      }
      const body = parseBody(text);
      const status = response.status;
      if (status >= 200 && status <= 299 && body?.ok !== false) {
        return body !== undefined && 'result' in body ? (body as { result: unknown }).result : undefined;
      }
      const description = typeof body?.description === 'string' ? body.description : undefined;
      const what = `telegram ${method} answered HTTP ${status}${description === undefined ? '' : `: ${description}`}`;
      if (status === 429) {
        const retryAfter = body?.parameters?.retry_after;
        const retryAfterMs = typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : retryAfterHeader(response.headers.get('retry-after'));
        throw new ChannelSendError(what, false, retryAfterMs);
      }
      const permanent = status >= 400 && status <= 499 && status !== 401 && status !== 404 && status !== 408;
      throw new ChannelSendError(permanent ? `${what}; the delivery is given up` : what, permanent);
    },
  };
}

function parseBody(text: string): BotApiFailure | undefined {
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null ? (json as BotApiFailure) : undefined;
  } catch {
    return undefined;
  }
}

function retryAfterHeader(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : undefined;
}

/** Why no answer came, without the URL. */
function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  return code === undefined ? 'the request failed' : `the request failed (${code})`;
}

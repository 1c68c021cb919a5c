import { ParleyError, type ChannelOff, type Environment } from '../../core/index.js';

/** Meta's Graph API, version included, when `PARLEY_META_GRAPH_URL` is not set. */
export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com/v21.0';

/** How long one call to the Graph API may take, answer included. */
export const GRAPH_TIMEOUT_MS = 10_000;

/** Meta batches events: one webhook POST can carry many entries and be up to about 3 MB. */
export const META_MAX_BODY_BYTES = 3 * 1024 * 1024;

/** What a Meta channel factory takes besides the environment. */
export interface MetaChannelOptions {
  /** The fetch used to call the Graph API (tests pass their own). */
  readonly fetch?: typeof fetch;
  /** Per-call deadline; 10 s unless a test says otherwise. */
  readonly timeoutMs?: number;
}

/**
 * The named variables' values, or the channel switched off with the names that are unset or
 * empty. A value never appears in what this returns or throws.
 */
export function readRequired<const N extends string>(env: Environment, channel: string, names: readonly N[]): Record<N, string> | ChannelOff {
  const values = {} as Record<N, string>;
  const missing: string[] = [];
  for (const name of names) {
    const value = env[name]?.trim();
    if (value === undefined || value === '') missing.push(name);
    else values[name] = value;
  }
  return missing.length > 0 ? { off: true, name: channel, missing } : values;
}

/**
 * The Graph API base (`PARLEY_META_GRAPH_URL`, default {@link DEFAULT_GRAPH_URL}) without a
 * trailing slash. A set value that is not an http(s) address is a configuration error.
 */
export function graphBaseUrl(env: Environment): string {
  const raw = env.PARLEY_META_GRAPH_URL?.trim();
  if (raw === undefined || raw === '') return DEFAULT_GRAPH_URL;
  const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.search !== '' || parsed.hash !== '') {
    throw new ParleyError('PARLEY_CONFIG_INVALID', 'PARLEY_META_GRAPH_URL must be an http(s) address such as https://graph.facebook.com/v21.0, without a query');
  }
  return raw.replace(/\/+$/, '');
}

import { Buffer } from 'node:buffer';
import { expandVariables, readVariable, type Environment, type HttpConnectorConfig, type HttpOperation } from '../core/index.js';

/**
 * Turning bot.yaml's description of an HTTP connector into requests: the base URL and auth
 * headers once, at start (from the environment), and one request per call (from its arguments).
 */

export type { Environment } from '../core/index.js';

/** What a connector needs from the environment, resolved once. Never logged: it holds secrets. */
export interface HttpConnectionSettings {
  /** Origin and path prefix, without a trailing slash. */
  readonly prefix: string;
  /** Query parameters written in base_url (kept on every request). */
  readonly baseQuery: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** RFC 9110 token: what a header name may be made of. */
export const headerNamePattern = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Reads base_url and auth from the environment. Problems name the connector and the variable,
 * never a value, so they are safe to print.
 */
export function resolveConnectionSettings(
  name: string,
  config: Pick<HttpConnectorConfig, 'base_url' | 'auth'>,
  env: Environment,
): { readonly settings: HttpConnectionSettings; readonly problems: readonly [] } | { readonly problems: readonly string[] } {
  const problems: string[] = [];
  const owner = `connector "${name}"`;
  const read = (variable: string, field: string): string | undefined => readVariable(env, owner, variable, field, problems);
  const expanded = expandVariables(config.base_url, env, owner, 'base_url', problems).text;

  const headers: Record<string, string> = {};
  const auth = config.auth;
  if (auth?.type === 'bearer') {
    const token = read(auth.token_env, 'auth.token_env');
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
  } else if (auth?.type === 'header') {
    if (!headerNamePattern.test(auth.header)) problems.push(`connector "${name}": auth.header "${auth.header}" is not a valid HTTP header name`);
    const value = read(auth.value_env, 'auth.value_env');
    if (value !== undefined) headers[auth.header.toLowerCase()] = value;
  } else if (auth?.type === 'basic') {
    const username = read(auth.username_env, 'auth.username_env');
    const password = read(auth.password_env, 'auth.password_env');
    if (username?.includes(':')) problems.push(`connector "${name}": the user name in ${auth.username_env} contains ":", which basic auth cannot carry`);
    else if (username !== undefined && password !== undefined) headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  if (problems.length > 0) return { problems };
  let url: URL;
  try {
    url = new URL(expanded);
  } catch {
    // The expanded URL may hold a secret (an API key in the query): only the template is shown.
    return { problems: [`connector "${name}": base_url "${config.base_url}" is not a valid URL once expanded`] };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`connector "${name}": base_url must start with http:// or https://`);
  if (url.username !== '' || url.password !== '') problems.push(`connector "${name}": base_url must not contain credentials; use "auth" with environment variables`);
  if (url.hash !== '') problems.push(`connector "${name}": base_url must not contain a #fragment`);
  if (problems.length > 0) return { problems };
  return { settings: { prefix: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, baseQuery: url.search.slice(1), headers }, problems: [] };
}

export interface PlannedRequest {
  readonly method: HttpOperation['method'];
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

const bodyMethods = new Set<HttpOperation['method']>(['POST', 'PUT', 'PATCH']);

/**
 * The request for one call. Path placeholders are filled with URL-encoded arguments; other
 * arguments go to the query string (GET, DELETE) or a JSON body (POST, PUT, PATCH).
 * `missing` names a placeholder whose argument is absent or empty, or would make a `.`/`..`
 * path segment: such a call cannot name a record, and no request is made.
 */
export function planRequest(
  settings: HttpConnectionSettings,
  operation: Pick<HttpOperation, 'method' | 'path'>,
  args: Readonly<Record<string, string>>,
): PlannedRequest | { readonly missing: string } {
  const used = new Set<string>();
  let missing: string | undefined;
  const fill = (template: string): string =>
    template.replace(/\{([^{}]+)\}/g, (_match, name: string) => {
      used.add(name);
      const value = Object.hasOwn(args, name) ? args[name] : undefined;
      if (value === undefined || value === '') {
        missing ??= name;
        return '';
      }
      return encodeURIComponent(value);
    });

  const queryAt = operation.path.indexOf('?');
  const pathTemplate = queryAt === -1 ? operation.path : operation.path.slice(0, queryAt);
  const queryTemplate = queryAt === -1 ? '' : operation.path.slice(queryAt + 1);
  const segments = pathTemplate.split('/').map((segment) => {
    const filled = fill(segment);
    // "." and ".." would be resolved away by the URL parser: a user's "../admin" must not escape the path.
    if (filled !== segment && (filled === '.' || filled === '..')) missing ??= segment.replace(/^.*?\{([^{}]+)\}.*$/, '$1');
    return filled;
  });
  const query = new URLSearchParams(settings.baseQuery);
  for (const [name, value] of new URLSearchParams(fill(queryTemplate))) query.append(name, value);
  if (missing !== undefined) return { missing };

  const rest = Object.entries(args).filter(([name]) => !used.has(name));
  const headers: Record<string, string> = { accept: 'application/json', ...settings.headers };
  let body: string | undefined;
  if (bodyMethods.has(operation.method)) {
    body = JSON.stringify(Object.fromEntries(rest));
    headers['content-type'] = 'application/json';
  } else {
    for (const [name, value] of rest) query.append(name, value);
  }
  const search = query.toString();
  const url = `${settings.prefix}${segments.join('/')}${search === '' ? '' : `?${search}`}`;
  return body === undefined ? { method: operation.method, url, headers } : { method: operation.method, url, headers, body };
}

import type { ConnectorConfig, Located } from './bot-model.js';
import type { BotProblem } from './bot-problem.js';
import { problemAt } from './problem-at.js';

type HttpConnectorConfig = Extract<ConnectorConfig, { readonly type: 'http' }>;

/** RFC 9110 token: what a header name may be made of. */
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * What can be known about an HTTP connector without its environment: `${NAME}` references are
 * well-formed, the URL around them is http(s), the auth header is a header name. Whether the
 * variables are set is checked when the connectors start, where the environment is.
 */
export function checkHttpConnector(name: string, connector: Located<HttpConnectorConfig>): BotProblem[] {
  const problems: BotProblem[] = [];
  const { file, path, value } = connector;
  const baseUrl = value.base_url;
  for (const match of baseUrl.matchAll(/\$\{([^}]*)\}/g)) {
    if (!/^[A-Z_][A-Z0-9_]*(:-.*)?$/.test(match[1]!)) {
      problems.push(
        problemAt('error', file, [...path, 'base_url'], {
          message: `connector "${name}": base_url refers to the environment as "${match[0]}"`,
          hint: 'name an environment variable in upper case, e.g. ${ORDERS_API_URL}, or give it a default: ${ORDERS_API_URL:-http://localhost:8080}',
        }),
      );
    }
  }
  const unclosed = baseUrl.replace(/\$\{[^}]*\}/g, '').includes('${');
  if (unclosed) {
    problems.push(
      problemAt('error', file, [...path, 'base_url'], {
        message: `connector "${name}": base_url has a "\${" without its closing "}"`,
        hint: 'write environment variables as ${NAME}',
      }),
    );
  }
  // A URL that starts with a variable can be anything once expanded: only the start makes it checkable.
  if (problems.length === 0 && !baseUrl.startsWith('${')) {
    const sample = baseUrl.replace(/\$\{[^}]*\}/g, 'x');
    let url: URL | undefined;
    try {
      url = new URL(sample);
    } catch {
      url = undefined;
    }
    if (url !== undefined && (url.username !== '' || url.password !== '')) {
      problems.push(
        problemAt('error', file, [...path, 'base_url'], {
          message: `connector "${name}": base_url contains a user name or password`,
          hint: 'keep secrets out of bot.yaml: use "auth" with the names of environment variables',
        }),
      );
    } else if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
      problems.push(
        problemAt('error', file, [...path, 'base_url'], {
          message: `connector "${name}": base_url "${baseUrl}" is not an http(s) URL`,
          hint: 'write the full address of the service, e.g. https://orders.example.com/api or ${ORDERS_API_URL}',
        }),
      );
    }
  }
  if (value.auth?.type === 'header' && !headerName.test(value.auth.header)) {
    problems.push(
      problemAt('error', file, [...path, 'auth', 'header'], {
        message: `connector "${name}": "${value.auth.header}" is not an HTTP header name`,
        hint: 'use letters, digits and dashes, e.g. X-Api-Key',
      }),
    );
  }
  return problems;
}

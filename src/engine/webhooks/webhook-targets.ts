import { ParleyError, eventTypes, expandVariables, readVariable, type BotConfig, type Environment } from '../../core/index.js';

/**
 * bot.yaml's `webhooks` made ready to send: `${NAME}` in each url and the signing secret read from
 * the environment. Problems name the webhook and the variable, never a value, so they are safe to
 * print; a bot with a problem does not start (or is not swapped in by a reload).
 */

/** One webhook, resolved. Holds a secret: never logged, never put in an error message. */
export interface WebhookTarget {
  readonly name: string;
  readonly url: string;
  readonly secret: string;
  readonly timeoutMs: number;
}

export type WebhookTargets = ReadonlyMap<string, WebhookTarget>;

const knownEventTypes = new Set<string>(eventTypes);

export function resolveWebhookTargets(
  config: Pick<BotConfig, 'webhooks'>,
  env: Environment,
): { readonly targets: WebhookTargets; readonly problems: readonly [] } | { readonly problems: readonly string[] } {
  const problems: string[] = [];
  const targets = new Map<string, WebhookTarget>();
  const seen = new Set<string>();
  for (const webhook of config.webhooks) {
    const name = webhook.name;
    const before = problems.length;
    const owner = `webhook "${name}"`;
    if (seen.has(name)) problems.push(`webhook "${name}": the name is used twice; give every webhook its own name`);
    seen.add(name);
    for (const type of webhook.events) {
      if (type !== '*' && !knownEventTypes.has(type)) {
        problems.push(`webhook "${name}": events names "${type}", which is not an event type (one of ${eventTypes.join(', ')}, or *)`);
      }
    }
    const secret = readVariable(env, owner, webhook.secret_env, 'secret_env', problems);
    const expanded = expandVariables(webhook.url, env, owner, 'url', problems);
    // A url with a missing part cannot be judged: its variable's problem is reported instead.
    if (!expanded.complete) continue;

    let url: URL;
    try {
      url = new URL(expanded.text);
    } catch {
      // The expanded URL may hold a secret (a token in the query): only the template is shown.
      problems.push(`webhook "${name}": url "${webhook.url}" is not a valid URL once expanded`);
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`webhook "${name}": url must start with https:// or http://`);
    if (url.username !== '' || url.password !== '') {
      problems.push(`webhook "${name}": url must not contain credentials; the receiver checks X-Parley-Signature (or put a token in the query as \${NAME})`);
    }
    if (url.hash !== '') problems.push(`webhook "${name}": url must not contain a #fragment`);
    if (problems.length > before || secret === undefined) continue;
    targets.set(name, { name, url: url.href, secret, timeoutMs: webhook.timeout_ms });
  }
  if (problems.length > 0) return { problems };
  return { targets, problems: [] };
}

/** The same, as an error that stops the start: PARLEY_CONFIG_INVALID listing every problem. */
export function resolveWebhookTargetsOrThrow(config: Pick<BotConfig, 'name' | 'webhooks'>, env: Environment): WebhookTargets {
  const resolved = resolveWebhookTargets(config, env);
  if ('targets' in resolved) return resolved.targets;
  throw new ParleyError('PARLEY_CONFIG_INVALID', `Cannot start the webhooks of bot "${config.name}":\n- ${resolved.problems.join('\n- ')}`, {
    details: { problems: resolved.problems },
  });
}

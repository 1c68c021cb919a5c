import { ParleyError, systemClock, type BotDefinition, type Clock, type ConnectorGateway, type ConnectorResult } from '../core/index.js';
import { staticConnectorHealth, type ConnectorHealth } from './connector-health.js';
import { connectorFailure, createHttpConnector, type HttpConnector } from './http-connector.js';
import { resolveConnectionSettings, type Environment } from './http-request.js';
import { nodeHttpTransport, type HttpTransport } from './http-transport.js';
import { createResponseCache } from './response-cache.js';
import type { RetryTuning } from './retry-policy.js';
import { createStaticConnector, type Connector } from './static-connector.js';

export interface ConnectorGatewayOptions {
  /** Where `${NAME}` in base_url and the auth secrets are read from (default: process.env). */
  readonly env?: Environment;
  /** How requests are sent (default: node:http over keep-alive connections). */
  readonly transport?: HttpTransport;
  readonly clock?: Clock;
  /** Uniform in [0, 1): the jitter of retry delays (default Math.random). */
  readonly random?: () => number;
  /** Waits between retries (default: a timer). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly retry?: Partial<RetryTuning>;
  /** Most answers kept by the response cache, all connectors together (default 1000). */
  readonly cacheMaxEntries?: number;
  /** Largest answer accepted from an HTTP connector (default 1 MiB). */
  readonly maxResponseBytes?: number;
}

export type ObservableConnectorGateway = ConnectorGateway & {
  /** One entry per connector, in bot.yaml order. */
  health(): ConnectorHealth[];
  /** Forgets every circuit, health record and cached answer: each conversation test starts alike. */
  reset(): void;
};

const timerSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The dialogue engine's one door to business systems: every connector bot.yaml declares, by name.
 * A missing environment variable (a base_url part or an auth secret) stops creation with an error
 * naming every such variable — never a value — so a misconfigured bot fails at start, not mid-conversation.
 */
export function createConnectorGateway(bot: Pick<BotDefinition, 'config' | 'connectorData'>, options: ConnectorGatewayOptions = {}): ObservableConnectorGateway {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const cache = createResponseCache({ clock, ...(options.cacheMaxEntries === undefined ? {} : { maxEntries: options.cacheMaxEntries }) });
  const connectors = new Map<string, Connector>();
  const http = new Map<string, HttpConnector>();
  const problems: string[] = [];

  const build = (): void => {
    for (const [name, config] of Object.entries(bot.config.connectors)) {
      if (config.type === 'static') {
        connectors.set(name, createStaticConnector(config, bot.connectorData[name] ?? []));
        continue;
      }
      const resolved = resolveConnectionSettings(name, config, env);
      if (!('settings' in resolved)) {
        problems.push(...resolved.problems);
        continue;
      }
      const connector = createHttpConnector(name, config, {
        settings: resolved.settings,
        transport: options.transport ?? nodeHttpTransport,
        clock,
        random: options.random ?? Math.random,
        sleep: options.sleep ?? timerSleep,
        cache,
        ...(options.retry === undefined ? {} : { retry: options.retry }),
        ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
      });
      connectors.set(name, connector);
      http.set(name, connector);
    }
  };
  build();
  if (problems.length > 0) {
    throw new ParleyError('PARLEY_CONFIG_INVALID', `Cannot start the connectors of bot "${bot.config.name}":\n- ${problems.join('\n- ')}`, {
      details: { problems },
    });
  }

  return {
    async call(connectorName, operation, args): Promise<ConnectorResult> {
      const connector = Object.hasOwn(bot.config.connectors, connectorName) ? connectors.get(connectorName) : undefined;
      if (connector === undefined) return connectorFailure('PARLEY_CONNECTOR_NOT_FOUND', `No connector named "${connectorName}"`);
      try {
        return await connector.call(operation, args);
      } catch (error) {
        // Connectors turn remote failures into results; this is a bug, still not the conversation's problem.
        return connectorFailure('PARLEY_CONNECTOR_FAILED', `${connectorName}.${operation} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    health() {
      return Object.keys(bot.config.connectors).map((name) => http.get(name)?.health() ?? staticConnectorHealth(name));
    },
    reset() {
      connectors.clear();
      http.clear();
      cache.clear();
      build();
    },
  };
}

import type { BotDefinition, ConnectorGateway, ConnectorResult } from '../core/index.js';

/**
 * Connectors answered from data shipped in the bot folder: demos, tests, and small reference
 * tables that do not deserve a service. Networked connectors (HTTP, with timeouts, retries and a
 * circuit breaker) join this gateway in the connection-hub issue.
 */
export function createConnectorGateway(bot: Pick<BotDefinition, 'config' | 'connectorData'>): ConnectorGateway {
  const indexes = new Map<string, Map<string, Record<string, unknown>>>();
  for (const [name, config] of Object.entries(bot.config.connectors)) {
    const byKey = new Map<string, Record<string, unknown>>();
    for (const record of bot.connectorData[name] ?? []) {
      const key = record[config.key];
      if (key !== undefined && key !== null) byKey.set(String(key), record);
    }
    indexes.set(name, byKey);
  }

  return {
    async call(connector, operation, args): Promise<ConnectorResult> {
      const config = bot.config.connectors[connector];
      const index = indexes.get(connector);
      if (!config || !index) {
        return { outcome: 'error', code: 'PARLEY_CONNECTOR_NOT_FOUND', message: `No connector named "${connector}"` };
      }
      if (operation !== 'get') {
        return { outcome: 'error', code: 'PARLEY_CONNECTOR_NOT_FOUND', message: `Static connectors support "get", not "${operation}"` };
      }
      const wanted = args[config.key];
      if (wanted === undefined || wanted === '') return { outcome: 'not-found' };
      const record = index.get(wanted);
      // A copy, so a flow that keeps the record in a slot cannot alter the shared data.
      return record ? { outcome: 'success', data: structuredClone(record) } : { outcome: 'not-found' };
    },
  };
}

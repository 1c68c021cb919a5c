import type { z } from 'zod';
import type { ConnectorResult, staticConnectorSchema } from '../core/index.js';

export type StaticConnectorConfig = z.infer<typeof staticConnectorSchema>;

/** One connector's way to answer a call, whatever its type. */
export interface Connector {
  call(operation: string, args: Readonly<Record<string, string>>): Promise<ConnectorResult>;
}

/**
 * A connector answered from data shipped in the bot folder: demos, tests, and small reference
 * tables that do not deserve a service. Its one operation, `get`, looks a record up by its key.
 */
export function createStaticConnector(config: StaticConnectorConfig, records: readonly Record<string, unknown>[]): Connector {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const record of records) {
    const key = record[config.key];
    // The first record with a key wins, as the bot validator's duplicate-key warning says.
    if (key !== undefined && key !== null && !byKey.has(String(key))) byKey.set(String(key), record);
  }
  return {
    async call(operation, args): Promise<ConnectorResult> {
      if (operation !== 'get') {
        return { outcome: 'error', code: 'PARLEY_CONNECTOR_NOT_FOUND', message: `Static connectors support "get", not "${operation}"` };
      }
      const wanted = args[config.key];
      if (wanted === undefined || wanted === '') return { outcome: 'not-found' };
      const record = byKey.get(wanted);
      // A copy, so a flow that keeps the record in a slot cannot alter the shared data.
      return record ? { outcome: 'success', data: structuredClone(record) } : { outcome: 'not-found' };
    },
  };
}

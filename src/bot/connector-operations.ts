import type { ConnectorConfig } from './bot-model.js';

export interface ConnectorOperation {
  readonly name: string;
  /** Arguments `with` must give. */
  readonly required: readonly string[];
  /** Arguments the operation reads at all; others are ignored at run time. */
  readonly accepted: readonly string[];
  readonly description: string;
}

/** What each connector type can do, as far as a flow's `call: connector.operation` is concerned. */
export function connectorOperations(connector: ConnectorConfig): ConnectorOperation[] {
  switch (connector.type) {
    case 'static':
      return [
        {
          name: 'get',
          required: [connector.key],
          accepted: [connector.key],
          description: `looks up the record whose "${connector.key}" equals the "${connector.key}" argument`,
        },
      ];
  }
}

import type { ConnectorConfig } from './bot-model.js';

export interface ConnectorOperation {
  readonly name: string;
  /** Arguments `with` must give. */
  readonly required: readonly string[];
  /** Arguments the operation reads at all, others being ignored at run time; null when it sends every argument. */
  readonly accepted: readonly string[] | null;
  readonly description: string;
}

/** The `{name}` placeholders of an HTTP operation's path, in order, without repeats. */
export function pathPlaceholders(path: string): string[] {
  return [...new Set([...path.matchAll(/\{([^{}]+)\}/g)].map((match) => match[1]!))];
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
    case 'http':
      return Object.entries(connector.operations).map(([name, operation]) => ({
        name,
        required: pathPlaceholders(operation.path),
        // Arguments not in the path go to the query string or the JSON body: all of them are used.
        accepted: null,
        description: `sends ${operation.method} ${operation.path}, filling {placeholders} from "with"`,
      }));
  }
}

import { posix } from 'node:path';
import type { BotFileReader } from './bot-file-reader.js';
import type { ConnectorConfig, Located } from './bot-model.js';
import { isPlainObject } from './bot-model.js';
import type { BotProblem } from './bot-problem.js';
import { closestName, didYouMean, listNames } from './did-you-mean.js';
import { checkHttpConnector } from './check-http-connector.js';
import { describeValue, quote } from './describe-value.js';
import { placeOf, problemAt } from './problem-at.js';
import type { SourceFile } from './source-file.js';
import { parseSourceFile, sourceTextAt } from './source-file.js';

export type ConnectorRecord = Record<string, unknown>;
type StaticConnectorConfig = Extract<ConnectorConfig, { readonly type: 'static' }>;

export interface ConnectorData {
  readonly records: readonly ConnectorRecord[];
  readonly file: SourceFile;
}

const dataExtensions = ['.yaml', '.yml', '.json'];

/**
 * Reads the data files of static connectors (a connector whose file has errors gets no entry) and
 * checks what can be checked of HTTP connectors before they are called.
 */
export async function loadConnectorData(
  connectors: ReadonlyMap<string, Located<ConnectorConfig>>,
  reader: BotFileReader,
): Promise<{ data: Map<string, ConnectorData>; problems: BotProblem[] }> {
  const data = new Map<string, ConnectorData>();
  const problems: BotProblem[] = [];
  for (const [name, connector] of connectors) {
    const { value } = connector;
    if (value.type === 'http') {
      problems.push(...checkHttpConnector(name, { ...connector, value }));
      continue;
    }
    const loaded = await loadStatic(name, { ...connector, value }, reader, problems);
    if (loaded) data.set(name, loaded);
  }
  return { data, problems };
}

async function loadStatic(
  name: string,
  connector: Located<StaticConnectorConfig>,
  reader: BotFileReader,
  problems: BotProblem[],
): Promise<ConnectorData | undefined> {
  const { file: configFile, value } = connector;
  const filePath = [...connector.path, 'file'];
  const relative = reader.inside(value.file);
  if (relative === null) {
    problems.push(
      problemAt('error', configFile, filePath, {
        message: `connector "${name}": ${quote(value.file)} is outside the bot folder`,
        hint: 'keep data files inside the bot folder, e.g. data/orders.yaml',
      }),
    );
    return undefined;
  }
  if (!dataExtensions.includes(posix.extname(relative).toLowerCase())) {
    problems.push(
      problemAt('error', configFile, filePath, {
        message: `connector "${name}": ${quote(value.file)} is not a YAML or JSON file`,
        hint: `use a file ending in ${dataExtensions.join(', ')}`,
      }),
    );
    return undefined;
  }
  const outcome = await reader.read(relative);
  if (!('text' in outcome)) {
    const siblings = await reader.listFiles(posix.dirname(relative));
    const suggestion = closestName(relative, siblings);
    problems.push(
      problemAt('error', configFile, filePath, {
        message: `connector "${name}": data file ${relative} ${'missing' in outcome ? 'not found' : `cannot be read (${outcome.failure})`}`,
        hint:
          suggestion === undefined
            ? `create ${relative} with a list of records, or fix the path`
            : `did you mean "${suggestion}"? Otherwise create ${relative} with a list of records`,
      }),
    );
    return undefined;
  }
  const parsed = parseSourceFile(relative, outcome.text);
  problems.push(...parsed.problems);
  if (!parsed.file.syntaxOk) return undefined;
  const records = checkRecords(name, value.key, parsed.file, problems);
  return records === undefined ? undefined : { records, file: parsed.file };
}

function checkRecords(name: string, key: string, file: SourceFile, problems: BotProblem[]): ConnectorRecord[] | undefined {
  const isJson = file.path.toLowerCase().endsWith('.json');
  if (!Array.isArray(file.data)) {
    problems.push(
      problemAt('error', file, [], {
        message: `connector "${name}": the data should be a list of records, found ${describeValue(file.data)}`,
        hint: isJson ? `write a JSON array of objects, e.g. [{ "${key}": "10001" }]` : `write one list item per record, e.g. "- ${key}: '10001'"`,
      }),
    );
    return undefined;
  }
  let valid = true;
  const seen = new Map<string, number>();
  file.data.forEach((record: unknown, index) => {
    const path = [index];
    if (!isPlainObject(record)) {
      valid = false;
      problems.push(
        problemAt('error', file, path, {
          message: `connector "${name}": record ${index + 1} should be a mapping of fields, found ${describeValue(record)}`,
          hint: isJson ? `write it as an object: { "${key}": … }` : `write it as "- ${key}: …" followed by its other fields`,
        }),
      );
      return;
    }
    const id = record[key];
    if (id === undefined || id === null) {
      const suggestion = didYouMean(key, Object.keys(record));
      problems.push(
        problemAt('warning', file, path, {
          message: `connector "${name}": record ${index + 1} has no "${key}", so "${name}.get" can never find it`,
          hint: `${suggestion === undefined ? '' : `${suggestion} `}add "${key}" to the record, or change the connector's "key" in bot.yaml (fields here: ${listNames(Object.keys(record))})`,
        }),
      );
      return;
    }
    if (typeof id !== 'string' && typeof id !== 'number') {
      problems.push(
        problemAt('warning', file, [index, key], {
          message: `connector "${name}": "${key}" of record ${index + 1} is ${describeValue(id)}`,
          hint: 'write the key as text or a number: lookups compare it with the text the user gave',
        }),
      );
      return;
    }
    const written = sourceTextAt(file, [index, key]);
    if (typeof id === 'number' && written !== undefined && written !== String(id)) {
      problems.push(
        problemAt('warning', file, [index, key], {
          message: `connector "${name}": "${key}" ${written} is read as the number ${id}`,
          hint: `put it in quotes to keep it exactly as written: "${written}"`,
        }),
      );
    }
    const first = seen.get(String(id));
    if (first === undefined) seen.set(String(id), index);
    else {
      problems.push(
        problemAt('warning', file, [index, key], {
          message: `connector "${name}": "${key}" ${quote(String(id))} appears twice`,
          hint: `"${name}.get" only ever finds the first one (${placeOf(file, [first])}); give each record its own ${key}`,
        }),
      );
    }
  });
  return valid ? (file.data as ConnectorRecord[]) : undefined;
}

import type { z } from 'zod';
import {
  botConfigSchema,
  entitiesFileSchema,
  entitySchema,
  flowSchema,
  flowsFileSchema,
  flowStepSchema,
  intentSchema,
  intentsFileSchema,
  responsesFileSchema,
} from '../core/index.js';
import type { BotConfig, EntityDefinition, FlowDefinition, FlowStep, IntentDefinition, ResponseVariation } from '../core/index.js';
import type { BotProblem } from './bot-problem.js';
import type { BotSources } from './read-bot-sources.js';
import { schemaProblems } from './schema-problems.js';
import { childValue } from './schema-walker.js';
import type { DataPath, SourceFile } from './source-file.js';

/** A validated value and the place it was written, so later checks can point back at it. */
export interface Located<T> {
  readonly value: T;
  readonly file: SourceFile;
  readonly path: DataPath;
}

/** A name as written, valid or not: references to it are not "unknown" even if its definition is broken. */
export interface Declaration {
  readonly name: string;
  readonly file: SourceFile;
  readonly path: DataPath;
}

export type ConnectorConfig = BotConfig['connectors'][string];

export interface FlowParts {
  /** The flow's name, or "#n" when it has none. */
  readonly name: string;
  readonly file: SourceFile;
  readonly path: DataPath;
  readonly trigger: FlowDefinition['trigger'] | undefined;
  readonly steps: readonly { readonly step: FlowStep; readonly index: number }[];
}

/**
 * Everything that passed its schema, plus the names that were declared at all. A name list is
 * null when a file was too broken to read it, and checks against that list are then skipped:
 * better one real problem than a cascade of false "unknown name" ones.
 */
export interface BotModel {
  readonly configFile: SourceFile | null;
  /** Null unless bot.yaml is entirely valid. */
  readonly config: BotConfig | null;
  readonly fallbackResponse: string | undefined;
  readonly errorResponse: string | undefined;
  readonly connectors: ReadonlyMap<string, Located<ConnectorConfig>>;
  readonly intents: readonly Located<IntentDefinition>[];
  readonly entities: readonly Located<EntityDefinition>[];
  readonly flows: readonly Located<FlowDefinition>[];
  /** The valid parts of every flow, valid or not: one broken step must not hide mistakes in the others. */
  readonly flowParts: readonly FlowParts[];
  readonly responses: ReadonlyMap<string, Located<ResponseVariation[]>>;
  readonly declared: {
    readonly intents: readonly Declaration[] | null;
    readonly entities: readonly Declaration[] | null;
    readonly flows: readonly Declaration[] | null;
    readonly responses: ReadonlySet<string> | null;
    readonly connectors: ReadonlySet<string> | null;
    readonly slots: ReadonlySet<string> | null;
  };
}

const connectorSchema = botConfigSchema.shape.connectors.unwrap().valueType;
const variationsSchema = responsesFileSchema.shape.responses.valueType;
const identifierSchema = responsesFileSchema.shape.responses.keyType;

export function buildBotModel(sources: BotSources): { model: BotModel; problems: BotProblem[] } {
  const problems: BotProblem[] = [];
  const { connectorNames, ...config } = readConfig(sources.config, problems);
  const intents = readList(sources.intents, intentsFileSchema, 'intents', intentSchema, problems);
  const entities = readList(sources.entities ? [sources.entities] : [], entitiesFileSchema, 'entities', entitySchema, problems);
  const flows = readList(sources.flows, flowsFileSchema, 'flows', flowSchema, problems);
  const responses = readResponses(sources.responses, problems);
  const model: BotModel = {
    ...config,
    intents: intents.items,
    entities: entities.items,
    flows: flows.items,
    flowParts: readFlowParts(sources.flows),
    responses: responses.items,
    declared: {
      intents: intents.declarations,
      entities: entities.declarations,
      flows: flows.declarations,
      responses: responses.names,
      connectors: connectorNames,
      slots: declaredSlots(sources.flows),
    },
  };
  return { model, problems };
}

type ConfigPart = Pick<BotModel, 'configFile' | 'config' | 'fallbackResponse' | 'errorResponse' | 'connectors'> & {
  readonly connectorNames: ReadonlySet<string> | null;
};

function readConfig(file: SourceFile | null, problems: BotProblem[]): ConfigPart {
  const connectors = new Map<string, Located<ConnectorConfig>>();
  const empty: ConfigPart = { configFile: file, config: null, fallbackResponse: undefined, errorResponse: undefined, connectors, connectorNames: null };
  if (file === null || !file.syntaxOk) return empty;
  problems.push(...schemaProblems(file, botConfigSchema));
  const parsed = botConfigSchema.safeParse(file.data);
  const raw = file.data;
  // Read field by field as well, so a mistake in one part of bot.yaml does not hide checks on the others.
  const fallback = botConfigSchema.shape.fallback.safeParse(childValue(raw, 'fallback'));
  const errorResponse = botConfigSchema.shape.error_response.safeParse(childValue(raw, 'error_response'));
  const rawConnectors = childValue(raw, 'connectors');
  let connectorNames: Set<string> | null = null;
  if (rawConnectors === undefined) connectorNames = new Set();
  else if (isPlainObject(rawConnectors)) {
    connectorNames = new Set(Object.keys(rawConnectors));
    for (const [name, value] of Object.entries(rawConnectors)) {
      const connector = connectorSchema.safeParse(value);
      if (connector.success && identifierSchema.safeParse(name).success) {
        connectors.set(name, { value: connector.data, file, path: ['connectors', name] });
      }
    }
  }
  return {
    configFile: file,
    config: parsed.success ? parsed.data : null,
    fallbackResponse: fallback.success ? fallback.data.response : undefined,
    errorResponse: errorResponse.success ? errorResponse.data : undefined,
    connectors,
    connectorNames,
  };
}

function readList<T>(
  files: readonly SourceFile[],
  fileSchema: z.ZodType,
  listKey: string,
  itemSchema: z.ZodType<T>,
  problems: BotProblem[],
): { items: Located<T>[]; declarations: Declaration[] | null } {
  const items: Located<T>[] = [];
  let declarations: Declaration[] | null = [];
  for (const file of files) {
    if (!file.syntaxOk) {
      declarations = null;
      continue;
    }
    const fileProblems = schemaProblems(file, fileSchema);
    problems.push(...fileProblems);
    const list = childValue(file.data, listKey);
    if (!Array.isArray(list)) {
      // Only a valid file may lack the list (entities.yaml may be just "entities: []" or nothing).
      if (fileProblems.length > 0) declarations = null;
      continue;
    }
    list.forEach((raw: unknown, index) => {
      const path = [listKey, index];
      const name = childValue(raw, 'name');
      if (typeof name === 'string') declarations?.push({ name, file, path });
      const parsed = itemSchema.safeParse(raw);
      if (parsed.success) items.push({ value: parsed.data, file, path });
    });
  }
  return { items, declarations };
}

function readResponses(
  file: SourceFile | null,
  problems: BotProblem[],
): { items: Map<string, Located<ResponseVariation[]>>; names: ReadonlySet<string> | null } {
  const items = new Map<string, Located<ResponseVariation[]>>();
  if (file === null || !file.syntaxOk) return { items, names: null };
  problems.push(...schemaProblems(file, responsesFileSchema));
  const raw = childValue(file.data, 'responses');
  if (!isPlainObject(raw)) return { items, names: null };
  for (const [name, value] of Object.entries(raw)) {
    const parsed = variationsSchema.safeParse(value);
    if (parsed.success) items.set(name, { value: parsed.data, file, path: ['responses', name] });
  }
  return { items, names: new Set(Object.keys(raw)) };
}

function readFlowParts(files: readonly SourceFile[]): FlowParts[] {
  const parts: FlowParts[] = [];
  for (const file of files) {
    const flows = childValue(file.data, 'flows');
    if (!file.syntaxOk || !Array.isArray(flows)) continue;
    flows.forEach((flow: unknown, flowIndex) => {
      const name = childValue(flow, 'name');
      const trigger = flowSchema.shape.trigger.safeParse(childValue(flow, 'trigger'));
      const rawSteps = childValue(flow, 'steps');
      const steps: { step: FlowStep; index: number }[] = [];
      if (Array.isArray(rawSteps)) {
        rawSteps.forEach((rawStep: unknown, index) => {
          const step = flowStepSchema.safeParse(rawStep);
          if (step.success) steps.push({ step: step.data, index });
        });
      }
      parts.push({
        name: typeof name === 'string' ? name : `#${flowIndex + 1}`,
        file,
        path: ['flows', flowIndex],
        trigger: trigger.success ? trigger.data : undefined,
        steps,
      });
    });
  }
  return parts;
}

/** Slots any flow fills: collected, saved from a call, or set. Read from the raw steps, valid or not. */
function declaredSlots(files: readonly SourceFile[]): Set<string> | null {
  const slots = new Set<string>();
  for (const file of files) {
    const flows = childValue(file.data, 'flows');
    if (!file.syntaxOk || !Array.isArray(flows)) return null;
    for (const flow of flows) {
      const steps = childValue(flow, 'steps');
      if (!Array.isArray(steps)) continue;
      for (const step of steps) {
        for (const key of ['collect', 'save_as'] as const) {
          const slot = childValue(step, key);
          if (typeof slot === 'string') slots.add(slot);
        }
        const setByAction = childValue(step, 'sets');
        if (Array.isArray(setByAction)) for (const slot of setByAction) if (typeof slot === 'string') slots.add(slot);
        const assignments = childValue(step, 'set');
        if (isPlainObject(assignments)) for (const slot of Object.keys(assignments)) slots.add(slot);
      }
    }
  }
  return slots;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

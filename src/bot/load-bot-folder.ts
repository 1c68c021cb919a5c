import { stat } from 'node:fs/promises';
import { ParleyError } from '../core/index.js';
import type { BotConfig, BotDefinition, EntityDefinition, FlowDefinition, IntentDefinition, ResponseVariation } from '../core/index.js';
import { BotFileReader } from './bot-file-reader.js';
import { buildBotModel } from './bot-model.js';
import type { BotModel } from './bot-model.js';
import type { BotFolderResult, BotProblem } from './bot-problem.js';
import { hasErrors, sortProblems } from './bot-problem.js';
import { checkDuplicateNames } from './check-declarations.js';
import { checkEntities } from './check-entities.js';
import { checkFlows } from './check-flows.js';
import { checkIntents } from './check-intents.js';
import { checkResponses } from './check-responses.js';
import type { ConnectorData } from './connector-data.js';
import { loadConnectorData } from './connector-data.js';
import { formatProblems, summarizeProblems } from './format-problems.js';
import { loadActions } from './load-actions.js';
import { readBotSources } from './read-bot-sources.js';
import { buildSlotCatalogue } from './slot-catalogue.js';

/**
 * Reads and validates a bot folder, reporting every problem it can find in one pass. The bot is
 * returned only when there is no error; warnings alone do not stop it.
 */
export async function loadBotFolder(dir: string): Promise<BotFolderResult> {
  const folderProblem = await checkFolder(dir);
  if (folderProblem) return { bot: null, problems: [folderProblem] };

  const reader = new BotFileReader(dir);
  const read = await readBotSources(reader);
  const built = buildBotModel(read.sources);
  const { model } = built;
  const connectorData = await loadConnectorData(model.connectors, reader);
  const slots = buildSlotCatalogue(model, connectorData.data);
  const actions = await loadActions(reader);
  const problems = sortProblems([
    ...read.problems,
    ...actions.problems,
    ...built.problems,
    ...connectorData.problems,
    ...checkDuplicateNames(model),
    ...checkIntents(model),
    ...checkEntities(model),
    ...checkFlows(model, slots, actions.names),
    ...checkResponses(model, slots),
    ...checkHasIntents(model),
  ]);
  // A null config always comes with an error; the test is there for the type.
  if (hasErrors(problems) || model.config === null) return { bot: null, problems };
  return { bot: { ...toDefinition(model, model.config, connectorData.data, reader.contentHash()), actions: actions.actions }, problems };
}

/** For start-up: the bot, or a PARLEY_BOT_INVALID error whose message lists every problem. */
export async function loadBotOrThrow(dir: string): Promise<{ bot: BotDefinition; warnings: BotProblem[] }> {
  const { bot, problems } = await loadBotFolder(dir);
  if (bot === null) {
    throw new ParleyError('PARLEY_BOT_INVALID', `Bot folder ${dir} has ${summarizeProblems(problems)}:\n${formatProblems(dir, problems)}`, {
      details: { problems },
    });
  }
  return { bot, warnings: problems.filter((problem) => problem.severity === 'warning') };
}

async function checkFolder(dir: string): Promise<BotProblem | undefined> {
  const place = { severity: 'error', file: '.', line: 1, column: 1 } as const;
  try {
    if ((await stat(dir)).isDirectory()) return undefined;
    return { ...place, message: 'the bot path is a file, not a folder', hint: 'point at the folder that holds bot.yaml' };
  } catch {
    return { ...place, message: 'the bot folder does not exist', hint: 'check the path: it should be a folder holding bot.yaml, e.g. bots/shop' };
  }
}

function checkHasIntents(model: BotModel): BotProblem[] {
  if (model.declared.intents === null || model.declared.intents.length > 0) return [];
  return [
    {
      severity: 'warning',
      file: 'intents',
      line: 1,
      column: 1,
      message: 'the bot has no intents, so every message gets the fallback response',
      hint: 'add a YAML file under intents/, e.g. intents/greet.yaml with "intents: [{ name: greet, examples: [hi, hello] }]"',
    },
  ];
}

function toDefinition(model: BotModel, config: BotConfig, connectorData: ReadonlyMap<string, ConnectorData>, contentHash: string): BotDefinition {
  const values = <T>(items: readonly { value: T }[]): T[] => items.map((item) => item.value);
  const responses: Record<string, readonly ResponseVariation[]> = {};
  for (const [name, response] of model.responses) responses[name] = response.value;
  const data: Record<string, readonly Record<string, unknown>[]> = {};
  for (const [name, connector] of connectorData) data[name] = connector.records;
  return {
    config,
    intents: values<IntentDefinition>(model.intents),
    entities: values<EntityDefinition>(model.entities),
    responses,
    flows: values<FlowDefinition>(model.flows),
    connectorData: data,
    contentHash,
  };
}

import { expandVariables, type BotDefinition, type Environment, type KnowledgeAnswerer, type KnowledgeConfig, type KnowledgeRetriever, type Understander } from '../core/index.js';
import { createConnectorGateway, type ObservableConnectorGateway } from '../connectors/index.js';
import { createDialogueEngine, type DialogueEngine } from '../dialogue/index.js';
import { createKnowledgeAnswerer } from '../knowledge/answer/index.js';
import { createOpenAiCompatibleAnswerGenerator, createOpenAiCompatibleIntentProvider } from '../llm/index.js';
import { createBuiltinEntityExtractor } from '../nlu/builtin-entities/index.js';
import { createHybridUnderstander, type IntentClassifier } from '../nlu/index.js';

/**
 * Everything that depends on the bot folder, built together so it can be swapped together: a
 * turn takes one brain at its start and uses it to the end, so a reload never mixes an old flow
 * with a new model.
 */
export interface BotBrain {
  readonly bot: BotDefinition;
  readonly classifier: IntentClassifier & { readonly hash: string };
  readonly understander: Understander;
  readonly dialogue: DialogueEngine;
  /** The bot's connectors, with their health (circuit state, last success and failure). */
  readonly connectors: ObservableConnectorGateway;
}

export function buildBrain(
  bot: BotDefinition,
  classifier: IntentClassifier & { readonly hash: string },
  env: Readonly<Record<string, string | undefined>> = process.env,
  knowledge?: KnowledgeRetriever,
  handoffAvailable?: (team: string) => boolean,
): BotBrain {
  const nlu = bot.config.nlu;
  const provider = nlu.provider
    ? createOpenAiCompatibleIntentProvider({
        baseUrl: nlu.provider.base_url,
        model: nlu.provider.model,
        mode: nlu.provider.mode,
        timeoutMs: nlu.provider.timeout_ms,
        ...(nlu.provider.api_key_env && env[nlu.provider.api_key_env] ? { apiKey: env[nlu.provider.api_key_env]! } : {}),
      })
    : undefined;
  const understander = createHybridUnderstander({
    bot,
    classifier,
    builtinEntities: createBuiltinEntityExtractor({
      language: bot.config.language.split('-')[0]!,
      timeZone: nlu.time_zone,
      ...(nlu.builtin_entities ? { enabled: nlu.builtin_entities } : {}),
    }),
    ...(provider ? { provider, providerTimeoutMs: nlu.provider!.timeout_ms, providerMinConfidence: nlu.provider!.min_confidence } : {}),
  });
  // Throws when a connector's environment variable is missing: better at start than mid-conversation.
  const connectors = createConnectorGateway(bot, { env });
  const answerer = knowledge && bot.config.knowledge ? knowledgeAnswerer(bot, bot.config.knowledge, knowledge, env) : undefined;
  const dialogue = createDialogueEngine(bot, connectors, { ...(answerer ? { knowledge: answerer } : {}), ...(handoffAvailable ? { handoffAvailable } : {}) });
  return { bot, classifier, understander, dialogue, connectors };
}

function knowledgeAnswerer(bot: BotDefinition, config: KnowledgeConfig, retriever: KnowledgeRetriever, env: Environment): KnowledgeAnswerer {
  const llm = config.llm;
  const generator = llm
    ? createOpenAiCompatibleAnswerGenerator({
        baseUrl: expandVariables(llm.base_url, env, 'knowledge.llm', 'base_url', []).text,
        model: llm.model,
        apiKey: llm.api_key_env ? env[llm.api_key_env] : undefined,
      })
    : undefined;
  return createKnowledgeAnswerer({ retriever, config, botName: bot.config.name, ...(generator ? { generator } : {}) });
}

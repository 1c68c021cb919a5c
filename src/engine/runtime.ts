import { resolve } from 'node:path';
import {
  expandVariables,
  createIdGenerator,
  systemClock,
  type BotDefinition,
  type ChannelAdapter,
  type ChannelSender,
  type ChannelSetup,
  type Clock,
  type EventType,
  type KnowledgeRetriever,
  type IdGenerator,
  type ParleyStore,
} from '../core/index.js';
import { loadBotOrThrow } from '../bot/index.js';
import { createChannels } from '../channels/index.js';
import { ingestFolder } from '../knowledge/ingest/index.js';
import { buildKnowledgeIndex } from '../knowledge/retrieval/index.js';
import { createOpenAiCompatibleEmbedder } from '../llm/index.js';
import { createInProcessLock, openStore } from '../storage/index.js';
import { buildBrain, type BotBrain } from './bot-brain.js';
import { watchBotFolder, type BotWatcher } from './bot-watcher.js';
import type { ParleyConfig } from './config.js';
import { channelSender } from './channel-sender.js';
import { createDeliveryWorker, type DeliveryWorker } from './delivery-worker.js';
import { createHandoffDesk, type HandoffDesk } from './handoff-desk.js';
import { silentLogger, type EngineLogger } from './logger.js';
import { latestStoredClassifier, loadOrTrainClassifier, nluModelHash } from './nlu-models.js';
import { createTurnEngine, type TurnEngine, type TurnObserver } from './turn-engine.js';
import { createWebhookSender, resolveWebhookTargetsOrThrow, type WebhookTargets } from './webhooks/index.js';

/**
 * Composes the parts into a running Parley from configuration alone: the one place that knows
 * which adapter backs which port.
 */

export interface Runtime {
  readonly config: ParleyConfig;
  /** The messaging channels that are on. */
  readonly channels: readonly ChannelAdapter[];
  /** People taking conversations over: queues, claims, replies, SLA. */
  readonly handoffs: HandoffDesk;
  /** Calls `listener` after each commit to any conversation's log (for live views such as sockets); returns the unsubscribe. */
  onCommitted(listener: (conversationId: string, lastSeq: number, types: readonly EventType[]) => void): () => void;
  /** Calls `listener` with each piece of a reply being written (a generated answer); returns the unsubscribe. */
  onStream(listener: (conversationId: string, messageId: string, delta: string) => void): () => void;
  /** The bot being served now (changes when the bot folder is reloaded). */
  readonly bot: BotDefinition;
  brain(): BotBrain;
  readonly store: ParleyStore;
  readonly engine: TurnEngine;
  readonly delivery: DeliveryWorker;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /**
   * Reads the bot folder again; when it is valid, swaps the bot in, after training its model in
   * the background when the training data changed. A bot with errors is reported and not served.
   */
  reload(): Promise<ReloadResult>;
  close(): Promise<void>;
}

export type ReloadResult =
  | { readonly status: 'unchanged' | 'reloaded'; readonly model: string; readonly retrained: boolean }
  | { readonly status: 'invalid'; readonly message: string };

interface PreparedKnowledge {
  readonly bot: string;
  readonly index: KnowledgeRetriever;
}

export interface RuntimeOptions {
  readonly logger?: EngineLogger;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly observer?: TurnObserver;
  /** Start the delivery worker and process messages left pending by a previous run (default true). */
  readonly startWorkers?: boolean;
  /** Reload the bot when its folder changes (default: the PARLEY_WATCH_BOT setting). */
  readonly watch?: boolean;
  /**
   * Where the bot's connectors read `${NAME}` in their base_url and their secrets from (default:
   * process.env). The server adds `PARLEY_URL`, its own base URL, for services it serves itself.
   * The webhooks read their secrets and `${NAME}` in their urls from it too.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The messaging channels (default: every channel whose settings `env` has; the others are off). */
  readonly channels?: readonly ChannelSetup[];
}

export async function loadBot(config: Pick<ParleyConfig, 'PARLEY_BOT'>, logger: EngineLogger = silentLogger): Promise<BotDefinition> {
  const { bot, warnings } = await loadBotOrThrow(resolve(config.PARLEY_BOT));
  for (const warning of warnings) logger.warn({ file: warning.file, line: warning.line, hint: warning.hint }, warning.message);
  return bot;
}

export async function createRuntime(config: ParleyConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? createIdGenerator(clock);
  const env = options.env ?? process.env;
  const bot = await loadBot(config, logger);
  // Resolved per bot version, when it is loaded: a missing secret stops the start (or the reload).
  const webhookTargets = new WeakMap<BotDefinition, WebhookTargets>();
  const webhooksOf = (served: BotDefinition): WebhookTargets => {
    let targets = webhookTargets.get(served);
    if (!targets) {
      targets = resolveWebhookTargetsOrThrow(served.config, env);
      webhookTargets.set(served, targets);
    }
    return targets;
  };
  webhooksOf(bot);
  const store = openStore(config.PARLEY_STORE, resolve(config.PARLEY_DATA_DIR));

  // A model for exactly this data is loaded; failing that, the bot's previous model serves while
  // the new one trains; only a bot that never had a model waits for its first training.
  let pendingTraining: Promise<unknown> | null = null;
  let brain: BotBrain;
  // Asked at turn time, when the desk (created below) exists.
  const available = (team: string): boolean => desk.isAvailable(team);
  // The knowledge folder is ingested (incrementally) before the bot answers anything.
  let knowledge = await refreshKnowledge(bot, null);
  const exact = await store.models.get(nluModelHash(bot));
  const previous = exact ? null : await latestStoredClassifier(bot.config.name, store.models);
  if (previous) {
    brain = buildBrain(bot, previous, env, knowledge?.index, available);
    logger.info({ bot: bot.config.name }, 'serving the previous NLU model while the new one trains');
    pendingTraining = swapWhenTrained(bot).catch((error: unknown) => logger.error({ err: error }, 'training the NLU model failed; still serving the previous one'));
  } else {
    brain = buildBrain(bot, (await loadOrTrainClassifier(bot, store.models, clock, logger)).classifier, env, knowledge?.index, available);
  }

  const setups = options.channels ?? createChannels(env);
  const channels = setups.filter((setup): setup is ChannelAdapter => !('off' in setup));
  for (const setup of setups) {
    if ('off' in setup) logger.info({ channel: setup.name, missing: setup.missing }, `channel ${setup.name} is off: set ${setup.missing.join(', ')} to turn it on`);
    else logger.info({ channel: setup.name, path: setup.path }, `channel ${setup.name} is on`);
  }
  const committedListeners = new Set<(conversationId: string, lastSeq: number, types: readonly EventType[]) => void>();
  const streamListeners = new Set<(conversationId: string, messageId: string, delta: string) => void>();
  const senders: ChannelSender[] = channels.map((channel) => channelSender(channel, store));
  // Webhook deliveries go to the webhook of that name in the bot served now, so a reload that
  // changes a url or secret applies to the next attempt; a removed webhook's entries are given up.
  const webhookSender = createWebhookSender({ targets: () => webhooksOf(brain.bot), clock });
  const delivery = createDeliveryWorker({ outbox: store.outbox, senders, webhookSender, clock, logger });
  const engine = createTurnEngine({
    store,
    lock: createInProcessLock(),
    brain: () => brain,
    clock,
    ids,
    logger,
    maxMessageChars: config.PARLEY_MAX_MESSAGE_CHARS,
    // Replies only: webhook deliveries are queued by the turn from the bot's webhooks, not per channel.
    pushChannels: new Set(senders.map((sender) => sender.channel)),
    numberedChoiceChannels: new Set(channels.filter((channel) => channel.numberedChoices).map((channel) => channel.name)),
    onOutgoing: () => delivery.kick(),
    onHandoffRequested: async (request) => {
      await desk.queue(request);
    },
    onStream: (conversationId, messageId, delta) => {
      for (const listener of streamListeners) listener(conversationId, messageId, delta);
    },
    onCommitted: (conversationId, lastSeq, types) => {
      for (const listener of committedListeners) {
        try {
          listener(conversationId, lastSeq, types);
        } catch (error) {
          logger.error({ err: error, conversationId }, 'a listener of committed conversations failed');
        }
      }
    },
    ...(options.observer ? { observer: options.observer } : {}),
  });

  const desk = createHandoffDesk({ store, engine, clock, ids, bot: () => brain.bot, logger });
  // The first-response SLA is checked every 15 s; a breach is an event (and a webhook delivery).
  const slaTimer = (options.startWorkers ?? true) ? setInterval(() => void desk.checkSla().catch((error: unknown) => logger.error({ err: error }, 'the SLA check failed')), 15_000) : null;
  slaTimer?.unref();

  async function swapWhenTrained(next: BotDefinition): Promise<{ retrained: boolean; model: string }> {
    const { classifier, source } = await loadOrTrainClassifier(next, store.models, clock, logger);
    brain = buildBrain(next, classifier, env, knowledge?.index, available);
    return { retrained: source === 'trained', model: classifier.hash };
  }

  /**
   * Ingests the bot's knowledge folder into the store (only what changed) and indexes the bot's
   * chunks; the same object back when nothing changed, null for a bot without knowledge.
   */
  async function refreshKnowledge(served: BotDefinition, current: PreparedKnowledge | null): Promise<PreparedKnowledge | null> {
    const settings = served.config.knowledge;
    if (!settings) return null;
    const embedder = settings.embeddings
      ? createOpenAiCompatibleEmbedder({
          baseUrl: expandVariables(settings.embeddings.base_url, env, 'knowledge.embeddings', 'base_url', []).text,
          model: settings.embeddings.model,
          apiKey: settings.embeddings.api_key_env ? env[settings.embeddings.api_key_env] : undefined,
          timeoutMs: settings.embeddings.timeout_ms,
        })
      : undefined;
    const report = await ingestFolder({ dir: resolve(config.PARLEY_BOT, settings.folder), bot: served.config.name, store: store.knowledge, now: () => clock.now(), ...(embedder ? { embedder } : {}) });
    for (const failure of report.failed) logger.warn({ source: failure.source, error: failure.error }, 'a knowledge document could not be ingested; its previous version (if any) stays');
    const changed = report.added.length + report.updated.length + report.removed.length > 0;
    if (changed) logger.info({ added: report.added.length, updated: report.updated.length, removed: report.removed.length, unchanged: report.unchanged.length }, 'ingested the knowledge folder');
    if (current && !changed && current.bot === served.config.name) return current;
    const entries = await store.knowledge.loadChunks(served.config.name);
    return { bot: served.config.name, index: buildKnowledgeIndex(entries, embedder ? { embedder } : {}) };
  }

  let reloading: Promise<ReloadResult> | null = null;
  async function reload(): Promise<ReloadResult> {
    // One reload at a time; a change during a reload is picked up by the next one.
    while (reloading) await reloading.catch(() => undefined);
    reloading = (async (): Promise<ReloadResult> => {
      let next: BotDefinition;
      try {
        next = await loadBot(config, logger);
        webhooksOf(next);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.warn({ bot: config.PARLEY_BOT }, 'the changed bot folder has errors; still serving the previous version');
        return { status: 'invalid', message };
      }
      // Documents are not part of the bot's content hash: their own ingest says whether they changed.
      const refreshed = await refreshKnowledge(next, knowledge);
      const knowledgeChanged = refreshed !== knowledge;
      knowledge = refreshed;
      if (next.contentHash === brain.bot.contentHash) {
        if (knowledgeChanged) brain = buildBrain(brain.bot, brain.classifier, env, knowledge?.index, available);
        return { status: knowledgeChanged ? 'reloaded' : 'unchanged', model: brain.classifier.hash, retrained: false };
      }
      const result = await swapWhenTrained(next);
      logger.info({ bot: next.config.name, model: result.model.slice(0, 12), retrained: result.retrained }, 'reloaded the bot');
      return { status: 'reloaded', ...result };
    })();
    try {
      return await reloading;
    } finally {
      reloading = null;
    }
  }

  const watchFolder = options.watch ?? config.PARLEY_WATCH_BOT;
  const watcher: BotWatcher | null = watchFolder ? watchBotFolder(resolve(config.PARLEY_BOT), () => void reload(), logger) : null;

  if (options.startWorkers ?? true) {
    const recovered = await engine.recoverPending();
    if (recovered > 0) logger.info({ conversations: recovered }, 'processed messages left pending by the previous run');
    delivery.start();
  }

  return {
    config,
    channels,
    handoffs: desk,
    onCommitted(listener) {
      committedListeners.add(listener);
      return () => committedListeners.delete(listener);
    },
    onStream(listener) {
      streamListeners.add(listener);
      return () => streamListeners.delete(listener);
    },
    get bot() {
      return brain.bot;
    },
    brain: () => brain,
    store,
    engine,
    delivery,
    clock,
    ids,
    reload,
    async close() {
      if (slaTimer) clearInterval(slaTimer);
      watcher?.close();
      await pendingTraining?.catch(() => undefined);
      await reloading?.catch(() => undefined);
      await delivery.stop();
      await store.close();
    },
  };
}

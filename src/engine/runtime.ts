import { resolve } from 'node:path';
import { createIdGenerator, systemClock, type BotDefinition, type ChannelSender, type Clock, type IdGenerator, type ParleyStore } from '../core/index.js';
import { loadBotOrThrow } from '../bot/index.js';
import { createConnectorGateway } from '../connectors/index.js';
import { createDialogueEngine } from '../dialogue/index.js';
import { createSimpleMatcher } from '../nlu/index.js';
import { createInProcessLock, openStore } from '../storage/index.js';
import type { ParleyConfig } from './config.js';
import { createDeliveryWorker, type DeliveryWorker } from './delivery-worker.js';
import { silentLogger, type EngineLogger } from './logger.js';
import { createTurnEngine, type TurnEngine, type TurnObserver } from './turn-engine.js';

/**
 * Composes the parts into a running Parley from configuration alone: the one place that knows
 * which adapter backs which port.
 */

export interface Runtime {
  readonly config: ParleyConfig;
  readonly bot: BotDefinition;
  readonly store: ParleyStore;
  readonly engine: TurnEngine;
  readonly delivery: DeliveryWorker;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  readonly logger?: EngineLogger;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly observer?: TurnObserver;
  /** Start the delivery worker and process messages left pending by a previous run (default true). */
  readonly startWorkers?: boolean;
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
  const bot = await loadBot(config, logger);
  const store = openStore(config.PARLEY_STORE, resolve(config.PARLEY_DATA_DIR));

  // No push channel ships yet: REST and CLI replies are delivered by being returned and read.
  // Webhook channels register their senders here and the worker pushes their replies.
  const senders: ChannelSender[] = [];
  const delivery = createDeliveryWorker({ outbox: store.outbox, senders, clock, logger });
  const engine = createTurnEngine({
    store,
    lock: createInProcessLock(),
    bot,
    understander: createSimpleMatcher(bot),
    dialogue: createDialogueEngine(bot, createConnectorGateway(bot)),
    clock,
    ids,
    logger,
    maxMessageChars: config.PARLEY_MAX_MESSAGE_CHARS,
    pushChannels: new Set(senders.map((sender) => sender.channel)),
    onOutgoing: () => delivery.kick(),
    ...(options.observer ? { observer: options.observer } : {}),
  });

  if (options.startWorkers ?? true) {
    const recovered = await engine.recoverPending();
    if (recovered > 0) logger.info({ conversations: recovered }, 'processed messages left pending by the previous run');
    delivery.start();
  }

  return {
    config,
    bot,
    store,
    engine,
    delivery,
    clock,
    ids,
    async close() {
      await delivery.stop();
      await store.close();
    },
  };
}

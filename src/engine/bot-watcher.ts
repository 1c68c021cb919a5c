import { watch, type FSWatcher } from 'node:fs';
import type { EngineLogger } from './logger.js';

/**
 * Calls back when files in the bot folder change, once per burst of changes (an editor's save
 * is several events; a `git checkout` is hundreds).
 */
export interface BotWatcher {
  close(): void;
}

export function watchBotFolder(dir: string, onChange: () => void, logger: EngineLogger, quietMs = 300): BotWatcher {
  let timer: NodeJS.Timeout | null = null;
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dir, { recursive: true }, () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        onChange();
      }, quietMs);
    });
    watcher.on('error', (error) => logger.warn({ err: error, dir }, 'stopped watching the bot folder'));
  } catch (error) {
    logger.warn({ err: error, dir }, 'cannot watch the bot folder; reload it with POST /v1/admin/bot/reload');
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}

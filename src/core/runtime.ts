import { randomBytes } from 'node:crypto';
import type { Clock, IdGenerator } from './ports.js';

export const systemClock: Clock = { now: () => new Date() };

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Ids that sort by creation time (48-bit milliseconds, then 80 random bits, Crockford base32),
 * so listings ordered by id are ordered by age without a second index.
 */
export function createIdGenerator(clock: Clock = systemClock, random: (size: number) => Uint8Array = randomBytes): IdGenerator {
  // Random bytes are drawn in blocks: one call to the system's generator per 256 ids instead of
  // one per id (a turn makes several ids, and it showed in profiles).
  let pool: Uint8Array = new Uint8Array(0);
  let offset = 0;
  return {
    next(prefix: string): string {
      if (offset + 16 > pool.length) {
        pool = random(4096);
        offset = 0;
      }
      let time = clock.now().getTime();
      let timePart = '';
      for (let i = 0; i < 10; i += 1) {
        timePart = CROCKFORD[time % 32] + timePart;
        time = Math.floor(time / 32);
      }
      let randomPart = '';
      for (let i = 0; i < 16; i += 1) randomPart += CROCKFORD[pool[offset + i]! % 32];
      offset += 16;
      return `${prefix}_${timePart}${randomPart}`;
    },
  };
}

/** Deterministic ids for tests: prefix plus a counter. */
export function createSequentialIds(): IdGenerator {
  let counter = 0;
  return { next: (prefix) => `${prefix}_${String(++counter).padStart(6, '0')}` };
}

import { describe, expect, it } from 'vitest';
import { createInProcessLock } from '../../src/storage/index.js';

/** A promise the test resolves by hand, to hold work inside the lock for as long as it likes. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Lets every queued promise callback run. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('in-process conversation lock', () => {
  it('runs the work of one key one at a time, in the order it was queued', async () => {
    const lock = createInProcessLock();
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((gate, index) =>
      lock.withLock('conv_a', async () => {
        log.push(`start ${index}`);
        await gate.promise;
        log.push(`end ${index}`);
        return index;
      }),
    );

    await settle();
    expect(log).toEqual(['start 0']);
    // Releasing a later one first changes nothing: it has not started.
    gates[2]!.resolve();
    gates[1]!.resolve();
    await settle();
    expect(log).toEqual(['start 0']);
    gates[0]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('never lets two pieces of work on one key overlap', async () => {
    const lock = createInProcessLock();
    let running = 0;
    let mostAtOnce = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        lock.withLock('conv_a', async () => {
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
          // Vary how long each item yields so a broken lock would interleave them.
          for (let step = 0; step < index % 4; step += 1) await settle();
          order.push(index);
          running -= 1;
        }),
      ),
    );
    expect(mostAtOnce).toBe(1);
    expect(order).toEqual(Array.from({ length: 50 }, (_, index) => index));
  });

  it('lets different keys run at the same time', async () => {
    const lock = createInProcessLock();
    const gate = deferred();
    let otherFinished = false;
    const blocked = lock.withLock('conv_a', () => gate.promise);
    await lock.withLock('conv_b', async () => {
      otherFinished = true;
    });
    expect(otherFinished).toBe(true);
    expect(lock.activeKeys()).toBe(1);
    gate.resolve();
    await blocked;
  });

  it('releases the lock when the work throws, and passes the error on', async () => {
    const lock = createInProcessLock();
    const failing = lock.withLock('conv_a', async () => {
      await settle();
      throw new Error('turn failed');
    });
    const throwingSynchronously = lock.withLock('conv_a', () => {
      throw new Error('failed before any await');
    });
    const next = lock.withLock('conv_a', async () => 'ran');
    await expect(failing).rejects.toThrow('turn failed');
    await expect(throwingSynchronously).rejects.toThrow('failed before any await');
    await expect(next).resolves.toBe('ran');
    expect(lock.activeKeys()).toBe(0);
  });

  it('forgets a key once its queue has drained', async () => {
    const lock = createInProcessLock();
    expect(lock.activeKeys()).toBe(0);
    const gate = deferred();
    const runs = [
      lock.withLock('conv_a', () => gate.promise),
      lock.withLock('conv_a', async () => undefined),
      lock.withLock('conv_b', () => gate.promise),
    ];
    expect(lock.activeKeys()).toBe(2);
    gate.resolve();
    await Promise.all(runs);
    expect(lock.activeKeys()).toBe(0);

    // And a key used again after draining starts a fresh queue.
    await expect(lock.withLock('conv_a', async () => 'again')).resolves.toBe('again');
    expect(lock.activeKeys()).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { currentEventVersion, isParleyError, makeEvent, readStoredEvent, type RawStoredEvent } from '../../src/core/index.js';

const raw = (overrides: Partial<RawStoredEvent>): RawStoredEvent => ({
  conversationId: 'c',
  seq: 1,
  id: 'e1',
  at: '2026-01-01T00:00:00.000Z',
  type: 'slot-set',
  v: 1,
  data: { slot: 'colour', value: 'blue' },
  ...overrides,
});

describe('event log schemas', () => {
  it('stamps new events with the current version', () => {
    const event = makeEvent('slot-set', { slot: 'a', value: 1 }, 'e1', new Date('2026-01-01T00:00:00Z'));
    expect(event).toEqual({ id: 'e1', at: '2026-01-01T00:00:00.000Z', v: currentEventVersion['slot-set'], type: 'slot-set', data: { slot: 'a', value: 1 } });
  });

  it('reads a stored event back', () => {
    expect(readStoredEvent(raw({}))).toMatchObject({ type: 'slot-set', seq: 1, data: { slot: 'colour', value: 'blue' } });
  });

  it('upgrades an old version through the registered upcasters', () => {
    // Pretend slot-set v0 stored the slot under "name": the upcaster carries it to v1.
    const upcasters = new Map([['slot-set@0', (data: unknown) => ({ slot: (data as { name: string }).name, value: (data as { value: unknown }).value })]]);
    expect(readStoredEvent(raw({ v: 0, data: { name: 'size', value: 'M' } }), upcasters).data).toEqual({ slot: 'size', value: 'M' });
  });

  it('refuses what it cannot read rather than skipping it', () => {
    for (const bad of [raw({ type: 'made-up' }), raw({ v: 0 }), raw({ v: 99 }), raw({ data: { value: 1 } })]) {
      let caught: unknown;
      try {
        readStoredEvent(bad);
      } catch (error) {
        caught = error;
      }
      expect(isParleyError(caught, 'PARLEY_STORE_CORRUPT_EVENT')).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { cacheKey, createResponseCache } from '../../src/connectors/index.js';
import { manualClock } from './misbehaving-server.js';

describe('response cache', () => {
  it('serves a stored answer until its TTL has passed', () => {
    const clock = manualClock();
    const cache = createResponseCache({ clock });
    cache.set('a', { status: 'shipped' }, 1000);
    expect(cache.get('a')).toEqual({ data: { status: 'shipped' } });
    clock.advance(999);
    expect(cache.get('a')).toEqual({ data: { status: 'shipped' } });
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps each answer for its own TTL, and nothing for a TTL of 0', () => {
    const clock = manualClock();
    const cache = createResponseCache({ clock });
    cache.set('short', 1, 100);
    cache.set('long', 2, 10_000);
    cache.set('never', 3, 0);
    clock.advance(100);
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toEqual({ data: 2 });
    expect(cache.get('never')).toBeUndefined();
  });

  it('hands out copies, so a caller cannot change what is cached', () => {
    const cache = createResponseCache({ clock: manualClock() });
    const answer = { items: [{ sku: 'A' }] };
    cache.set('k', answer, 1000);
    answer.items.push({ sku: 'B' });
    const first = cache.get('k')!.data as { items: unknown[] };
    first.items.length = 0;
    expect(cache.get('k')).toEqual({ data: { items: [{ sku: 'A' }] } });
  });

  it('is bounded: the least recently used answer goes first', () => {
    const cache = createResponseCache({ clock: manualClock(), maxEntries: 2 });
    cache.set('a', 1, 1000);
    cache.set('b', 2, 1000);
    expect(cache.get('a')).toEqual({ data: 1 });
    cache.set('c', 3, 1000);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ data: 1 });
    expect(cache.get('c')).toEqual({ data: 3 });
  });

  it('keys calls by connector, operation and arguments, whatever their order', () => {
    expect(cacheKey('orders', 'get', { id: '1', lang: 'en' })).toBe(cacheKey('orders', 'get', { lang: 'en', id: '1' }));
    expect(cacheKey('orders', 'get', { id: '1' })).not.toBe(cacheKey('orders', 'get', { id: '2' }));
    expect(cacheKey('orders', 'get', { id: '1' })).not.toBe(cacheKey('orders', 'find', { id: '1' }));
    expect(cacheKey('orders', 'get', { id: '1' })).not.toBe(cacheKey('returns', 'get', { id: '1' }));
    // No separator trick makes two different calls collide.
    expect(cacheKey('a', 'b', { 'c","d': 'e' })).not.toBe(cacheKey('a', 'b', { c: 'd', e: '' }));
  });
});

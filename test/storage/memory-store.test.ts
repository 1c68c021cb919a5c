import { describe, expect, it } from 'vitest';
import { createMemoryStore, openStore } from '../../src/storage/index.js';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('memory', async () => {
  const store = createMemoryStore();
  return { store, cleanup: () => store.close() };
}, { durable: false });

describe('memory store', () => {
  it('is what openStore gives for "memory"', async () => {
    const store = openStore('memory', '/nonexistent/never-created');
    expect(store.kind).toBe('memory');
    await store.close();
  });
});

import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../src/core/index.js';
import { loadConfig } from '../../src/engine/index.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3000, PARLEY_DATA_DIR: './data', PARLEY_BOT: 'bots/shop', PARLEY_STORE: 'sqlite', PARLEY_LOG_LEVEL: 'info' });
  });

  it('reads and converts the environment', () => {
    expect(loadConfig({ PORT: '8080', PARLEY_STORE: 'memory', PARLEY_TRUST_PROXY: 'true', UNRELATED: 'x' })).toMatchObject({ PORT: 8080, PARLEY_STORE: 'memory', PARLEY_TRUST_PROXY: true });
  });

  it('names every wrong variable with what it expects', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', PARLEY_STORE: 'mongo', PARLEY_LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(isParleyError(caught, 'PARLEY_CONFIG_INVALID')).toBe(true);
    const message = (caught as Error).message;
    expect(message).toContain('PORT="eighty": expected a whole number from 0 to 65535');
    expect(message).toContain('PARLEY_STORE="mongo": expected sqlite or memory');
    expect(message).toContain('PARLEY_LOG_LEVEL="loud"');
  });
});

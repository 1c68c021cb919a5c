import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ParleyError, createIdGenerator, systemClock, type ApiKeyScope } from '../core/index.js';
import { createApiKey } from '../engine/index.js';
import { openStore } from '../storage/index.js';

const SCOPES: readonly ApiKeyScope[] = ['admin', 'conversations'];

export async function keysCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { name: { type: 'string' }, scope: { type: 'string', multiple: true }, 'data-dir': { type: 'string' } },
    strict: true,
  });
  const [action, id] = positionals;
  const dataDir = resolve(values['data-dir'] ?? process.env.PARLEY_DATA_DIR ?? './data');
  const store = openStore('sqlite', dataDir);
  try {
    switch (action) {
      case 'create': {
        if (!values.name) throw new ParleyError('PARLEY_CONFIG_INVALID', 'keys create needs --name NAME (who or what will use the key).');
        const scopes = (values.scope ?? ['admin']) as ApiKeyScope[];
        const unknown = scopes.filter((scope) => !SCOPES.includes(scope));
        if (unknown.length > 0) throw new ParleyError('PARLEY_CONFIG_INVALID', `Unknown scope ${unknown.join(', ')}; use ${SCOPES.join(' or ')}.`);
        const { record, secret } = await createApiKey(store.apiKeys, { name: values.name, scopes }, systemClock, createIdGenerator());
        process.stdout.write(`Created API key ${record.id} "${record.name}" (scopes: ${record.scopes.join(', ')}).\n`);
        process.stdout.write(`Key (shown once, store it now):\n${secret}\n`);
        return 0;
      }
      case 'list': {
        const keys = await store.apiKeys.list();
        if (keys.length === 0) process.stdout.write('No API keys yet. Create one with: parley keys create --name NAME\n');
        for (const key of keys) {
          process.stdout.write(`${key.id}  ${key.name}  [${key.scopes.join(', ')}]  created ${key.createdAt}${key.revokedAt ? `  revoked ${key.revokedAt}` : ''}\n`);
        }
        return 0;
      }
      case 'revoke': {
        if (!id) throw new ParleyError('PARLEY_CONFIG_INVALID', 'keys revoke needs the key id (see `parley keys list`).');
        const revoked = await store.apiKeys.revoke(id, systemClock.now().toISOString());
        if (!revoked) throw new ParleyError('PARLEY_CONFIG_INVALID', `No active API key with id "${id}".`);
        process.stdout.write(`Revoked ${id}.\n`);
        return 0;
      }
      default:
        throw new ParleyError('PARLEY_CONFIG_INVALID', 'Use: parley keys create --name NAME | keys list | keys revoke ID');
    }
  } finally {
    await store.close();
  }
}

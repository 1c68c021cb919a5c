import type { ApiKeyRecord, ApiKeyScope, ApiKeyStore, Clock, IdGenerator } from '../core/index.js';
import { API_KEY_PREFIX, hashSecret, newSecret } from './secrets.js';

/** API keys for servers and operators. The secret is returned once, at creation, and only its hash is kept. */

export async function createApiKey(
  keys: ApiKeyStore,
  input: { name: string; scopes: readonly ApiKeyScope[] },
  clock: Clock,
  ids: IdGenerator,
): Promise<{ record: ApiKeyRecord; secret: string }> {
  const secret = newSecret(API_KEY_PREFIX);
  const record: ApiKeyRecord = { id: ids.next('key'), name: input.name, scopes: [...input.scopes], createdAt: clock.now().toISOString(), revokedAt: null };
  await keys.create({ ...record, secretHash: hashSecret(secret) });
  return { record, secret };
}

export async function verifyApiKey(keys: ApiKeyStore, secret: string): Promise<ApiKeyRecord | null> {
  if (!secret.startsWith(API_KEY_PREFIX)) return null;
  return keys.findBySecretHash(hashSecret(secret));
}

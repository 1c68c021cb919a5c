import { createHash, randomBytes } from 'node:crypto';

/**
 * Conversation tokens and API keys are 256-bit random secrets, so a plain SHA-256 is enough to
 * store them (no password-style stretching needed); the secret itself is never stored.
 */

export const CONVERSATION_TOKEN_PREFIX = 'ct_';
export const API_KEY_PREFIX = 'pk_';

export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

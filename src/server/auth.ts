import type { FastifyRequest } from 'fastify';
import { ParleyError, type ApiKeyRecord, type ApiKeyScope, type ConversationRecord, type ParleyStore } from '../core/index.js';
import { API_KEY_PREFIX, CONVERSATION_TOKEN_PREFIX, hashSecret, verifyApiKey } from '../engine/index.js';

/**
 * Two kinds of credentials, both as `Authorization: Bearer …`: a conversation token (`ct_…`),
 * which opens exactly one conversation to an end-user client, and an API key (`pk_…`) for
 * servers and operators, checked against its scopes.
 */

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : '';
}

export async function requireConversationAccess(request: FastifyRequest, store: ParleyStore, conversationId: string): Promise<ConversationRecord> {
  const credential = bearer(request);
  if (credential === null) {
    throw new ParleyError('PARLEY_AUTH_TOKEN_MISSING', 'Send the conversation token as "Authorization: Bearer <token>".');
  }
  if (credential.startsWith(API_KEY_PREFIX)) {
    await requireApiKey(request, store, 'conversations');
    return existing(store, conversationId);
  }
  if (!credential.startsWith(CONVERSATION_TOKEN_PREFIX)) {
    throw new ParleyError('PARLEY_AUTH_TOKEN_INVALID', 'The bearer token is not a conversation token or an API key.');
  }
  const owner = await store.conversations.findByTokenHash(hashSecret(credential));
  if (!owner) throw new ParleyError('PARLEY_AUTH_TOKEN_INVALID', 'The conversation token is not valid.');
  if (owner.id === conversationId) return owner;
  await existing(store, conversationId);
  throw new ParleyError('PARLEY_AUTH_FORBIDDEN', 'This token belongs to another conversation.');
}

/** Admin scope implies every other scope. */
export async function requireApiKey(request: FastifyRequest, store: ParleyStore, scope: ApiKeyScope): Promise<ApiKeyRecord> {
  const credential = bearer(request);
  if (credential === null) throw new ParleyError('PARLEY_AUTH_API_KEY_MISSING', 'This route needs an API key: "Authorization: Bearer pk_…" (create one with `parley keys create`).');
  const key = await verifyApiKey(store.apiKeys, credential);
  if (!key) throw new ParleyError('PARLEY_AUTH_API_KEY_INVALID', 'The API key is not valid or has been revoked.');
  if (!key.scopes.includes(scope) && !key.scopes.includes('admin')) {
    throw new ParleyError('PARLEY_AUTH_FORBIDDEN', `This API key lacks the "${scope}" scope.`);
  }
  return key;
}

async function existing(store: ParleyStore, conversationId: string): Promise<ConversationRecord> {
  const conversation = await store.conversations.get(conversationId);
  if (!conversation) throw new ParleyError('PARLEY_CONVERSATION_NOT_FOUND', `No conversation with id "${conversationId}".`);
  return conversation;
}

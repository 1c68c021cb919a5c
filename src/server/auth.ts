import type { FastifyRequest } from 'fastify';
import { ParleyError, type ApiKeyRecord, type ApiKeyScope, type ParleyStore } from '../core/index.js';
import { API_KEY_PREFIX, CONVERSATION_TOKEN_PREFIX, hashSecret, verifyApiKey } from '../engine/index.js';

/**
 * Two kinds of credentials, both as `Authorization: Bearer …`: a conversation token (`ct_…`),
 * which opens exactly one conversation to an end-user client, and an API key (`pk_…`) for
 * servers and operators, checked against its scopes.
 */

/** What a route needs to know about the conversation a request may use. */
export interface ConversationAccess {
  readonly id: string;
  readonly channel: string;
}

export interface Authenticator {
  requireConversationAccess(request: FastifyRequest, conversationId: string): Promise<ConversationAccess>;
  /** Admin scope implies every other scope. */
  requireApiKey(request: FastifyRequest, scope: ApiKeyScope): Promise<ApiKeyRecord>;
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : '';
}

export function createAuthenticator(store: ParleyStore, cacheSize = 10_000): Authenticator {
  // A conversation token never changes owner, so a verified one is remembered: an end user's
  // every message then costs neither a hash nor a store read. API keys are not cached, so a
  // revoked key stops working at once.
  const verifiedTokens = new Map<string, ConversationAccess>();

  async function ownerOf(token: string): Promise<ConversationAccess | null> {
    const cached = verifiedTokens.get(token);
    if (cached) return cached;
    const owner = await store.conversations.findByTokenHash(hashSecret(token));
    if (!owner) return null;
    const access = { id: owner.id, channel: owner.channel };
    if (verifiedTokens.size >= cacheSize) verifiedTokens.delete(verifiedTokens.keys().next().value!);
    verifiedTokens.set(token, access);
    return access;
  }

  async function existing(conversationId: string): Promise<ConversationAccess> {
    const conversation = await store.conversations.get(conversationId);
    if (!conversation) throw new ParleyError('PARLEY_CONVERSATION_NOT_FOUND', `No conversation with id "${conversationId}".`);
    return { id: conversation.id, channel: conversation.channel };
  }

  async function requireApiKey(request: FastifyRequest, scope: ApiKeyScope): Promise<ApiKeyRecord> {
    const credential = bearer(request);
    if (credential === null) {
      throw new ParleyError('PARLEY_AUTH_API_KEY_MISSING', 'This route needs an API key: "Authorization: Bearer pk_…" (create one with `parley keys create`).');
    }
    const key = await verifyApiKey(store.apiKeys, credential);
    if (!key) throw new ParleyError('PARLEY_AUTH_API_KEY_INVALID', 'The API key is not valid or has been revoked.');
    if (!key.scopes.includes(scope) && !key.scopes.includes('admin')) {
      throw new ParleyError('PARLEY_AUTH_FORBIDDEN', `This API key lacks the "${scope}" scope.`);
    }
    return key;
  }

  return {
    requireApiKey,
    async requireConversationAccess(request, conversationId) {
      const credential = bearer(request);
      if (credential === null) {
        throw new ParleyError('PARLEY_AUTH_TOKEN_MISSING', 'Send the conversation token as "Authorization: Bearer <token>".');
      }
      if (credential.startsWith(API_KEY_PREFIX)) {
        await requireApiKey(request, 'conversations');
        return existing(conversationId);
      }
      if (!credential.startsWith(CONVERSATION_TOKEN_PREFIX)) {
        throw new ParleyError('PARLEY_AUTH_TOKEN_INVALID', 'The bearer token is not a conversation token or an API key.');
      }
      const owner = await ownerOf(credential);
      if (!owner) throw new ParleyError('PARLEY_AUTH_TOKEN_INVALID', 'The conversation token is not valid.');
      if (owner.id === conversationId) return owner;
      await existing(conversationId);
      throw new ParleyError('PARLEY_AUTH_FORBIDDEN', 'This token belongs to another conversation.');
    },
  };
}

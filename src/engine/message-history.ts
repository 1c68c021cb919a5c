import type { Button, ConversationEvent, ConversationStore, RichElement } from '../core/index.js';

/** The conversation as a chat transcript: what the user, the bot and agents said. */

export interface TranscriptMessage {
  readonly id: string;
  readonly role: 'user' | 'bot' | 'agent';
  readonly type: 'text';
  readonly text: string;
  readonly buttons?: Button[];
  /** For bot messages: cards, images, links and charts, each with its plain-text fallback. */
  readonly elements?: RichElement[];
  readonly createdAt: string;
  /** For user messages: the sender's own message id. */
  readonly clientMessageId?: string;
  /** For bot messages: the user message they answer. */
  readonly inReplyTo?: string;
}

export interface TranscriptPage {
  readonly messages: TranscriptMessage[];
  /** Pass as `after` to read on; null at the end of the history. */
  readonly nextCursor: string | null;
}

const transcriptTypes = ['user-message', 'bot-message', 'agent-message'] as const;

export async function readTranscript(
  conversations: ConversationStore,
  conversationId: string,
  options: { afterSeq: number; limit: number },
): Promise<TranscriptPage> {
  const events = await conversations.listEvents(conversationId, { afterSeq: options.afterSeq, limit: options.limit + 1, types: transcriptTypes });
  const page = events.slice(0, options.limit);
  const last = page.at(-1);
  return {
    messages: page.map(toMessage),
    nextCursor: events.length > options.limit && last ? String(last.seq) : null,
  };
}

function toMessage(event: ConversationEvent): TranscriptMessage {
  switch (event.type) {
    case 'user-message':
      return { id: event.data.inboxId, role: 'user', type: 'text', text: event.data.text, createdAt: event.at, clientMessageId: event.data.clientMessageId };
    case 'bot-message':
      return {
        id: event.data.messageId,
        role: 'bot',
        type: 'text',
        text: event.data.message.text,
        ...(event.data.message.buttons ? { buttons: event.data.message.buttons } : {}),
        ...(event.data.message.elements ? { elements: event.data.message.elements } : {}),
        createdAt: event.at,
        ...(event.data.inReplyTo ? { inReplyTo: event.data.inReplyTo } : {}),
      };
    case 'agent-message':
      return { id: event.data.messageId, role: 'agent', type: 'text', text: event.data.text, createdAt: event.at };
    default:
      throw new Error(`not a transcript event: ${event.type}`);
  }
}

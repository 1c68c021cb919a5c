// The conversation in this page: renders each recorded event once (by seq), keeps what the user
// typed until the server has recorded it (resending it after every reconnect: the server dedupes
// on the message id), and stores the session so a reload resumes the conversation.

import { socketUrl, type WidgetConfig } from './config.js';
import { createConnection, type Connection, type ConnectionStatus } from './connection.js';
import { appendStream, renderAgent, renderBot, renderStreaming, renderUser, setDelivery, type BotOptions } from './messages.js';
import type { SessionStore } from './session.js';
import type { Button, ClientFrame, ConversationEvent, HandoffState, ServerFrame } from './types.js';
import type { View } from './view.js';

export interface Chat {
  /** Connects (once); called when the panel first opens or a message is sent. */
  start(): void;
  send(text: string, shown?: string): void;
  dropSocket(): void;
}

const BANNERS: Record<HandoffState, string | null> = {
  bot: null,
  waiting: 'A person will be with you shortly.',
  human: "You're chatting with a person.",
};

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: '',
  ready: '',
  reconnecting: 'Reconnecting…',
  offline: 'You are offline. Messages will be sent when the connection is back.',
};

/** A message id unique enough for the server's dedupe; randomUUID needs a secure context. */
export function newMessageId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function createChat(config: WidgetConfig, view: View, session: SessionStore): Chat {
  /** The highest seq drawn in this page; events at or below it are already in the log. */
  let highestSeq = 0;
  let conversationId: string | null = null;
  /** Typed but not yet seen recorded, oldest first: resent after each `ready`. */
  const unconfirmed = new Map<string, string>();
  /** Feedback pressed while disconnected. */
  const outbox: ClientFrame[] = [];
  const bubbles = new Map<string, HTMLElement>();
  /** Bot ids whose recorded event is drawn: late stream frames for them are dropped. */
  const final = new Set<string>();
  /** What a button showed, so a recorded payload ("/order_status") reads as its title. */
  const titles = new Map<string, string>();
  let statusTimer: ReturnType<typeof setTimeout> | null = null;
  let refusedOnce = false;
  let connection: Connection | null = null;

  const botOptions: BotOptions = {
    onButton: (button: Button) => chat.send(button.payload, button.title),
    onSelect: (text: string) => chat.send(text),
    onFeedback: (messageId, rating) => {
      const frame: ClientFrame = { type: 'feedback', messageId, rating };
      if (!connection?.send(frame)) outbox.push(frame);
    },
  };

  const remember = () => {
    const stored = session.load();
    if (conversationId === null || stored === null || stored.conversationId !== conversationId) return;
    session.save({ ...stored, lastSeq: highestSeq });
  };

  /** The oldest bubble still waiting to be recorded (other than `except`): recorded ones go above it. */
  const firstUnconfirmed = (except?: HTMLElement): HTMLElement | null => {
    for (const [id] of unconfirmed) {
      const bubble = bubbles.get(id);
      if (bubble?.isConnected && bubble !== except) return bubble;
    }
    return null;
  };

  /**
   * Shows a message: in place of the bubble with its id (a stream, an optimistic bubble), else
   * recorded messages in seq order above the ones still waiting, and new typed ones at the end.
   */
  const add = (element: HTMLElement, id: string, recorded: boolean) => {
    const existing = bubbles.get(id);
    if (existing?.isConnected) existing.replaceWith(element);
    else view.log.insertBefore(element, recorded ? firstUnconfirmed() : null);
    bubbles.set(id, element);
    view.scrollToEnd();
  };

  const onEvent = (event: ConversationEvent) => {
    if (typeof event.seq !== 'number' || event.seq <= highestSeq) return;
    highestSeq = event.seq;
    switch (event.kind) {
      case 'user': {
        unconfirmed.delete(event.id);
        const optimistic = bubbles.get(event.id);
        if (optimistic?.isConnected) {
          setDelivery(optimistic, 'delivered', event.seq);
          // Typed after messages that were recorded before it: move it up among the recorded ones.
          const waiting = firstUnconfirmed(optimistic);
          if (waiting && waiting.compareDocumentPosition(optimistic) & Node.DOCUMENT_POSITION_FOLLOWING) view.log.insertBefore(optimistic, waiting);
        } else {
          const element = renderUser(event.id, titles.get(event.text) ?? event.text, 'delivered', event.at);
          element.dataset['seq'] = String(event.seq);
          add(element, event.id, true);
        }
        break;
      }
      case 'bot':
        view.setTyping(false);
        for (const button of event.message.buttons ?? []) titles.set(button.payload, button.title);
        final.add(event.id);
        add(renderBot(event.id, event.message, event.seq, event.at, botOptions), event.id, true);
        break;
      case 'agent':
        view.setTyping(false);
        add(renderAgent(event.id, event.text, event.seq, event.at), event.id, true);
        break;
      case 'state': {
        const text = BANNERS[event.state] ?? null;
        view.setBanner(text !== null && event.state === 'waiting' && event.position !== undefined ? `${text} You're number ${event.position} in the queue.` : text);
        break;
      }
    }
    remember();
  };

  const flush = () => {
    if (connection === null) return;
    for (const [id, text] of unconfirmed) {
      if (!connection.send({ type: 'message', id, text })) return;
      const bubble = bubbles.get(id);
      if (bubble) setDelivery(bubble, 'sending');
    }
    while (outbox.length > 0) {
      const frame = outbox[0];
      if (frame === undefined || !connection.send(frame)) return;
      outbox.shift();
    }
  };

  const showStatus = (text: string, forMs?: number) => {
    if (statusTimer !== null) clearTimeout(statusTimer);
    statusTimer = null;
    view.setStatus(text);
    if (forMs !== undefined) statusTimer = setTimeout(() => view.setStatus(''), forMs);
  };

  const onFrame = (frame: ServerFrame) => {
    switch (frame.type) {
      case 'ready': {
        if (conversationId !== null && frame.conversationId !== conversationId) {
          // A different conversation (the old one could not be resumed): start the log afresh,
          // keeping what the user typed that was never recorded.
          highestSeq = 0;
          for (const [id, element] of bubbles) if (!unconfirmed.has(id)) element.remove();
          final.clear();
          view.setBanner(null);
        }
        conversationId = frame.conversationId;
        refusedOnce = false;
        session.save({ conversationId: frame.conversationId, token: frame.token, lastSeq: highestSeq });
        flush();
        break;
      }
      case 'event':
        onEvent(frame);
        break;
      case 'typing':
        view.setTyping(frame.on === true);
        break;
      case 'stream': {
        if (final.has(frame.id)) break;
        let element = bubbles.get(frame.id);
        if (!element?.isConnected) {
          view.setTyping(false);
          element = renderStreaming(frame.id);
          add(element, frame.id, true);
        }
        appendStream(element, String(frame.delta ?? ''), frame.done === true);
        view.scrollToEnd();
        break;
      }
      case 'error':
        if (connection !== null && !connection.ready) {
          if (session.load() !== null && !refusedOnce && /^PARLEY_AUTH_|NOT_FOUND/.test(String(frame.code))) {
            // The server will not resume the stored conversation (unknown, or its token is no
            // longer valid): forget it and start a new one.
            refusedOnce = true;
            session.clear();
            connection.restart();
          } else {
            // Any other failure before `ready` (the store is down, …): try again with backoff.
            connection.drop();
          }
          break;
        }
        // A message the server will never take (too long, invalid): shown as not sent, not re-sent.
        // A rate limit is different: it stays queued and goes out with the next reconnect.
        if (frame.id !== undefined && unconfirmed.has(frame.id) && frame.code !== 'PARLEY_API_RATE_LIMITED') {
          unconfirmed.delete(frame.id);
          const bubble = bubbles.get(frame.id);
          if (bubble) setDelivery(bubble, 'failed', undefined, frame.message);
          remember();
        }
        showStatus(frame.message || 'Something went wrong.', 6000);
        break;
      case 'pong':
        break;
    }
  };

  const chat: Chat = {
    start() {
      if (connection !== null) return;
      connection = createConnection({
        url: socketUrl(config),
        hello: () => {
          const stored = session.load();
          return stored === null ? { type: 'hello' } : { type: 'hello', conversationId: stored.conversationId, token: stored.token, afterSeq: highestSeq };
        },
        onFrame,
        onStatus: (status) => {
          if (status !== 'ready') {
            for (const id of unconfirmed.keys()) {
              const bubble = bubbles.get(id);
              if (bubble) setDelivery(bubble, 'queued');
            }
          }
          showStatus(STATUS_TEXT[status]);
        },
      });
      connection.start();
    },
    send(text, shown) {
      const trimmed = text.trim();
      if (trimmed === '') return;
      const id = newMessageId();
      unconfirmed.set(id, trimmed);
      add(renderUser(id, shown ?? trimmed, 'queued'), id, false);
      if (shown !== undefined) titles.set(trimmed, shown);
      chat.start();
      flush();
    },
    dropSocket() {
      connection?.drop();
    },
  };
  return chat;
}

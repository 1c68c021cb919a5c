// The socket protocol and message shapes, copied from the server side (src/core/messages.ts and
// the socket route): the widget is a separate browser bundle and imports nothing from the rest
// of Parley.

export interface Button {
  readonly title: string;
  readonly payload: string;
}

export interface Card {
  readonly kind: 'card';
  readonly title: string;
  readonly subtitle?: string;
  readonly image_url?: string;
  readonly buttons?: readonly Button[];
  readonly fallback: string;
}

export interface Carousel {
  readonly kind: 'carousel';
  readonly cards: readonly Card[];
  readonly fallback: string;
}

export interface ImageElement {
  readonly kind: 'image';
  readonly url: string;
  readonly alt: string;
  readonly fallback: string;
}

export interface LinkElement {
  readonly kind: 'link';
  readonly url: string;
  readonly title: string;
  readonly fallback: string;
}

export interface ChartData {
  readonly type: 'bar' | 'line' | 'pie';
  readonly title?: string;
  readonly labels: readonly string[];
  readonly series: readonly { readonly name: string; readonly values: readonly number[] }[];
  readonly unit?: string;
}

export interface ChartElement {
  readonly kind: 'chart';
  readonly chart: ChartData;
  readonly fallback: string;
}

export type RichElement = Card | Carousel | ImageElement | LinkElement | ChartElement;

export interface OutgoingMessage {
  readonly type: 'text';
  readonly text: string;
  readonly buttons?: readonly Button[];
  readonly elements?: readonly RichElement[];
}

export type HandoffState = 'bot' | 'waiting' | 'human';

interface EventBase {
  readonly type: 'event';
  readonly seq: number;
  readonly at: string;
}

export interface UserEvent extends EventBase {
  readonly kind: 'user';
  readonly id: string;
  readonly text: string;
}

export interface BotEvent extends EventBase {
  readonly kind: 'bot';
  readonly id: string;
  readonly message: OutgoingMessage;
}

export interface AgentEvent extends EventBase {
  readonly kind: 'agent';
  readonly id: string;
  readonly text: string;
}

export interface StateEvent extends EventBase {
  readonly kind: 'state';
  readonly state: HandoffState;
  /** While waiting: the place in the team's queue (1 = next). */
  readonly position?: number;
}

export type ConversationEvent = UserEvent | BotEvent | AgentEvent | StateEvent;

export type ServerFrame =
  | { readonly type: 'ready'; readonly conversationId: string; readonly token: string; readonly resumed: boolean }
  | ConversationEvent
  | { readonly type: 'typing'; readonly on: boolean }
  | { readonly type: 'stream'; readonly id: string; readonly delta: string; readonly done: boolean }
  /** `id`: the message it is about, when it is about one. */
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly id?: string }
  | { readonly type: 'pong' };

export type ClientFrame =
  | { readonly type: 'hello'; readonly conversationId?: string; readonly token?: string; readonly afterSeq?: number }
  | { readonly type: 'message'; readonly id: string; readonly text: string }
  | { readonly type: 'feedback'; readonly messageId: string; readonly rating: 'up' | 'down' }
  | { readonly type: 'ping' };

/** Reads a frame defensively: anything that is not an object with a string `type` is dropped. */
export function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  try {
    const frame: unknown = JSON.parse(data);
    if (typeof frame !== 'object' || frame === null || typeof (frame as { type?: unknown }).type !== 'string') return null;
    return frame as ServerFrame;
  } catch {
    return null;
  }
}

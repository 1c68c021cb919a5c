import type { ExtractedEntity } from './events.js';
import type { Button, RichElement } from './messages.js';
import type { ConnectorResult } from './ports.js';
import type { TurnSummary } from './tracker.js';

/**
 * The API of TypeScript actions: code in a bot folder's `actions/` that a flow step runs
 * (`- action: check_return`). A file exports its action as default:
 *
 * ```ts
 * import type { Action } from 'parley/actions';
 * const action: Action = { async run(ctx) { … } };
 * export default action;
 * ```
 *
 * What an action says and the slots it sets take effect only when it succeeds: one that throws
 * or runs past its step's `timeout_ms` leaves the conversation as it was, and the bot answers
 * with the step's `on_error` response instead.
 */

export interface Action {
  /** What the action is for (shown by `parley validate`). */
  readonly description?: string;
  run(context: ActionContext): void | Promise<void>;
}

/** A message an action says directly instead of naming a response of responses.yaml. */
export interface ActionMessage {
  readonly text: string;
  readonly buttons?: readonly Button[];
  readonly elements?: readonly RichElement[];
}

export interface ActionContext {
  /** The conversation's slots as they are when the action starts (plus what it set since). */
  readonly slots: Readonly<Record<string, unknown>>;
  /** Entities found in this turn's message. */
  readonly entities: readonly ExtractedEntity[];
  readonly context: ActionConversationContext;
  /** The bot's connectors, as flows use them; each call is recorded like a flow's call step. */
  readonly connectors: ActionConnectors;
  /** Says a response of responses.yaml by name (rendered with the slots), or a message of its own. */
  reply(message: string | ActionMessage): void;
  /**
   * Sets a slot the step declares under `sets:`; any other name throws, so the flows that read
   * an action's slots can be checked when the bot is loaded.
   */
  setSlot(name: string, value: unknown): void;
  /** Aborted when the step's timeout passes: stop work (pass it to fetch and the like). */
  readonly signal: AbortSignal;
}

export interface ActionConversationContext {
  readonly conversationId: string;
  /** The inbox id of the message being answered. */
  readonly turnId: string;
  /** The message being answered. */
  readonly text: string;
  readonly intent: string | null;
  readonly confidence: number;
  /** The flow that runs the action. */
  readonly flow: string;
  /** The last turns of the conversation, oldest first (not counting this one). */
  readonly recentTurns: readonly TurnSummary[];
}

export interface ActionConnectors {
  call(connector: string, operation: string, args?: Readonly<Record<string, string>>): Promise<ConnectorResult>;
}

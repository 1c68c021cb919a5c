import type { ConversationEvent } from './events.js';

/**
 * What the dialogue engine reads: a fold of the event log. It is never stored on its own, only
 * cached, so it can always be rebuilt from the events.
 */

export interface ActiveFlow {
  readonly flow: string;
  /** Index of the step the flow is waiting on (a collect step), or the next step to run. */
  readonly step: number;
  readonly waitingFor: string | null;
  readonly attempts: number;
}

export interface TurnSummary {
  readonly user: string;
  readonly intent: string | null;
  readonly bot: readonly string[];
}

export interface Tracker {
  readonly conversationId: string;
  readonly lastSeq: number;
  readonly slots: Readonly<Record<string, unknown>>;
  /** Which flow last set each slot, so a flow can tell its own stale answers from ones it may reuse. */
  readonly slotOwners: Readonly<Record<string, string>>;
  readonly flowStack: readonly ActiveFlow[];
  readonly latestIntent: string | null;
  readonly handoffRequested: boolean;
  readonly sessionEnded: boolean;
  /** When the user or the bot last said something (ISO time), null before the first message. */
  readonly lastActivityAt: string | null;
  /** Messages in a row that no flow took (fallback or clarification), for the "offer a human" policy. */
  readonly consecutiveMisses: number;
  /** The last few turns, oldest first. */
  readonly recentTurns: readonly TurnSummary[];
  /**
   * The buttons of the bot's last message that had any, since the user last wrote: what a reply
   * "2" picks on a channel that shows buttons as numbered choices.
   */
  readonly offeredButtons: readonly { readonly title: string; readonly payload: string }[];
  /** Who answers: the bot, or a person — waiting in a team's queue, or assigned. The bot is silent unless it is 'bot'. */
  readonly handoff: { readonly state: 'bot' | 'queued' | 'assigned'; readonly team: string | null; readonly agentId: string | null };
}

export const RECENT_TURNS_KEPT = 10;

export function emptyTracker(conversationId: string): Tracker {
  return {
    conversationId,
    lastSeq: 0,
    slots: {},
    slotOwners: {},
    flowStack: [],
    latestIntent: null,
    handoffRequested: false,
    sessionEnded: false,
    lastActivityAt: null,
    consecutiveMisses: 0,
    recentTurns: [],
    offeredButtons: [],
    handoff: { state: 'bot', team: null, agentId: null },
  };
}

export function applyEvent(tracker: Tracker, event: ConversationEvent): Tracker {
  const next = { ...tracker, lastSeq: event.seq };
  switch (event.type) {
    case 'session-started':
      // A new session keeps the conversation's history, not its half-done flows or their slots.
      return { ...next, flowStack: [], slots: {}, slotOwners: {}, sessionEnded: false, handoffRequested: false };
    case 'user-message':
      return {
        ...next,
        lastActivityAt: event.at,
        recentTurns: [...tracker.recentTurns, { user: event.data.text, intent: null, bot: [] }].slice(-RECENT_TURNS_KEPT),
        offeredButtons: [],
      };
    case 'intent-recognized': {
      const turns = [...tracker.recentTurns];
      const last = turns.at(-1);
      if (last) turns[turns.length - 1] = { ...last, intent: event.data.intent };
      return { ...next, latestIntent: event.data.intent, recentTurns: turns };
    }
    case 'bot-message': {
      const turns = [...tracker.recentTurns];
      const last = turns.at(-1);
      if (last) turns[turns.length - 1] = { ...last, bot: [...last.bot, event.data.message.text] };
      const buttons = event.data.message.buttons;
      return { ...next, lastActivityAt: event.at, recentTurns: turns, ...(buttons && buttons.length > 0 ? { offeredButtons: buttons } : {}) };
    }
    case 'slot-set': {
      const slotOwners = { ...tracker.slotOwners };
      if (event.data.flow === undefined) delete slotOwners[event.data.slot];
      else slotOwners[event.data.slot] = event.data.flow;
      return { ...next, slots: { ...tracker.slots, [event.data.slot]: event.data.value }, slotOwners };
    }
    case 'knowledge-answered':
      // An answer ends a run of misses; "I don't know" is one more.
      return { ...next, consecutiveMisses: event.data.answered ? 0 : tracker.consecutiveMisses + 1 };
    case 'policy-applied':
      return { ...next, consecutiveMisses: tracker.consecutiveMisses + 1 };
    case 'flow-started':
      return { ...next, consecutiveMisses: 0, flowStack: [...tracker.flowStack, { flow: event.data.flow, step: 0, waitingFor: null, attempts: 0 }] };
    case 'flow-waiting':
      return {
        ...next,
        flowStack: replaceTop(tracker.flowStack, event.data.flow, {
          flow: event.data.flow,
          step: event.data.step,
          waitingFor: event.data.slot,
          attempts: event.data.attempts,
        }),
      };
    case 'flow-completed':
    case 'flow-cancelled':
      return { ...next, flowStack: tracker.flowStack.filter((frame) => frame.flow !== event.data.flow) };
    case 'handoff-requested':
      return { ...next, handoffRequested: true, handoff: { state: 'queued', team: event.data.queue ?? tracker.handoff.team, agentId: null } };
    case 'agent-assigned':
      return { ...next, handoff: { ...tracker.handoff, state: 'assigned', agentId: event.data.agentId } };
    case 'handoff-released':
      return { ...next, handoff: { ...tracker.handoff, state: 'queued', agentId: null } };
    case 'handoff-transferred':
      return { ...next, handoff: { state: 'queued', team: event.data.to, agentId: null } };
    case 'handoff-resolved':
      return { ...next, handoffRequested: false, handoff: { state: 'bot', team: null, agentId: null }, consecutiveMisses: 0 };
    case 'session-ended':
      return { ...next, sessionEnded: true };
    default:
      return next;
  }
}

function replaceTop(stack: readonly ActiveFlow[], flow: string, frame: ActiveFlow): ActiveFlow[] {
  const copy = [...stack];
  const index = copy.map((f) => f.flow).lastIndexOf(flow);
  if (index === -1) copy.push(frame);
  else copy[index] = frame;
  return copy;
}

export function foldEvents(tracker: Tracker, events: readonly ConversationEvent[]): Tracker {
  let current = tracker;
  for (const event of events) current = applyEvent(current, event);
  return current;
}

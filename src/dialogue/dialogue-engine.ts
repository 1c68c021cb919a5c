import {
  ParleyError,
  applyEvent,
  type ActionStep,
  type ActiveFlow,
  type BotDefinition,
  type CallStep,
  type CollectStep,
  type ConnectorGateway,
  type EventBody,
  type FlowDefinition,
  type KnowledgeAnswer,
  type KnowledgeAnswerer,
  type OutgoingMessage,
  type RankedIntent,
  type Tracker,
  type Understanding,
} from '../core/index.js';
import { runAction } from './action-runner.js';
import { answerMessage } from './knowledge-message.js';
import { conditionHolds } from './conditions.js';
import { renderResponse } from './response-picker.js';
import { renderTemplate } from './templates.js';

/**
 * The dialogue engine decides what the bot does with one understood message: continue the flow
 * that is waiting for an answer, start the flow the intent triggers, or fall back. It returns
 * effects (events and messages, in order) and writes nothing itself: the turn engine commits
 * them in one transaction.
 */

export type DialogueEffect =
  | { readonly kind: 'event'; readonly event: EventBody }
  | { readonly kind: 'say'; readonly response: string; readonly message: OutgoingMessage; readonly messageId?: string };

export interface DialogueInput {
  readonly tracker: Tracker;
  readonly understanding: Understanding;
  readonly text: string;
  /** Stable id of the turn (the inbox entry id): seeds the choice among response variations. */
  readonly turnId: string;
  /** Where a reply written piece by piece (a generated answer) is shown as it grows, when the channel can. */
  readonly stream?: ReplyStream;
}

/** A live view of replies in the making; the reply committed later carries the same message id. */
export interface ReplyStream {
  /** Starts a streamed reply and gives the message id it will be committed under. */
  open(): string;
  delta(messageId: string, text: string): void;
}

export interface DialogueEngine {
  decide(input: DialogueInput): Promise<DialogueEffect[]>;
}

export interface DialogueEngineOptions {
  /** Monotonic milliseconds, for action durations. */
  readonly now?: () => number;
  /** Answers from the bot's documents (when bot.yaml has `knowledge`). */
  readonly knowledge?: KnowledgeAnswerer;
  /** Whether someone can take over for a team now; without it, a handoff is always queued. */
  readonly handoffAvailable?: (team: string) => boolean;
  /** Ids for tickets. */
  readonly newId?: (prefix: string) => string;
}

export function createDialogueEngine(
  bot: BotDefinition,
  connectors: ConnectorGateway,
  options: DialogueEngineOptions = {},
): DialogueEngine {
  const flowsByName = new Map(bot.flows.map((flow) => [flow.name, flow]));
  const intentsByName = new Map(bot.intents.map((intent) => [intent.name, intent]));
  const flowsByIntent = new Map<string, FlowDefinition>();
  for (const flow of bot.flows) for (const intent of flow.trigger.intents) flowsByIntent.set(intent, flow);
  const patterns = new Map<string, RegExp>();
  const now = options.now ?? (() => performance.now());

  function validator(step: CollectStep): RegExp | null {
    if (!step.validate) return null;
    let compiled = patterns.get(step.validate.pattern);
    if (!compiled) {
      compiled = new RegExp(step.validate.pattern);
      patterns.set(step.validate.pattern, compiled);
    }
    return compiled;
  }

  return {
    async decide(input) {
      const turn = new Turn(bot, input);
      const fedUp = frustration(input.text);
      if (fedUp !== null) {
        await handOff(turn, `frustration: "${fedUp}"`);
        return turn.effects;
      }
      const waiting = input.tracker.flowStack.at(-1);
      if (waiting?.waitingFor) await continueWaitingFlow(turn, waiting);
      else await startOrFallBack(turn);
      return turn.effects;
    },
  };

  async function continueWaitingFlow(turn: Turn, frame: ActiveFlow): Promise<void> {
    const flow = flowsByName.get(frame.flow);
    const step = flow?.steps[frame.step];
    const waitsForConfirmation = frame.waitingFor === CONFIRMATION && step !== undefined && 'confirm' in step;
    if (!flow || !step || !(('collect' in step && frame.waitingFor === step.collect) || waitsForConfirmation)) {
      // The bot changed under a running conversation: the old position no longer exists.
      turn.emit({ type: 'flow-cancelled', data: { flow: frame.flow, reason: 'flow changed' } });
      await startOrFallBack(turn);
      return;
    }
    const intent = turn.input.understanding.intent;
    const interrupts = turn.input.understanding.confidence >= bot.config.dialogue.interruption_min_confidence;
    // "no" at a confirmation is its answer, even though it also reads like "never mind"; so is
    // "changed my mind" when the question is the reason for a return.
    const answersTheQuestion = 'confirm' in step ? yesOrNo(turn.input) !== null : step.entity !== undefined && answerFor(step, turn.input) !== undefined;
    if (intent !== null && intent === bot.config.dialogue.cancel_intent && interrupts && !answersTheQuestion) {
      turn.emit({ type: 'flow-cancelled', data: { flow: flow.name, reason: 'cancelled by the user' } });
      turn.say(bot.config.dialogue.cancelled_response ?? bot.config.fallback.response);
      await resumeWaitingFlow(turn);
      return;
    }
    // Other slots of the flow found in the message: filled, or corrected when already set.
    // While a free-text question waits, the message is its answer ("12 Market Street, 10115
    // Berlin" holds something shaped like an order number); only a message that says it corrects
    // ("no, order 44120") changes an earlier answer.
    const freeText = 'collect' in step && step.entity === undefined;
    const changedSteps = freeText && !CORRECTION_CUE.test(turn.input.text) ? [] : fillOtherSlots(turn, flow, 'collect' in step ? step.collect : null);
    const corrected = changedSteps.length > 0;
    // A corrected earlier answer ("no, order 44120"): the flow runs again from that answer, so
    // the lookups and checks after it see the new value; the other answers given are kept.
    const rewindTo = corrected ? Math.min(...changedSteps) : frame.step;

    if ('confirm' in step) {
      if (rewindTo < frame.step) return runFlow(turn, flow, rewindTo);
      const answer = corrected ? null : yesOrNo(turn.input);
      if (answer === null && !corrected && (await digressOrSwitch(turn, flow))) return;
      if (answer === 'yes') return runFlow(turn, flow, frame.step + 1);
      if (answer === 'no') {
        if (step.confirm.on_no) turn.say(step.confirm.on_no);
        turn.emit({ type: 'flow-cancelled', data: { flow: flow.name, reason: 'not confirmed' } });
        await resumeWaitingFlow(turn);
        return;
      }
      // A correction asks again with the new values; anything else counts as a failed attempt.
      const attempts = corrected ? frame.attempts : frame.attempts + 1;
      if (attempts >= step.confirm.max_attempts) return giveUp(turn, flow);
      turn.say(step.confirm.ask);
      turn.emit({ type: 'flow-waiting', data: { flow: flow.name, step: frame.step, slot: CONFIRMATION, attempts } });
      return;
    }

    const answer = answerFor(step, turn.input);
    if (!corrected && (step.entity === undefined || answer === undefined) && (await digressOrSwitch(turn, flow, step.entity === undefined))) return;
    // A message that corrected another answer is not also the answer to a free-text question.
    const answered = answer !== undefined && isValid(step, answer) && !(corrected && step.entity === undefined);
    if (answered) turn.emit({ type: 'slot-set', data: { slot: step.collect, value: answer, flow: flow.name } });
    if (answered || rewindTo < frame.step) {
      await runFlow(turn, flow, answered ? Math.min(rewindTo, frame.step + 1) : rewindTo);
      return;
    }
    const attempts = frame.attempts + 1;
    if (attempts >= step.max_attempts) return giveUp(turn, flow);
    turn.say(step.validate?.invalid ?? step.ask);
    turn.emit({ type: 'flow-waiting', data: { flow: flow.name, step: frame.step, slot: step.collect, attempts } });
  }

  /**
   * Another flow's intent while this one waits: a digression runs on top and the waiting flow
   * resumes after it; any other flow replaces the waiting one. False when the message is no such
   * interruption.
   */
  async function digressOrSwitch(turn: Turn, waiting: FlowDefinition, freeText = false): Promise<boolean> {
    const other = intentFlow(turn.input.understanding.intent);
    if (other === undefined || other.name === waiting.name) return false;
    // A free-text answer ("my tent arrived without poles") reads like many intents; it takes a sure one to interrupt it.
    const needed = freeText ? Math.max(0.85, bot.config.dialogue.interruption_min_confidence) : bot.config.dialogue.interruption_min_confidence;
    if (turn.input.understanding.confidence < needed) return false;
    if (!other.digression) {
      turn.emit({ type: 'flow-cancelled', data: { flow: waiting.name, reason: `interrupted by ${turn.input.understanding.intent}` } });
    }
    await startFlow(turn, other);
    return true;
  }

  async function giveUp(turn: Turn, flow: FlowDefinition): Promise<void> {
    turn.emit({ type: 'flow-cancelled', data: { flow: flow.name, reason: 'too many invalid answers' } });
    turn.say(bot.config.fallback.response);
    await resumeWaitingFlow(turn);
  }

  /** After a flow ends, the flow it interrupted (a digression's) asks its question again. */
  async function resumeWaitingFlow(turn: Turn): Promise<void> {
    const frame = turn.topFrame();
    if (!frame?.waitingFor) return;
    const flow = flowsByName.get(frame.flow);
    const step = flow?.steps[frame.step];
    if (!flow || !step) return;
    if ('collect' in step) turn.say(step.ask);
    else if ('confirm' in step) turn.say(step.confirm.ask);
    else return;
    turn.emit({ type: 'flow-waiting', data: { flow: flow.name, step: frame.step, slot: frame.waitingFor, attempts: frame.attempts } });
  }

  /** Fills the flow's other collect slots from entities in the message; the indices of the steps whose slot changed. */
  function fillOtherSlots(turn: Turn, flow: FlowDefinition, except: string | null): number[] {
    const changed: number[] = [];
    for (const [index, step] of flow.steps.entries()) {
      if (!('collect' in step) || step.collect === except || step.entity === undefined) continue;
      const value = entityValue(step.entity, turn.input);
      if (value === undefined || !isValid(step, value) || turn.slots[step.collect] === value) continue;
      turn.emit({ type: 'slot-set', data: { slot: step.collect, value, flow: flow.name } });
      changed.push(index);
    }
    return changed;
  }

  async function startOrFallBack(turn: Turn): Promise<void> {
    const flow = intentFlow(turn.input.understanding.intent);
    const { understanding } = turn.input;
    const knowledge = bot.config.knowledge;
    if (flow && tooCloseToCall(turn)) return clarify(turn, 'too close to call');
    if (flow && options.knowledge && knowledge && understanding.stage === 'classifier' && understanding.confidence < knowledge.prefer_below_confidence) {
      // A weak guess at an intent: the documents answer instead when they clearly can.
      if ((await answerFromKnowledge(turn, undefined, false)) === 'answered') return;
    }
    if (flow) await startFlow(turn, flow);
    else await missed(turn);
  }

  /** The classifier's winner barely leads a runner-up that would start another flow. */
  function tooCloseToCall(turn: Turn): boolean {
    const { understanding } = turn.input;
    const policy = bot.config.dialogue;
    const [first, second] = understanding.ranking;
    if (!policy.clarify_response || policy.clarify_margin === 0 || understanding.stage !== 'classifier' || !first || !second) return false;
    if (first.intent !== understanding.intent || first.confidence - second.confidence >= policy.clarify_margin) return false;
    // Both must be plausible: a close second that is itself a long shot is no reason to ask.
    if (second.confidence < policy.clarify_min_confidence) return false;
    const other = intentFlow(second.intent);
    return other !== undefined && other !== intentFlow(first.intent);
  }

  /** Asks which of the two likeliest intents was meant, with both as buttons. */
  function clarify(turn: Turn, why: string): void {
    const [first, second] = turn.input.understanding.ranking as [RankedIntent, RankedIntent];
    const options = [first, second].map((candidate) => ({
      title: intentsByName.get(candidate.intent)?.title ?? candidate.intent.replaceAll('_', ' '),
      payload: `/${candidate.intent}`,
    }));
    turn.emit({
      type: 'policy-applied',
      data: {
        policy: 'clarify',
        reason: `"${first.intent}" (${first.confidence.toFixed(3)}) and "${second.intent}" (${second.confidence.toFixed(3)}): ${why}`,
        intents: [first.intent, second.intent],
      },
    });
    turn.say(bot.config.dialogue.clarify_response!, options);
  }

  /**
   * A message no flow takes. A second miss in a row offers a person (when the bot has that
   * response); a message close to two known intents gets a question with both as buttons (when the
   * bot has a clarifying response); anything else gets the fallback. The choice is an event.
   */
  async function missed(turn: Turn): Promise<void> {
    const { understanding } = turn.input;
    const policy = bot.config.dialogue;
    const [first, second] = understanding.ranking;
    // Close to two intents the bot has flows for: asking which beats any guess.
    if (
      policy.clarify_response &&
      understanding.stage === 'below-threshold' &&
      first &&
      second &&
      second.confidence >= policy.clarify_min_confidence &&
      intentFlow(first.intent) &&
      intentFlow(second.intent)
    ) {
      clarify(turn, 'both are plausible, neither is certain');
      return;
    }
    // The bot's documents may answer what no flow takes; when they do not, the policies below decide.
    const unknown = options.knowledge && bot.config.knowledge ? await answerFromKnowledge(turn, undefined, false) : null;
    if (unknown === 'answered') return;
    const { after_misses: afterMisses } = bot.config.handoff;
    if (afterMisses > 0 && turn.consecutiveMisses + 1 >= afterMisses) {
      await handOff(turn, `${turn.consecutiveMisses + 1} messages in a row were not understood`);
      return;
    }
    // The second miss in a row offers a person (once: a third may hand off, see handoff.after_misses).
    if (policy.offer_human_response && turn.consecutiveMisses === 1) {
      turn.emit({ type: 'policy-applied', data: { policy: 'offer-human', reason: `${turn.consecutiveMisses + 1} messages in a row were not understood` } });
      turn.say(policy.offer_human_response);
      return;
    }
    if (unknown !== null && sayDontKnow(turn, unknown)) return;
    turn.emit({ type: 'policy-applied', data: { policy: 'fallback', reason: understanding.reason } });
    turn.say(bot.config.fallback.response);
  }

  /**
   * Answers the message from the knowledge base: 'answered', or what was found when the evidence
   * was too weak (then `sayUnknown` says so right away, else the caller decides).
   */
  async function answerFromKnowledge(turn: Turn, tags: readonly string[] | undefined, sayUnknown: boolean): Promise<'answered' | Extract<KnowledgeAnswer, { kind: 'unknown' }>> {
    const stream = turn.input.stream;
    let streamId: string | undefined;
    const result = await options.knowledge!.answer({
      question: turn.input.text,
      ...(tags ? { tags } : {}),
      ...(stream
        ? {
            onDelta: (delta: string) => {
              streamId ??= stream.open();
              stream.delta(streamId, delta);
            },
          }
        : {}),
    });
    if (result.kind === 'unknown') {
      if (sayUnknown && !sayDontKnow(turn, result)) turn.say(bot.config.fallback.response);
      return result;
    }
    turn.emit({
      type: 'knowledge-answered',
      data: { answered: true, mode: result.mode, evidence: result.evidence, sources: result.citations.map((citation) => citation.source), reason: result.reason },
    });
    turn.sayMessage(answerMessage(result), streamId);
    return 'answered';
  }

  /** "I don't know" (with the offer of a person the response makes); false when the bot has no such response. */
  function sayDontKnow(turn: Turn, unknown: Extract<KnowledgeAnswer, { kind: 'unknown' }>): boolean {
    const response = bot.config.knowledge?.dont_know_response;
    if (!response) return false;
    turn.emit({ type: 'knowledge-answered', data: { answered: false, mode: 'none', evidence: unknown.evidence, sources: [], reason: unknown.reason } });
    turn.say(response);
    return true;
  }

  async function startFlow(turn: Turn, flow: FlowDefinition, options: { keepSlots?: boolean } = {}): Promise<void> {
    turn.emit({ type: 'flow-started', data: { flow: flow.name } });
    for (const step of flow.steps) {
      if (!('collect' in step)) continue;
      // An entity in this very message fills the slot. An answer this flow collected in an earlier
      // run is stale (asking for an order's status again usually means another order); one another
      // flow collected still holds and carries over, as does everything a goto hands over.
      const fresh = step.entity === undefined ? undefined : entityValue(step.entity, turn.input);
      const current = turn.slots[step.collect];
      if (fresh !== undefined && isValid(step, fresh)) turn.emit({ type: 'slot-set', data: { slot: step.collect, value: fresh, flow: flow.name } });
      else if (!options.keepSlots && current !== undefined && current !== null && turn.slotOwner(step.collect) === flow.name) {
        turn.emit({ type: 'slot-set', data: { slot: step.collect, value: null, flow: flow.name } });
      }
    }
    await runFlow(turn, flow, 0);
  }

  async function runFlow(turn: Turn, flow: FlowDefinition, from: number): Promise<void> {
    for (let index = from; index < flow.steps.length; index += 1) {
      const step = flow.steps[index]!;
      if (step.if && !conditionHolds(step.if, turn.slots)) continue;
      if ('collect' in step) {
        const value = turn.slots[step.collect];
        if (value !== undefined && value !== null) continue;
        turn.emit({ type: 'flow-waiting', data: { flow: flow.name, step: index, slot: step.collect, attempts: 0 } });
        turn.say(step.ask);
        return;
      }
      if ('confirm' in step) {
        turn.emit({ type: 'flow-waiting', data: { flow: flow.name, step: index, slot: CONFIRMATION, attempts: 0 } });
        turn.say(step.confirm.ask);
        return;
      }
      if ('goto' in step) {
        turn.emit({ type: 'flow-completed', data: { flow: flow.name } });
        const next = flowsByName.get(step.goto);
        if (!next) throw new ParleyError('PARLEY_BOT_INVALID', `Flow "${flow.name}" goes to unknown flow "${step.goto}"`);
        await startFlow(turn, next, { keepSlots: true });
        return;
      }
      if ('call' in step) {
        if (!(await runCall(turn, flow, step))) return;
      } else if ('action' in step) {
        if (!(await runActionStep(turn, flow, step))) return;
      } else if ('answer' in step) {
        if (options.knowledge && bot.config.knowledge) await answerFromKnowledge(turn, step.tags, true);
        else turn.say(bot.config.fallback.response);
      } else if ('handoff' in step) {
        const team = step.handoff.queue ?? teamFor(turn.input.understanding.intent, flow.name);
        if (await nobodyAvailable(turn, team, flow.name)) return;
        turn.emit({ type: 'handoff-requested', data: { reason: step.handoff.reason, queue: team } });
        if (step.handoff.say) turn.say(step.handoff.say);
      } else if ('ticket' in step) {
        const ticketId = (options.newId ?? ((prefix: string) => `${prefix}_${turn.input.turnId}`))('tkt');
        const tracker = turn.current;
        turn.emit({
          type: 'ticket-created',
          data: { ticketId, team: step.ticket.team ?? bot.config.handoff.default_team, reason: step.ticket.reason, slots: { ...tracker.slots }, transcript: [...tracker.recentTurns].map((item) => ({ ...item, bot: [...item.bot] })) },
        });
      } else if ('set' in step) {
        for (const [slot, value] of Object.entries(step.set)) turn.emit({ type: 'slot-set', data: { slot, value } });
      } else if ('end' in step) {
        if (step.say) turn.say(step.say);
        break;
      } else {
        turn.say(step.say);
      }
    }
    turn.emit({ type: 'flow-completed', data: { flow: flow.name } });
    await resumeWaitingFlow(turn);
  }

  /** Runs a connector call; false when the flow cannot go on. */
  async function runCall(turn: Turn, flow: FlowDefinition, step: CallStep): Promise<boolean> {
    const [connector, operation] = step.call.split('.') as [string, string];
    const args = Object.fromEntries(Object.entries(step.with).map(([name, template]) => [name, renderTemplate(template, turn.slots)]));
    const started = now();
    const result = await connectors.call(connector, operation, args);
    const durationMs = Math.max(0, now() - started);
    turn.emit({
      type: 'action-executed',
      data: { action: step.call, outcome: result.outcome, durationMs, ...(result.outcome === 'error' ? { errorCode: result.code } : {}) },
    });
    if (result.outcome === 'success') {
      turn.emit({ type: 'slot-set', data: { slot: step.save_as, value: result.data, flow: flow.name } });
      return true;
    }
    if (result.outcome === 'not-found') {
      turn.say(step.on_not_found ?? bot.config.fallback.response);
      turn.emit({ type: 'flow-cancelled', data: { flow: flow.name, reason: 'not found' } });
      await resumeWaitingFlow(turn);
      return false;
    }
    turn.say(step.on_error ?? bot.config.error_response ?? bot.config.fallback.response);
    turn.emit({ type: 'flow-cancelled', data: { flow: flow.name, reason: `connector error ${result.code}` } });
    await resumeWaitingFlow(turn);
    return false;
  }

  /** Runs a TypeScript action; false when it failed and the flow cannot go on. */
  async function runActionStep(turn: Turn, flow: FlowDefinition, step: ActionStep): Promise<boolean> {
    const { understanding } = turn.input;
    const outcome = await runAction({
      action: bot.actions?.[step.action],
      step,
      slots: turn.slots,
      entities: understanding.entities,
      context: {
        conversationId: turn.input.tracker.conversationId,
        turnId: turn.input.turnId,
        text: turn.input.text,
        intent: understanding.intent,
        confidence: understanding.confidence,
        flow: flow.name,
        recentTurns: turn.input.tracker.recentTurns,
      },
      connectors,
      hasResponse: (name) => Object.hasOwn(bot.responses, name),
      now,
    });
    for (const call of outcome.calls) turn.emit({ type: 'action-executed', data: call });
    turn.emit({
      type: 'action-executed',
      data: {
        action: step.action,
        outcome: outcome.ok ? 'success' : 'error',
        durationMs: outcome.durationMs,
        ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
      },
    });
    if (outcome.ok) {
      for (const effect of outcome.effects) {
        if (effect.kind === 'slot') turn.emit({ type: 'slot-set', data: { slot: effect.slot, value: effect.value, flow: flow.name } });
        else if (effect.kind === 'response') turn.say(effect.response);
        else turn.sayMessage(effect.message);
      }
      return true;
    }
    turn.say(step.on_error ?? bot.config.error_response ?? bot.config.fallback.response);
    turn.emit({ type: 'flow-cancelled', data: { flow: flow.name, reason: `action failed: ${outcome.errorCode ?? 'PARLEY_ACTION_FAILED'}` } });
    await resumeWaitingFlow(turn);
    return false;
  }

  /** The team a handoff goes to: the one that claims the intent or the flow, else the default. */
  function teamFor(intent: string | null, flow: string | null): string {
    const { teams, default_team: fallbackTeam } = bot.config.handoff;
    const team = teams.find((candidate) => (intent !== null && candidate.intents.includes(intent)) || (flow !== null && candidate.flows.includes(flow)));
    return team?.name ?? fallbackTeam;
  }

  /** A handoff the bot decides on by itself (frustration, repeated misses): the waiting flow ends, a person takes over. */
  async function handOff(turn: Turn, reason: string): Promise<void> {
    const waiting = turn.topFrame();
    if (waiting) turn.emit({ type: 'flow-cancelled', data: { flow: waiting.flow, reason: 'handed off to a person' } });
    const team = teamFor(turn.input.understanding.intent, waiting?.flow ?? null);
    if (await nobodyAvailable(turn, team, null)) return;
    turn.emit({ type: 'handoff-requested', data: { reason, queue: team } });
    const response = bot.config.handoff.response;
    if (response) turn.say(response);
  }

  /**
   * Nobody can take over for the team now: the bot says so and takes a message (its flow), and
   * true; false when someone can (or the bot has no such response: then the handoff is queued).
   */
  async function nobodyAvailable(turn: Turn, team: string, current: string | null): Promise<boolean> {
    const config = bot.config.handoff;
    if (!options.handoffAvailable || !config.nobody_available_response || options.handoffAvailable(team)) return false;
    turn.emit({ type: 'handoff-unavailable', data: { team, reason: 'outside business hours, or nobody of the team online' } });
    if (current) turn.emit({ type: 'flow-completed', data: { flow: current } });
    turn.say(config.nobody_available_response);
    const takeMessage = config.take_message_flow ? flowsByName.get(config.take_message_flow) : undefined;
    if (takeMessage) await startFlow(turn, takeMessage);
    return true;
  }

  /** The first of the bot's frustration words or phrases the message contains, as a whole word, or null. */
  function frustration(text: string): string | null {
    const lower = ` ${text.toLowerCase().replace(/[^\p{L}\p{N}']+/gu, ' ')} `;
    for (const phrase of bot.config.handoff.frustration_words) {
      const wanted = ` ${phrase.toLowerCase().replace(/[^\p{L}\p{N}']+/gu, ' ').trim()} `;
      if (wanted.trim() !== '' && lower.includes(wanted)) return phrase;
    }
    return null;
  }

  function intentFlow(intent: string | null): FlowDefinition | undefined {
    return intent === null ? undefined : flowsByIntent.get(intent);
  }

  function answerFor(step: CollectStep, input: DialogueInput): unknown {
    if (step.entity !== undefined) return entityValue(step.entity, input);
    const text = input.text.trim();
    return text === '' ? undefined : text;
  }

  function isValid(step: CollectStep, value: unknown): boolean {
    const pattern = validator(step);
    return pattern === null || pattern.test(String(value));
  }
}

/** Words that mark a message as correcting an earlier answer. */
const CORRECTION_CUE = /\b(no|nope|not|actually|sorry|meant|mean|wrong|instead|correction|oops)\b/i;

/** What a flow waits on while a confirm step asks; never a slot name (those cannot start with @). */
export const CONFIRMATION = '@confirm';

const YES = new Set(['yes', 'y', 'yeah', 'yep', 'yup', 'sure', 'correct', 'right', 'ok', 'okay', 'confirm', 'confirmed', 'absolutely', 'definitely', 'affirmative', 'please do']);
const NO = new Set(['no', 'n', 'nope', 'nah', 'wrong', 'incorrect', 'negative', 'not really', 'no thanks', 'dont']);

/**
 * A yes or no: the bot's own `affirm`/`deny` intents when it has them, else common English words
 * at the start of the message ("yes please", "no, that's wrong").
 */
function yesOrNo(input: DialogueInput): 'yes' | 'no' | null {
  const intent = input.understanding.intent;
  if (intent === 'affirm') return 'yes';
  if (intent === 'deny') return 'no';
  const words = input.text.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ' ').split(/\s+/).filter(Boolean);
  for (const length of [2, 1]) {
    const start = words.slice(0, length).join(' ');
    if (YES.has(start)) return 'yes';
    if (NO.has(start)) return 'no';
  }
  return null;
}

function entityValue(entity: string, input: DialogueInput): unknown {
  return input.understanding.entities.find((candidate) => candidate.entity === entity)?.value;
}

/** The working state of one decision: effects so far and the tracker they lead to. */
class Turn {
  readonly effects: DialogueEffect[] = [];
  private state: Tracker;

  constructor(
    private readonly bot: BotDefinition,
    readonly input: DialogueInput,
  ) {
    this.state = input.tracker;
  }

  get slots(): Readonly<Record<string, unknown>> {
    return this.state.slots;
  }

  /** The conversation as it stands after what this turn has done so far. */
  get current(): Tracker {
    return this.state;
  }

  topFrame(): ActiveFlow | undefined {
    return this.state.flowStack.at(-1);
  }

  slotOwner(slot: string): string | undefined {
    return this.state.slotOwners[slot];
  }

  get consecutiveMisses(): number {
    return this.state.consecutiveMisses;
  }

  emit(event: EventBody): void {
    this.effects.push({ kind: 'event', event });
    // Fold through the same reducer the tracker uses, so later steps see the slots just set.
    this.state = applyEvent(this.state, { ...event, id: '', at: '', v: 1, conversationId: this.state.conversationId, seq: this.state.lastSeq } as Parameters<typeof applyEvent>[1]);
  }

  /** Says a response; `buttons` replace the response's own (a clarifying question's options). */
  say(response: string, buttons?: OutgoingMessage['buttons']): void {
    const variations = this.bot.responses[response];
    if (!variations) throw new ParleyError('PARLEY_BOT_INVALID', `Response "${response}" is not defined in responses.yaml`);
    const message = renderResponse(variations, this.input.turnId, response, this.state.slots);
    this.effects.push({ kind: 'say', response, message: buttons ? { ...message, buttons } : message });
  }

  /** Says a message composed in code (an action's, a knowledge answer); `messageId` when it was streamed under one. */
  sayMessage(message: OutgoingMessage, messageId?: string): void {
    this.effects.push({ kind: 'say', response: '@message', message, ...(messageId ? { messageId } : {}) });
  }
}

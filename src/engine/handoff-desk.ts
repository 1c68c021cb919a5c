import {
  ParleyError,
  type AgentRecord,
  type BotDefinition,
  type Clock,
  type ConversationEvent,
  type HandoffRecord,
  type IdGenerator,
  type ParleyStore,
} from '../core/index.js';
import { silentLogger, type EngineLogger } from './logger.js';
import type { TurnEngine } from './turn-engine.js';

/**
 * Where people take conversations over from the bot: the teams' queues, claiming (exactly one
 * agent wins), replying, internal notes, transfers, giving a conversation back to the bot, agents
 * coming and going, and the first-response SLA. The queue lives in the store (`handoffs`), so
 * every process sees the same one; what happened is also in each conversation's log as events,
 * which webhooks carry, and every agent action is in the audit log.
 */

export type Presence = 'online' | 'offline';

export interface ConversationContext {
  readonly handoff: HandoffRecord | null;
  /** Why it came to a person (the handoff request's reason). */
  readonly trigger: string | null;
  readonly transcript: readonly { readonly seq: number; readonly at: string; readonly role: 'user' | 'bot' | 'agent' | 'note'; readonly text: string; readonly agentId?: string }[];
  readonly intents: readonly { readonly text: string; readonly intent: string | null; readonly confidence: number }[];
  readonly slots: Readonly<Record<string, unknown>>;
  readonly entities: readonly { readonly entity: string; readonly value: unknown }[];
  /** A few lines an agent reads first: what was asked, what the bot understood, what it knows. */
  readonly summary: string;
}

export interface HandoffDesk {
  /** Puts a conversation in its team's queue (after a turn requested a person). */
  queue(request: { conversationId: string; team: string; reason: string; at: string }): Promise<HandoffRecord>;
  /** A handoff asked for through the API: the event, then the queue. */
  request(conversationId: string, options: { reason: string; team?: string }): Promise<HandoffRecord>;
  /** Queued (and, for `mine`, assigned to the agent) conversations of the agent's teams, longest waiting first, with their place in line. */
  list(agent: AgentRecord, options?: { mine?: boolean }): Promise<(HandoffRecord & { position: number | null })[]>;
  claim(agent: AgentRecord, conversationId: string): Promise<HandoffRecord>;
  /** Claims the longest-waiting conversation of the agent's teams; null when the queues are empty. */
  next(agent: AgentRecord): Promise<HandoffRecord | null>;
  reply(agent: AgentRecord, conversationId: string, text: string): Promise<{ messageId: string }>;
  note(agent: AgentRecord, conversationId: string, text: string): Promise<{ noteId: string }>;
  transfer(agent: AgentRecord, conversationId: string, team: string): Promise<HandoffRecord>;
  /** Back to the bot. */
  resolve(agent: AgentRecord, conversationId: string): Promise<HandoffRecord>;
  context(agent: AgentRecord, conversationId: string): Promise<ConversationContext>;
  /** An agent going offline gives their conversations back to the queue, in their place in line. */
  setPresence(agent: AgentRecord, presence: Presence): Promise<{ released: string[] }>;
  presenceOf(agentId: string): Presence;
  /** Whether someone can take over for the team now: within business hours, and an agent of the team (or an admin) online. */
  isAvailable(team: string): boolean;
  /** Where a waiting conversation stands: its team and place in line (1 = next). */
  position(conversationId: string): Promise<{ state: HandoffRecord['state'] | 'bot'; team: string | null; position: number | null }>;
  /** Records an SLA breach (event and mark, once) for every open handoff past its team's first-response target; returns how many. */
  checkSla(): Promise<number>;
}

export interface HandoffDeskOptions {
  readonly store: ParleyStore;
  readonly engine: TurnEngine;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly bot: () => BotDefinition;
  readonly logger?: EngineLogger;
}

export function createHandoffDesk(options: HandoffDeskOptions): HandoffDesk {
  const { store, engine, clock, ids } = options;
  const logger = options.logger ?? silentLogger;
  const presence = new Map<string, { status: Presence; agent: AgentRecord }>();

  const now = () => clock.now().toISOString();

  function visible(agent: AgentRecord, team: string): boolean {
    return agent.role === 'admin' || agent.teams.includes(team);
  }

  async function audit(agent: AgentRecord | null, action: string, conversationId: string | null, details: Record<string, unknown> = {}): Promise<void> {
    await store.agents.appendAudit({ id: ids.next('aud'), at: now(), agentId: agent?.id ?? null, action, conversationId, details });
  }

  /** The handoff the agent may act on, or the error that says why not. */
  async function owned(agent: AgentRecord, conversationId: string, mustBeAssignedToThem: boolean): Promise<HandoffRecord> {
    const record = await store.handoffs.get(conversationId);
    if (!record || record.state === 'resolved') throw new ParleyError('PARLEY_HANDOFF_NOT_OPEN', `Conversation ${conversationId} is not waiting for or talking to a person`);
    if (!visible(agent, record.team)) throw new ParleyError('PARLEY_AUTH_FORBIDDEN', `Conversation ${conversationId} belongs to team "${record.team}", which is not one of yours`);
    if (mustBeAssignedToThem && (record.state !== 'assigned' || (record.agentId !== agent.id && agent.role !== 'admin'))) {
      throw new ParleyError('PARLEY_HANDOFF_NOT_YOURS', `Conversation ${conversationId} is not assigned to you; claim it first`);
    }
    return record;
  }

  async function claimed(agent: AgentRecord, record: HandoffRecord): Promise<HandoffRecord> {
    await engine.appendEvents(record.conversationId, [{ type: 'agent-assigned', data: { agentId: agent.id } }]);
    await audit(agent, 'claim', record.conversationId, { team: record.team });
    return record;
  }

  async function checkCapacity(agent: AgentRecord): Promise<void> {
    const assigned = await store.handoffs.list({ states: ['assigned'], agentId: agent.id });
    if (assigned.length >= agent.capacity) {
      throw new ParleyError('PARLEY_AGENT_AT_CAPACITY', `You already have ${assigned.length} conversation(s), your capacity; resolve or transfer one first`);
    }
  }

  async function placeInLine(record: HandoffRecord): Promise<number | null> {
    if (record.state !== 'queued') return null;
    const queued = await store.handoffs.list({ states: ['queued'], teams: [record.team], bot: record.bot });
    const index = queued.findIndex((candidate) => candidate.conversationId === record.conversationId);
    return index === -1 ? null : index + 1;
  }

  function teamTarget(team: string): number {
    return options.bot().config.handoff.teams.find((candidate) => candidate.name === team)?.first_response_seconds ?? 300;
  }

  return {
    async queue(request) {
      return store.handoffs.open({ conversationId: request.conversationId, bot: options.bot().config.name, team: request.team, reason: request.reason, at: request.at });
    },

    async request(conversationId, { reason, team }) {
      const chosen = team ?? options.bot().config.handoff.default_team;
      const open = await store.handoffs.get(conversationId);
      if (open && open.state !== 'resolved') throw new ParleyError('PARLEY_HANDOFF_ALREADY_OPEN', `Conversation ${conversationId} is already with a person (${open.state})`);
      // The queue first, then the event: whoever the event wakes (the agent socket) finds the conversation waiting.
      const record = await this.queue({ conversationId, team: chosen, reason, at: now() });
      await engine.appendEvents(conversationId, [{ type: 'handoff-requested', data: { reason, queue: chosen } }], {
        check: (tracker) => {
          if (tracker.handoff.state !== 'bot') throw new ParleyError('PARLEY_HANDOFF_ALREADY_OPEN', `Conversation ${conversationId} is already with a person (${tracker.handoff.state})`);
        },
      });
      await audit(null, 'handoff-requested', conversationId, { reason, team: chosen, via: 'api' });
      return record;
    },

    async list(agent, listOptions = {}) {
      const teams = agent.role === 'admin' ? [] : [...agent.teams];
      if (agent.role !== 'admin' && teams.length === 0) return [];
      const records = listOptions.mine
        ? await store.handoffs.list({ states: ['assigned'], agentId: agent.id })
        : await store.handoffs.list({ states: ['queued'], ...(teams.length > 0 ? { teams } : {}) });
      // Place in line within each team, counted over the team's whole queue.
      const byTeam = new Map<string, number>();
      return records.map((record) => {
        if (record.state !== 'queued') return { ...record, position: null };
        const position = (byTeam.get(record.team) ?? 0) + 1;
        byTeam.set(record.team, position);
        return { ...record, position };
      });
    },

    async claim(agent, conversationId) {
      await owned(agent, conversationId, false);
      await checkCapacity(agent);
      const record = await store.handoffs.claim(conversationId, agent.id, now());
      if (!record) throw new ParleyError('PARLEY_HANDOFF_TAKEN', `Conversation ${conversationId} was claimed by someone else (or is not waiting)`);
      return claimed(agent, record);
    },

    async next(agent) {
      await checkCapacity(agent);
      const teams = agent.role === 'admin' ? [] : [...agent.teams];
      // Longest waiting first; a conversation another agent takes meanwhile is skipped.
      for (const candidate of await store.handoffs.list({ states: ['queued'], ...(teams.length > 0 ? { teams } : {}), limit: 20 })) {
        const record = await store.handoffs.claim(candidate.conversationId, agent.id, now());
        if (record) return claimed(agent, record);
      }
      return null;
    },

    async reply(agent, conversationId, text) {
      await owned(agent, conversationId, true);
      const conversation = await store.conversations.get(conversationId);
      if (!conversation) throw new ParleyError('PARLEY_CONVERSATION_NOT_FOUND', `Conversation ${conversationId} does not exist`);
      const messageId = ids.next('msg');
      await engine.appendEvents(conversationId, [{ type: 'agent-message', data: { agentId: agent.id, messageId, text } }], {
        deliver: { channel: conversation.channel, messageId, message: { type: 'text', text } },
      });
      await store.handoffs.markFirstResponse(conversationId, now());
      await audit(agent, 'reply', conversationId, { messageId });
      return { messageId };
    },

    async note(agent, conversationId, text) {
      await owned(agent, conversationId, false);
      const noteId = ids.next('note');
      await engine.appendEvents(conversationId, [{ type: 'agent-note', data: { agentId: agent.id, noteId, text } }]);
      await audit(agent, 'note', conversationId, { noteId });
      return { noteId };
    },

    async transfer(agent, conversationId, team) {
      const current = await owned(agent, conversationId, false);
      if (!options.bot().config.handoff.teams.some((candidate) => candidate.name === team) && team !== options.bot().config.handoff.default_team) {
        throw new ParleyError('PARLEY_API_VALIDATION', `There is no team "${team}"`);
      }
      const record = await store.handoffs.transfer(conversationId, team);
      if (!record) throw new ParleyError('PARLEY_HANDOFF_NOT_OPEN', `Conversation ${conversationId} is not open`);
      await engine.appendEvents(conversationId, [{ type: 'handoff-transferred', data: { from: current.team, to: team, agentId: agent.id } }]);
      await audit(agent, 'transfer', conversationId, { from: current.team, to: team });
      return record;
    },

    async resolve(agent, conversationId) {
      await owned(agent, conversationId, agent.role !== 'admin');
      const record = await store.handoffs.resolve(conversationId, now());
      if (!record) throw new ParleyError('PARLEY_HANDOFF_NOT_OPEN', `Conversation ${conversationId} is not open`);
      await engine.appendEvents(conversationId, [{ type: 'handoff-resolved', data: { by: agent.role === 'admin' ? 'admin' : 'agent', agentId: agent.id } }]);
      await audit(agent, 'resolve', conversationId);
      return record;
    },

    async context(agent, conversationId) {
      const record = await store.handoffs.get(conversationId);
      if (record && !visible(agent, record.team)) throw new ParleyError('PARLEY_AUTH_FORBIDDEN', `Conversation ${conversationId} belongs to team "${record.team}", which is not one of yours`);
      if (!record && agent.role !== 'admin') throw new ParleyError('PARLEY_AUTH_FORBIDDEN', `Conversation ${conversationId} was never handed to a person`);
      const events = await store.conversations.listEvents(conversationId);
      await audit(agent, 'view', conversationId);
      return contextOf(record, events);
    },

    async setPresence(agent, status) {
      presence.set(agent.id, { status, agent });
      await audit(agent, `presence-${status}`, null);
      if (status === 'online') return { released: [] };
      const released: string[] = [];
      for (const record of await store.handoffs.list({ states: ['assigned'], agentId: agent.id })) {
        if (!(await store.handoffs.release(record.conversationId))) continue;
        await engine.appendEvents(record.conversationId, [{ type: 'handoff-released', data: { agentId: agent.id, reason: 'the agent went offline' } }]);
        released.push(record.conversationId);
      }
      if (released.length > 0) logger.info({ agentId: agent.id, conversations: released.length }, 'an agent went offline; their conversations are queued again');
      return { released };
    },

    presenceOf: (agentId) => presence.get(agentId)?.status ?? 'offline',

    isAvailable(team) {
      const hours = options.bot().config.handoff.business_hours;
      if (hours && !withinHours(hours, clock.now())) return false;
      for (const { status, agent } of presence.values()) if (status === 'online' && agent.disabledAt === null && visible(agent, team)) return true;
      return false;
    },

    async position(conversationId) {
      const record = await store.handoffs.get(conversationId);
      if (!record || record.state === 'resolved') return { state: 'bot', team: null, position: null };
      return { state: record.state, team: record.team, position: await placeInLine(record) };
    },

    async checkSla() {
      const at = clock.now();
      let breaches = 0;
      for (const record of await store.handoffs.list({ states: ['queued', 'assigned'] })) {
        if (record.firstResponseAt !== null || record.slaBreachedAt !== null) continue;
        const targetSeconds = teamTarget(record.team);
        const waitedSeconds = Math.floor((at.getTime() - Date.parse(record.queuedAt)) / 1000);
        if (waitedSeconds <= targetSeconds) continue;
        if (!(await store.handoffs.markSlaBreached(record.conversationId, at.toISOString()))) continue;
        await engine.appendEvents(record.conversationId, [{ type: 'sla-breached', data: { team: record.team, targetSeconds, waitedSeconds } }]);
        breaches += 1;
      }
      return breaches;
    },
  };
}

/** What an agent needs to read before answering, from the log alone (no LLM). */
export function contextOf(handoff: HandoffRecord | null, events: readonly ConversationEvent[]): ConversationContext {
  const transcript: ConversationContext['transcript'][number][] = [];
  const intents: { text: string; intent: string | null; confidence: number }[] = [];
  const entities: { entity: string; value: unknown }[] = [];
  const slots: Record<string, unknown> = {};
  let trigger: string | null = null;
  let lastUserText = '';
  for (const event of events) {
    switch (event.type) {
      case 'user-message':
        lastUserText = event.data.text;
        transcript.push({ seq: event.seq, at: event.at, role: 'user', text: event.data.text });
        break;
      case 'bot-message':
        transcript.push({ seq: event.seq, at: event.at, role: 'bot', text: event.data.message.text });
        break;
      case 'agent-message':
        transcript.push({ seq: event.seq, at: event.at, role: 'agent', text: event.data.text, agentId: event.data.agentId });
        break;
      case 'agent-note':
        transcript.push({ seq: event.seq, at: event.at, role: 'note', text: event.data.text, agentId: event.data.agentId });
        break;
      case 'intent-recognized':
        intents.push({ text: lastUserText, intent: event.data.intent, confidence: event.data.confidence });
        for (const entity of event.data.entities) entities.push({ entity: entity.entity, value: entity.value });
        break;
      case 'slot-set':
        slots[event.data.slot] = event.data.value;
        break;
      case 'handoff-requested':
        trigger = event.data.reason;
        break;
      default:
        break;
    }
  }
  const userLines = transcript.filter((line) => line.role === 'user');
  const understood = [...new Set(intents.map((item) => item.intent).filter((intent): intent is string => intent !== null))];
  const known = Object.entries(slots)
    .filter(([, value]) => value !== null && typeof value !== 'object')
    .map(([slot, value]) => `${slot} = ${String(value)}`);
  const summary = [
    userLines[0] ? `First asked: "${userLines[0].text}"` : 'The customer has not written yet.',
    userLines.length > 1 ? `Last said: "${userLines.at(-1)!.text}"` : null,
    understood.length > 0 ? `The bot understood: ${understood.join(', ')}` : 'The bot understood no intent.',
    known.length > 0 ? `Known: ${known.join('; ')}` : null,
    trigger ? `Handed over because: ${trigger}` : null,
  ]
    .filter((line): line is string => line !== null)
    .join('\n');
  return { handoff, trigger, transcript, intents, slots, entities, summary };
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Whether `at` falls within the business hours, in their time zone. */
export function withinHours(hours: NonNullable<BotDefinition['config']['handoff']['business_hours']>, at: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: hours.time_zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? '';
  const day = DAYS.find((name) => name === part('weekday').toLowerCase().slice(0, 3));
  if (!day || !hours.days.includes(day)) return false;
  const minutes = Number(part('hour')) * 60 + Number(part('minute'));
  const [openHour, openMinute] = hours.open.split(':').map(Number) as [number, number];
  const [closeHour, closeMinute] = hours.close.split(':').map(Number) as [number, number];
  return minutes >= openHour * 60 + openMinute && minutes < closeHour * 60 + closeMinute;
}

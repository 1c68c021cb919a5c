import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  botConfigSchema,
  emptyTracker,
  flowSchema,
  type Action,
  type ActionContext,
  type BotDefinition,
  type EventBody,
  type ExtractedEntity,
  type Tracker,
  type Understanding,
} from '../../src/core/index.js';
import { createConnectorGateway } from '../../src/connectors/index.js';
import { createDialogueEngine } from '../../src/dialogue/index.js';

/** TypeScript actions run by flows: their API, their timeout, and failures that never leave a conversation stuck. */

let seen: ActionContext | null = null;

const actions: Record<string, Action> = {
  grade: {
    async run(ctx) {
      seen = ctx;
      const order = await ctx.connectors.call('orders', 'get', { id: String(ctx.slots.order_number) });
      const status = order.outcome === 'success' ? (order.data as { status: string }).status : 'unknown';
      ctx.setSlot('grade', status === 'delivered' ? 'ok' : 'too early');
      ctx.reply('graded');
      ctx.reply({ text: `Literal for ${status}`, buttons: [{ title: 'Yes', payload: '/yes' }] });
    },
  },
  undeclared: {
    run(ctx) {
      ctx.reply('graded');
      ctx.setSlot('secret', 1);
    },
  },
  throws: {
    run(ctx) {
      ctx.setSlot('grade', 'half done');
      ctx.reply('graded');
      throw new TypeError('cannot read properties of undefined');
    },
  },
  hangs: {
    run(ctx) {
      seen = ctx;
      ctx.reply('graded');
      return new Promise(() => undefined);
    },
  },
  unknown_response: {
    run(ctx) {
      ctx.reply('no_such_response');
    },
  },
};

function botWith(action: string, extra: Partial<Record<'timeout_ms', number>> = {}): BotDefinition {
  return {
    config: botConfigSchema.parse({ name: 'test', error_response: 'oops', connectors: { orders: { type: 'static', file: 'orders.yaml' } } }),
    intents: [],
    entities: [],
    responses: {
      fallback: [{ text: 'Sorry?' }],
      oops: [{ text: 'Something went wrong, sorry.' }],
      graded: [{ text: 'Graded {order_number}: {grade}.' }],
      done: [{ text: 'Done with {grade}.' }],
      ask_order: [{ text: 'Which order?' }],
      ask_reason: [{ text: 'Why?' }],
    },
    flows: [
      flowSchema.parse({
        name: 'check',
        trigger: { intents: ['check'] },
        steps: [
          { collect: 'order_number', ask: 'ask_order', entity: 'order_number' },
          { action, sets: ['grade'], ...extra },
          { if: { slot: 'grade', equals: 'ok' }, say: 'done' },
        ],
      }),
      flowSchema.parse({
        name: 'lookup',
        trigger: { intents: ['lookup'] },
        steps: [
          { collect: 'order_number', ask: 'ask_order', entity: 'order_number' },
          { call: 'orders.get', with: { id: '{order_number}' }, save_as: 'order' },
          { collect: 'reason', ask: 'ask_reason' },
          { say: 'done' },
        ],
      }),
    ],
    connectorData: { orders: [{ id: '111', status: 'delivered' }, { id: '222', status: 'shipped' }] },
    actions,
    contentHash: 'test',
  };
}

function entity(name: string, value: string): ExtractedEntity {
  return { entity: name, value, text: value, start: 0, end: value.length, confidence: 1, extractor: 'test' };
}
function understood(intent: string | null, ...entities: ExtractedEntity[]): Understanding {
  return { intent, confidence: 0.9, stage: 'test', reason: 'test', ranking: [], entities };
}

async function turn(bot: BotDefinition, tracker: Tracker, text: string, understanding: Understanding) {
  const engine = createDialogueEngine(bot, createConnectorGateway(bot), { now: () => 0 });
  const effects = await engine.decide({ tracker, understanding, text, turnId: 't1' });
  const events = effects.flatMap((effect) => (effect.kind === 'event' ? [effect.event] : []));
  const said = effects.flatMap((effect) => (effect.kind === 'say' ? [effect.message] : []));
  let next = tracker;
  for (const event of events) next = applyEvent(next, { ...event, id: 'e', at: '', v: 1, conversationId: 'c', seq: next.lastSeq + 1 } as never);
  return { events, said, tracker: next };
}

const executed = (events: readonly EventBody[]) => events.flatMap((event) => (event.type === 'action-executed' ? [event.data] : []));

describe('actions in flows', () => {
  it('gives the action slots, entities, context and connectors, and applies what it said and set', async () => {
    const { events, said, tracker } = await turn(botWith('grade'), emptyTracker('c'), 'check order 111', understood('check', entity('order_number', '111')));
    expect(said.map((message) => message.text)).toEqual(['Graded 111: ok.', 'Literal for delivered', 'Done with ok.']);
    expect(said[1]?.buttons).toEqual([{ title: 'Yes', payload: '/yes' }]);
    expect(tracker.slots.grade).toBe('ok');
    expect(executed(events).map((data) => [data.action, data.outcome])).toEqual([
      ['orders.get', 'success'],
      ['grade', 'success'],
    ]);
    expect(seen?.context).toMatchObject({ conversationId: 'c', turnId: 't1', text: 'check order 111', intent: 'check', flow: 'check' });
    expect(seen?.entities.map((found) => found.entity)).toEqual(['order_number']);
    expect(seen?.signal.aborted).toBe(false);
  });

  it('takes the branch the action chose', async () => {
    const { said, tracker } = await turn(botWith('grade'), emptyTracker('c'), 'check order 222', understood('check', entity('order_number', '222')));
    expect(said.map((message) => message.text)).toEqual(['Graded 222: too early.', 'Literal for shipped']);
    expect(tracker.flowStack).toEqual([]);
  });

  it.each([
    ['undeclared', 'PARLEY_ACTION_FAILED', /setSlot\("secret"\): the step does not declare "secret"/],
    ['throws', 'PARLEY_ACTION_FAILED', /TypeError: cannot read properties of undefined/],
    ['unknown_response', 'PARLEY_ACTION_FAILED', /responses.yaml has no response "no_such_response"/],
    ['missing', 'PARLEY_ACTION_NOT_FOUND', /no action "missing"/],
  ])('turns a failing action (%s) into the error reply and an event, keeping none of its effects', async (name, code, error) => {
    const { events, said, tracker } = await turn(botWith(name), emptyTracker('c'), 'check order 111', understood('check', entity('order_number', '111')));
    expect(said.map((message) => message.text)).toEqual(['Something went wrong, sorry.']);
    expect(tracker.slots.grade).toBeUndefined();
    expect(tracker.flowStack).toEqual([]);
    const [record] = executed(events);
    expect(record).toMatchObject({ action: name, outcome: 'error', errorCode: code });
    expect(record?.error).toMatch(error);
    expect(events.find((event) => event.type === 'flow-cancelled')?.data).toEqual({ flow: 'check', reason: `action failed: ${code}` });
  });

  it('stops waiting for an action at its timeout and tells it to stop', async () => {
    const { events, said, tracker } = await turn(botWith('hangs', { timeout_ms: 20 }), emptyTracker('c'), 'check order 111', understood('check', entity('order_number', '111')));
    expect(said.map((message) => message.text)).toEqual(['Something went wrong, sorry.']);
    expect(executed(events)[0]).toMatchObject({ action: 'hangs', outcome: 'error', errorCode: 'PARLEY_ACTION_TIMEOUT', error: 'the action did not finish within 20 ms' });
    expect(seen?.signal.aborted).toBe(true);
    expect(tracker.flowStack).toEqual([]);
  });

  it('answers the next message normally after a failed action', async () => {
    const failed = await turn(botWith('throws'), emptyTracker('c'), 'check order 111', understood('check', entity('order_number', '111')));
    const next = await turn(botWith('grade'), failed.tracker, 'check order 111', understood('check', entity('order_number', '111')));
    expect(next.said.map((message) => message.text)).toContain('Done with ok.');
  });
});

describe('corrections', () => {
  it('runs the flow again from a corrected earlier answer, so its lookup sees the new value', async () => {
    const bot = botWith('grade');
    const first = await turn(bot, emptyTracker('c'), 'look up order 111', understood('lookup', entity('order_number', '111')));
    expect(first.said.map((message) => message.text)).toEqual(['Why?']);
    expect(first.tracker.slots.order).toEqual({ id: '111', status: 'delivered' });
    const corrected = await turn(bot, first.tracker, 'sorry, I meant order 222', understood(null, entity('order_number', '222')));
    expect(executed(corrected.events).map((data) => data.action)).toEqual(['orders.get']);
    expect(corrected.tracker.slots.order).toEqual({ id: '222', status: 'shipped' });
    expect(corrected.said.map((message) => message.text)).toEqual(['Why?']);
  });

  it('takes a free-text answer as it is, even when it holds something shaped like another slot', async () => {
    const bot = botWith('grade');
    const first = await turn(bot, emptyTracker('c'), 'look up order 111', understood('lookup', entity('order_number', '111')));
    const answered = await turn(bot, first.tracker, 'send it to 12 Elm Street, 222 Berlin', understood(null, entity('order_number', '222')));
    expect(answered.tracker.slots.order_number).toBe('111');
    expect(answered.tracker.slots.reason).toBe('send it to 12 Elm Street, 222 Berlin');
    expect(executed(answered.events)).toEqual([]);
  });
});

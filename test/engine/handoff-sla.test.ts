import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, loadConfig, type Runtime } from '../../src/engine/index.js';
import { manualClock } from '../connectors/misbehaving-server.js';

/** The first-response SLA, on a clock the test moves: a breach is one event, once, and only without a reply. */

let runtime: Runtime | null = null;
afterEach(async () => {
  await runtime?.close();
  runtime = null;
});

describe('first-response SLA', () => {
  it('records a breach once when nobody answered within the team\'s target, and none when somebody did', async () => {
    const clock = manualClock('2030-01-01T09:00:00.000Z');
    runtime = await createRuntime(loadConfig({ PARLEY_STORE: 'memory', PARLEY_LOG_LEVEL: 'silent', PARLEY_WATCH_BOT: 'false' }), { clock, startWorkers: false, watch: false });
    const ann = { id: 'agt_ann', name: 'Ann', email: 'ann@example.com', role: 'agent' as const, teams: ['support'], capacity: 3, createdAt: clock.now().toISOString(), disabledAt: null };
    await runtime.store.agents.create({ ...ann, passwordHash: 'not-used' });
    await runtime.handoffs.setPresence(ann, 'online');
    const waiting = await runtime.engine.startConversation({ channel: 'api' });
    await runtime.engine.receive({ conversationId: waiting.conversation.id, channel: 'api', text: 'I want to talk to a person' });
    const answered = await runtime.engine.startConversation({ channel: 'api' });
    await runtime.engine.receive({ conversationId: answered.conversation.id, channel: 'api', text: 'I want to talk to a person' });
    // Someone answers the second one in time.
    await runtime.handoffs.claim(ann, answered.conversation.id);
    clock.advance(60_000);
    await runtime.handoffs.reply(ann, answered.conversation.id, 'Hello!');

    clock.advance(239_000);
    expect(await runtime.handoffs.checkSla()).toBe(0);
    clock.advance(2_000);
    expect(await runtime.handoffs.checkSla()).toBe(1);
    expect(await runtime.handoffs.checkSla()).toBe(0);
    const breaches = await runtime.store.conversations.listEvents(waiting.conversation.id, { types: ['sla-breached'] });
    expect(breaches.map((event) => event.data)).toEqual([{ team: 'support', targetSeconds: 300, waitedSeconds: 301 }]);
    expect(await runtime.store.conversations.listEvents(answered.conversation.id, { types: ['sla-breached'] })).toEqual([]);
    expect((await runtime.store.handoffs.get(waiting.conversation.id))?.slaBreachedAt).toBe('2030-01-01T09:05:01.000Z');
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/storage/index.js';
import { http, startServerProcess, type ServerProcess } from '../support/server-process.js';

let dataDir: string;
let running: ServerProcess | null = null;

afterEach(async () => {
  if (running) await running.kill('SIGKILL');
  running = null;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('durability', () => {
  it('keeps the whole history when the server is killed with SIGKILL and started again', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'parley-restart-'));
    running = await startServerProcess({ PARLEY_DATA_DIR: dataDir });
    const created = await http('POST', `${running.url}/v1/conversations`, {});
    expect(created.status).toBe(201);
    const { conversation, token } = created.json as { conversation: { id: string }; token: string };
    const sent = ['hello', 'where is my order', '99999', 'what is your returns policy'];
    const replies: string[] = [];
    for (const [i, text] of sent.entries()) {
      const response = await http('POST', `${running.url}/v1/conversations/${conversation.id}/messages`, { id: `m${i}`, text }, token);
      expect(response.status).toBe(200);
      replies.push(...response.json.replies.map((reply: { id: string }) => reply.id));
    }
    // Info-level logs record every request, but never what the user wrote.
    expect(running.logs()).toMatch(/"msg":"request"/);
    for (const text of sent) expect(running.logs()).not.toContain(`"${text}"`);
    expect(running.logs()).not.toContain(token);
    expect(await running.kill('SIGKILL')).toBeNull();

    running = await startServerProcess({ PARLEY_DATA_DIR: dataDir });
    const history = await http('GET', `${running.url}/v1/conversations/${conversation.id}/messages?limit=200`, undefined, token);
    expect(history.status).toBe(200);
    const messages = history.json.messages as { id: string; role: string; text: string }[];
    expect(messages.filter((message) => message.role === 'user').map((message) => message.text)).toEqual(sent);
    expect(messages.filter((message) => message.role === 'bot').map((message) => message.id)).toEqual(replies);
    // The conversation goes on where it stopped, and a retried message is still recognised.
    const again = await http('POST', `${running.url}/v1/conversations/${conversation.id}/messages`, { id: 'm0', text: 'hello' }, token);
    expect(again.json.duplicate).toBe(true);
    const next = await http('POST', `${running.url}/v1/conversations/${conversation.id}/messages`, { id: 'm9', text: 'thanks' }, token);
    expect(next.status).toBe(200);
  });

  it('answers, on restart, a message that was recorded but not yet processed when the process died', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'parley-restart-'));
    running = await startServerProcess({ PARLEY_DATA_DIR: dataDir });
    const { conversation, token } = (await http('POST', `${running.url}/v1/conversations`, {})).json as { conversation: { id: string }; token: string };
    await running.kill('SIGKILL');
    running = null;

    // What a crash between "recorded in the inbox" and "turn committed" leaves behind.
    const store = openSqliteStore({ file: join(dataDir, 'parley.db') });
    await store.inbox.accept({ id: 'in_orphan', conversationId: conversation.id, channel: 'rest', clientMessageId: 'orphan-1', text: 'hello', receivedAt: new Date().toISOString() });
    await store.close();

    running = await startServerProcess({ PARLEY_DATA_DIR: dataDir });
    const history = await http('GET', `${running.url}/v1/conversations/${conversation.id}/messages`, undefined, token);
    const roles = (history.json.messages as { role: string }[]).map((message) => message.role);
    expect(roles[0]).toBe('user');
    expect(roles.slice(1).every((role) => role === 'bot')).toBe(true);
    expect(roles.length).toBeGreaterThan(1);
    const retry = await http('POST', `${running.url}/v1/conversations/${conversation.id}/messages`, { id: 'orphan-1', text: 'hello' }, token);
    expect(retry.json.duplicate).toBe(true);
    expect(retry.json.replies.length).toBe(roles.length - 1);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, repoRoot, startServerProcess } from '../support/server-process.js';

function parley(args: string[], input?: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, PARLEY_LOG_LEVEL: 'silent', ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'parley-cli-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('parley CLI', () => {
  it('validates the demo bot', () => {
    const result = parley(['validate', 'bots/shop']);
    expect(result.stdout).toContain('bots/shop is valid');
    expect(result.code).toBe(0);
  });

  it('reports a broken bot with file, line and hint, and exits 1', async () => {
    const bot = join(scratch, 'broken');
    await cp(join(repoRoot, 'bots/shop'), bot, { recursive: true });
    await writeFile(join(bot, 'flows', 'extra.yaml'), 'flows:\n  - name: extra\n    trigger:\n      intents: [greet_me]\n    steps:\n      - say: greet\n');
    const result = parley(['validate', bot]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/flows\/extra\.yaml:4:\d+ error/);
    expect(result.stdout).toMatch(/hint:/);
  });

  it('chats with a bot folder through stdin', () => {
    const result = parley(['chat', 'bots/shop'], 'hello\nwhere is my order\n');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter((line) => line.startsWith('bot> '));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(result.stdout.toLowerCase()).toContain('order number');
  });

  it('chats with the demo orders service when asked to (--demo)', () => {
    const result = parley(['chat', 'bots/shop', '--demo'], 'where is my order 20481\nreturn order 42019, it is too small\nyes\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^bot> .*order 20481 \(trail running shoes, size 42\)/im);
    expect(result.stdout).toMatch(/bot> Done! Return R-42019-1 is open/);
  });

  it('refuses an unknown command and bad flags', () => {
    expect(parley(['fly']).code).toBe(1);
    expect(parley(['serve', '--colour', 'red']).code).toBe(1);
  });

  it('refuses to start with a clear message on bad configuration', () => {
    const result = parley(['serve'], '', { PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT="eighty"');
  });

  it('creates an API key that the server accepts, shows it once, and revokes it', async () => {
    const dataDir = join(scratch, 'data');
    await mkdir(dataDir, { recursive: true });
    const created = parley(['keys', 'create', '--name', 'ops', '--data-dir', dataDir]);
    expect(created.code).toBe(0);
    const secret = /^(pk_\S+)$/m.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();
    const listed = parley(['keys', 'list', '--data-dir', dataDir]);
    expect(listed.stdout).toContain('ops');
    expect(listed.stdout).not.toContain(secret!);

    const server = await startServerProcess({ PARLEY_DATA_DIR: dataDir });
    try {
      expect((await http('GET', `${server.url}/v1/admin/bot`, undefined, secret)).status).toBe(200);
      const id = /^(key_\S+)/m.exec(listed.stdout)![1]!;
      expect(parley(['keys', 'revoke', id, '--data-dir', dataDir]).code).toBe(0);
      expect((await http('GET', `${server.url}/v1/admin/bot`, undefined, secret)).status).toBe(401);
      // Logs never carry the secret.
      expect(server.logs()).not.toContain(secret!);
    } finally {
      await server.kill('SIGKILL');
    }
    expect(parley(['keys', 'create', '--data-dir', dataDir]).code).toBe(1);
  });
});

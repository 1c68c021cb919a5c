import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Parley as a separate process, the way `npm start` runs it, for crash and restart tests. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (pino logs go to stdout), for assertions and failure messages. */
  logs(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', PARLEY_HOST: '127.0.0.1', PARLEY_RATE_LIMIT_MESSAGES: '0', PARLEY_RATE_LIMIT_CONVERSATIONS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${stdout}\n${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /serving on (http:\/\/[^\s]+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1]!.replace('localhost', '127.0.0.1'),
          child,
          logs: () => stdout + stderr,
          async kill(signal) {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it started:\n${stdout}\n${stderr}`));
    });
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on response fields one by one
export async function http(method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; json: any }> {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

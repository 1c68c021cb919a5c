import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadResultSchema, type LoadOptions, type LoadResult } from './load-protocol.js';

/** Child processes of a benchmark: started, awaited with deadlines, and always killed. */

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const benchFile = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

// Every child ever started, so an exception or Ctrl-C anywhere still leaves no process behind.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of live) child.kill('SIGKILL');
    process.exit(130);
  });
}

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export interface ServerHandle {
  readonly url: string;
  /** What the process wrote so far, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

function waitForUrl(child: ChildProcess, name: string, pattern: RegExp, timeoutMs: number): Promise<ServerHandle> {
  let output = '';
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  const collect = (chunk: Buffer): void => {
    // Keep the tail only: a failing server can be chatty.
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  const handle = (url: string): ServerHandle => ({
    url,
    output: () => output,
    async stop(graceMs = 15_000) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const look = (): void => {
      const match = pattern.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve(handle(match[1]!.replace('//localhost', '//127.0.0.1')));
    };
    child.stdout!.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** The bare node:http baseline, in its own process; with `ordersUrl`, it looks orders up there too. */
export function startBareServer(ordersUrl?: string): Promise<ServerHandle> {
  const child = track(
    fork(benchFile('bare-server.ts'), [], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...(ordersUrl ? { ORDERS_URL: ordersUrl } : {}) },
    }),
  );
  return waitForUrl(child, 'the bare server', /listening on (http:\/\/\S+)/, 30_000);
}

/** The demo orders service alone, in its own process (see demo-services.ts). */
export function startDemoOrdersProcess(): Promise<ServerHandle> {
  const child = track(
    fork(benchFile('demo-services.ts'), [], { cwd: repoRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }),
  );
  return waitForUrl(child, 'the demo orders service', /listening on (http:\/\/\S+)/, 30_000);
}

/**
 * Parley the way `npm start` runs it (the compiled `parley serve`), configured by environment
 * only. Its order lookups go over HTTP to PARLEY_URL: the demo orders service in its own process.
 */
export function startParley(env: Record<string, string>): Promise<ServerHandle> {
  const child = track(
    // BENCH_PROFILE_DIR=dir writes a V8 CPU profile of the Parley process there when it stops.
    spawn(process.execPath, [...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []), '--enable-source-maps', 'dist/cli/main.js', 'serve'], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  return waitForUrl(child, 'Parley', /serving on (http:\/\/\S+)/, 60_000);
}

/** Forks the load generator, hands it its options and waits (bounded) for its result. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const child = track(fork(benchFile('load-generator.ts'), [], { cwd: repoRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  // Warm-up + window + the slowest in-flight request + start-up, with room to spare.
  const deadlineMs = options.warmupMs + options.durationMs + (options.requestTimeoutMs ?? 10_000) + 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the load generator did not report within ${deadlineMs} ms`));
    }, deadlineMs);
    child.once('message', (message: unknown) => {
      clearTimeout(timer);
      const parsed = loadResultSchema.safeParse(message);
      if (parsed.success) resolve(parsed.data);
      else reject(new Error(`the load generator sent an unexpected result: ${parsed.error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the load generator exited with ${code} without a result`));
    });
    child.send(options);
  });
}

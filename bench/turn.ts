import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { LoadResult } from './load-protocol.js';
import { repoRoot, runLoad, startBareServer, startDemoOrdersProcess, startParley, type ServerHandle } from './processes.js';

/**
 * Full turns over HTTP on loopback against the bare node:http baseline, measured in the same run:
 *   1. bare server process + load-generator process → warm up → measure (the bare server fetches
 *      the order from the demo orders service for each message holding an order number);
 *   2. Parley process (SQLite store, fresh data dir, rate limiter on but out of reach; its order
 *      lookups are HTTP calls to the demo orders service in a third process) + load generator →
 *      warm up → measure;
 *   3. stop Parley cleanly and check that every message answered 200 is a processed row in the
 *      SQLite inbox;
 *   4. print messages/s, latency and the throughput ratio parley/bare against the target.
 * Exit code: 0 when both runs had no error and the inbox matches; 1 otherwise. The target is
 * reported, not enforced (the ratio depends on the machine; see bench/README.md).
 */

export const TARGET_RATIO = 0.25;

const USAGE = `Usage: npm run bench:turn -- [--duration S] [--warmup S] [--concurrency N] [--messages N] [--json]

  --duration S      measured seconds per server (default 10)
  --warmup S        unmeasured load before each measurement (default 2)
  --concurrency N   virtual users, one keep-alive connection each (default 32)
  --messages N      stop a measurement after N messages (or at --duration, whichever comes first)
  --json            print one machine-readable JSON line instead of the table
Also from the environment: BENCH_DURATION, BENCH_WARMUP, BENCH_CONCURRENCY, BENCH_MESSAGES.
`;

interface TurnSettings {
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly concurrency: number;
  readonly messages?: number;
  readonly json: boolean;
}

function parseSettings(args: readonly string[]): TurnSettings | null {
  const { values } = parseArgs({
    args: [...args],
    options: {
      duration: { type: 'string', default: process.env.BENCH_DURATION ?? '10' },
      warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '2' },
      concurrency: { type: 'string', default: process.env.BENCH_CONCURRENCY ?? '32' },
      messages: { type: 'string', ...(process.env.BENCH_MESSAGES ? { default: process.env.BENCH_MESSAGES } : {}) },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const number = (name: string, text: string, min: number, max: number): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max}, got "${text}"`);
    return value;
  };
  return {
    durationMs: Math.round(number('duration', values.duration, 0.1, 3600) * 1000),
    warmupMs: Math.round(number('warmup', values.warmup, 0, 600) * 1000),
    concurrency: Math.round(number('concurrency', values.concurrency, 1, 1024)),
    ...(values.messages !== undefined ? { messages: Math.round(number('messages', values.messages, 1, 1e9)) } : {}),
    json: values.json,
  };
}

/** Rows of the inbox the server closed; the table and column names of src/storage/sqlite. */
function processedInboxRows(dataDir: string): number {
  const database = new Database(join(dataDir, 'parley.db'), { readonly: true, fileMustExist: true });
  try {
    const row = database.prepare("SELECT count(*) AS count FROM inbox WHERE status = 'processed'").get() as { count: number };
    return row.count;
  } finally {
    database.close();
  }
}

const fixed = (value: number, digits: number): string => value.toFixed(digits);

function table(results: readonly LoadResult[]): string {
  const header = ['mode', 'msgs/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'messages', 'errors'];
  const rows = results.map((r) => [r.mode, fixed(r.messagesPerSecond, 0), fixed(r.p50Ms, 2), fixed(r.p90Ms, 2), fixed(r.p99Ms, 2), fixed(r.maxMs, 2), String(r.messages), String(r.errors)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export async function runTurnBenchmark(args: readonly string[]): Promise<number> {
  const settings = parseSettings(args);
  if (!settings) {
    process.stdout.write(USAGE);
    return 0;
  }
  const progress = (text: string): void => void process.stderr.write(`[bench:turn] ${text}\n`);
  const load = { concurrency: settings.concurrency, durationMs: settings.durationMs, warmupMs: settings.warmupMs, ...(settings.messages ? { messages: settings.messages } : {}) };
  const problems: string[] = [];
  let dataDir: string | null = null;
  let parley: ServerHandle | null = null;
  let demoOrders: ServerHandle | null = null;
  let bareServer: ServerHandle | null = null;

  try {
    progress(`bare node:http baseline: ${settings.concurrency} connections, ${settings.warmupMs / 1000} s warm-up, ${settings.durationMs / 1000} s measured`);
    // The demo orders service runs in its own process through both runs, like a real order
    // system on another machine; both servers look orders up in it for the same messages.
    demoOrders = await startDemoOrdersProcess();
    bareServer = await startBareServer(`${demoOrders.url}/demo/orders-api`);
    const bare = await runLoad({ ...load, url: bareServer.url, mode: 'bare' });
    await bareServer.stop();
    bareServer = null;

    progress('building dist/ (what `npm start` runs)');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    dataDir = await mkdtemp(join(tmpdir(), 'parley-bench-'));
    progress(`parley (SQLite in ${dataDir}): same load`);
    parley = await startParley({
      PORT: '0',
      PARLEY_URL: demoOrders.url,
      PARLEY_HOST: '127.0.0.1',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_STORE: 'sqlite',
      PARLEY_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      // High enough never to trigger, but not 0: the limiter's per-request cost stays in the measurement.
      PARLEY_RATE_LIMIT_MESSAGES: '1000000000',
      PARLEY_RATE_LIMIT_CONVERSATIONS: '1000000000',
    });
    const turns = await runLoad({ ...load, url: parley.url, mode: 'parley' });
    const parleyOutput = parley.output();
    const exitCode = await parley.stop();
    parley = null;
    if (exitCode !== 0) problems.push(`Parley exited with ${exitCode} on SIGTERM (expected a clean 0):\n${parleyOutput}`);

    // Durable means: on disk after the process is gone, not just answered.
    const inboxRows = processedInboxRows(dataDir);
    const durable = inboxRows === turns.acceptedTotal;
    if (!durable) problems.push(`durability: ${turns.acceptedTotal} messages were answered 200 but the SQLite inbox holds ${inboxRows} processed rows`);
    for (const result of [bare, turns]) {
      if (result.errors > 0) problems.push(`${result.mode}: ${result.errors} failed requests, e.g.\n  ${result.errorSamples.join('\n  ')}`);
    }

    const ratio = bare.messagesPerSecond > 0 ? turns.messagesPerSecond / bare.messagesPerSecond : 0;
    const met = ratio >= TARGET_RATIO;
    if (settings.json) {
      const { json: _json, ...shown } = settings;
      const summary = { benchmark: 'turn', ...shown, bare, parley: turns, ratio, target: TARGET_RATIO, targetMet: met, inboxProcessed: inboxRows, durable, ok: problems.length === 0 };
      console.log(JSON.stringify(summary));
    } else {
      console.log(`\nturn benchmark: ${settings.concurrency} connections, ${settings.durationMs / 1000} s measured after ${settings.warmupMs / 1000} s warm-up, loopback\n`);
      console.log(table([bare, turns]));
      console.log(`\nratio parley/bare throughput: ${ratio.toFixed(3)} (${(ratio * 100).toFixed(1)} %), target ≥ ${TARGET_RATIO}: ${met ? 'met' : 'NOT met'}`);
      console.log(`durability: ${turns.acceptedTotal} messages answered 200 (warm-up included), ${inboxRows} processed rows in the SQLite inbox: ${durable ? 'match' : 'MISMATCH'}`);
    }
  } catch (error) {
    problems.push((error as Error).stack ?? String(error));
  } finally {
    // Whatever happened above, no server outlives the benchmark and the temp dir goes away.
    await Promise.all([bareServer?.stop(5_000), parley?.stop(5_000), demoOrders?.stop(5_000)]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
  for (const problem of problems) console.error(`\n[bench:turn] FAILED: ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

// Run directly (`npm run bench:turn`), not when imported by bench/run.ts.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exit(await runTurnBenchmark(process.argv.slice(2)));
}


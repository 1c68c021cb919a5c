import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { conversationScript, loadOptionsSchema, type LoadResult } from './load-protocol.js';

/**
 * The load generator, run as its own process (forked by bench/turn.ts) so it never competes with
 * the server for the same event loop. It receives its options as the first IPC message, drives
 * `concurrency` virtual users against the target over keep-alive connections, and sends one
 * LoadResult back.
 *
 * Both modes play the same script over the same routes: a user starts a conversation, sends
 * `messagesPerConversation` messages, then starts another. Against the bare server the answers
 * are fixed JSON, so the difference between the two runs is what Parley does for a turn.
 */

type Options = ReturnType<typeof loadOptionsSchema.parse>;

interface Answer {
  readonly status: number;
  readonly text: string;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function generateLoad(options: Options): Promise<LoadResult> {
  const target = new URL(options.url);
  // One socket per virtual user, reused for every request (no TCP set-up in the measurement).
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency });

  function post(path: string, body: string, token?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: target.hostname,
          port: target.port,
          path,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
          response.on('error', reject);
        },
      );
      outgoing.setTimeout(options.requestTimeoutMs, () => outgoing.destroy(new Error(`no answer in ${options.requestTimeoutMs} ms`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  const latencies: number[] = [];
  let measuredMessages = 0;
  let measuredConversations = 0;
  let issuedMeasured = 0;
  let acceptedTotal = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  let lastEnd = 0;

  const measureStart = now() + options.warmupMs;
  const measureEnd = measureStart + options.durationMs;
  const limit = options.messages ?? Number.POSITIVE_INFINITY;
  const keepGoing = (): boolean => now() < measureEnd && issuedMeasured < limit;

  async function failed(what: string): Promise<void> {
    errors += 1;
    if (errorSamples.length < 5) errorSamples.push(what);
    // Do not spin on a refused connection; the run fails anyway, this only keeps it bounded.
    await sleep(20);
  }

  async function startConversation(): Promise<{ id: string; token: string } | null> {
    const started = now();
    try {
      const answer = await post('/v1/conversations', '{}');
      if (answer.status !== 201) {
        await failed(`POST /v1/conversations → ${answer.status} ${answer.text.slice(0, 200)}`);
        return null;
      }
      const json = JSON.parse(answer.text) as { conversation: { id: string }; token: string };
      if (started >= measureStart) measuredConversations += 1;
      lastEnd = Math.max(lastEnd, now());
      return { id: json.conversation.id, token: json.token };
    } catch (error) {
      await failed(`POST /v1/conversations: ${(error as Error).message}`);
      return null;
    }
  }

  async function virtualUser(user: number): Promise<void> {
    let conversation: { id: string; token: string } | null = null;
    let turn = 0;
    let sequence = 0;
    while (keepGoing()) {
      if (conversation === null || turn >= options.messagesPerConversation) {
        conversation = await startConversation();
        turn = 0;
        continue;
      }
      sequence += 1;
      const id = `u${user}-m${sequence}`;
      const text = conversationScript[turn % conversationScript.length]!(user * 1_000_003 + sequence);
      turn += 1;
      const started = now();
      const measured = started >= measureStart;
      if (measured) issuedMeasured += 1;
      try {
        const answer = await post(`/v1/conversations/${encodeURIComponent(conversation.id)}/messages`, JSON.stringify({ id, text }), conversation.token);
        const ended = now();
        if (answer.status !== 200) {
          await failed(`POST …/messages → ${answer.status} ${answer.text.slice(0, 200)}`);
          continue;
        }
        // Parse in both modes so the client does the same work against either server.
        const json = JSON.parse(answer.text) as { duplicate?: boolean; replies?: unknown[] };
        if (!Array.isArray(json.replies) || (options.mode === 'parley' && json.duplicate !== false)) {
          await failed(`POST …/messages → 200 with an unexpected body: ${answer.text.slice(0, 200)}`);
          continue;
        }
        acceptedTotal += 1;
        if (measured) {
          latencies.push(ended - started);
          measuredMessages += 1;
          lastEnd = Math.max(lastEnd, ended);
        }
      } catch (error) {
        await failed(`POST …/messages: ${(error as Error).message}`);
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, (_, user) => virtualUser(user)));
  agent.destroy();

  latencies.sort((a, b) => a - b);
  // The window ends when the last measured answer arrived (requests in flight at the deadline
  // are waited for and counted), or at the deadline if nothing was measured.
  const elapsedMs = Math.max(lastEnd, measureStart) - measureStart || options.durationMs;
  return {
    mode: options.mode,
    messages: measuredMessages,
    conversations: measuredConversations,
    errors,
    errorSamples,
    elapsedMs,
    messagesPerSecond: measuredMessages / (elapsedMs / 1000),
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? 0,
    acceptedTotal,
  };
}

if (process.send) {
  // The orchestrator gone means nobody will read the result: stop instead of loading a server.
  process.on('disconnect', () => process.exit(1));
  process.once('message', (message: unknown) => {
    generateLoad(loadOptionsSchema.parse(message)).then(
      (result) => process.send!(result, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
} else {
  console.error('bench/load-generator.ts is started by bench/turn.ts (it takes its options over IPC).');
  process.exitCode = 2;
}

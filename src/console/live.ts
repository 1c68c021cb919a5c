// Keeping the console current. First choice: the agent socket (/v1/agent/socket), which says
// when the queue changed and when a watched conversation grew. When it cannot connect (an older
// server, a proxy without WebSockets) or drops, the console polls the REST API every 2 s instead
// and tries the socket again now and then.

export type LiveMode = 'connecting' | 'live' | 'polling';

export interface LiveOptions {
  /** ws:// or wss:// address of the agent socket. */
  readonly url: string;
  readonly token: string;
  /** The queue may have changed: re-fetch both lists. */
  onQueue(): void;
  /** The watched conversation may have grown: re-fetch it. */
  onChanged(conversationId: string): void;
  onMode(mode: LiveMode): void;
  /** The server refused the session (signed out elsewhere, expired). */
  onUnauthorized(): void;
}

export interface Live {
  /** The conversation to hear about (null: none). */
  watch(conversationId: string | null): void;
  stop(): void;
}

const POLL_EVERY_MS = 2_000;
/** No `ready` this long after opening: the socket is not working. */
const READY_WITHIN_MS = 5_000;
const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 60_000;
/** Keeps idle proxies from closing the socket. */
const PING_EVERY_MS = 25_000;

interface ServerFrame {
  readonly type: string;
  readonly conversationId?: string;
  readonly code?: string;
}

export function startLive(options: LiveOptions): Live {
  let socket: WebSocket | null = null;
  let ready = false;
  let stopped = false;
  let watched: string | null = null;
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let readyTimer: ReturnType<typeof setTimeout> | null = null;
  let pingTimer: ReturnType<typeof setInterval> | null = null;
  let retryDelay = RETRY_MIN_MS;

  const send = (frame: object) => {
    if (socket && ready) socket.send(JSON.stringify(frame));
  };

  const startPolling = () => {
    options.onMode('polling');
    if (pollTimer !== null) return;
    pollTimer = setInterval(() => {
      options.onQueue();
      if (watched) options.onChanged(watched);
    }, POLL_EVERY_MS);
  };

  const stopPolling = () => {
    if (pollTimer !== null) clearInterval(pollTimer);
    pollTimer = null;
  };

  const failed = (dead: WebSocket) => {
    if (socket !== dead) return;
    dead.onopen = null;
    dead.onmessage = null;
    dead.onclose = null;
    dead.onerror = null;
    try {
      dead.close();
    } catch {
      // already closed
    }
    socket = null;
    ready = false;
    if (readyTimer !== null) clearTimeout(readyTimer);
    readyTimer = null;
    if (pingTimer !== null) clearInterval(pingTimer);
    pingTimer = null;
    if (stopped) return;
    startPolling();
    retryTimer = setTimeout(connect, retryDelay);
    retryDelay = Math.min(RETRY_MAX_MS, retryDelay * 2);
  };

  function connect(): void {
    retryTimer = null;
    if (stopped) return;
    let opened: WebSocket;
    try {
      opened = new WebSocket(options.url);
    } catch {
      startPolling();
      retryTimer = setTimeout(connect, retryDelay);
      return;
    }
    socket = opened;
    readyTimer = setTimeout(() => failed(opened), READY_WITHIN_MS);
    opened.onopen = () => opened.send(JSON.stringify({ type: 'hello', token: options.token }));
    opened.onerror = () => failed(opened);
    opened.onclose = (event) => {
      if (event.code === 4401) {
        stopped = true;
        options.onUnauthorized();
      }
      failed(opened);
    };
    opened.onmessage = (event: MessageEvent) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'ready') {
        ready = true;
        retryDelay = RETRY_MIN_MS;
        if (readyTimer !== null) clearTimeout(readyTimer);
        readyTimer = null;
        stopPolling();
        if (pingTimer !== null) clearInterval(pingTimer);
        pingTimer = setInterval(() => send({ type: 'ping' }), PING_EVERY_MS);
        options.onMode('live');
        if (watched) send({ type: 'watch', conversationId: watched });
        // Whatever happened while connecting.
        options.onQueue();
        if (watched) options.onChanged(watched);
      } else if (frame.type === 'queue') {
        options.onQueue();
      } else if (frame.type === 'changed' && frame.conversationId) {
        options.onChanged(frame.conversationId);
      } else if (frame.type === 'error' && frame.code && /AUTH/.test(frame.code)) {
        stopped = true;
        options.onUnauthorized();
        failed(opened);
      }
    };
  }

  options.onMode('connecting');
  connect();

  return {
    watch(conversationId) {
      if (conversationId === watched) return;
      if (watched) send({ type: 'unwatch', conversationId: watched });
      watched = conversationId;
      if (watched) send({ type: 'watch', conversationId: watched });
    },
    stop() {
      stopped = true;
      stopPolling();
      if (retryTimer !== null) clearTimeout(retryTimer);
      if (readyTimer !== null) clearTimeout(readyTimer);
      if (pingTimer !== null) clearInterval(pingTimer);
      const open = socket;
      socket = null;
      if (open) {
        open.onclose = null;
        open.onerror = null;
        open.onmessage = null;
        open.close();
      }
    },
  };
}

// The socket: connect, say hello, keep alive, and reconnect with exponential backoff and jitter
// (0.5 s doubling up to 10 s) whenever it drops. Frames other than `hello` are sent only once
// the server has answered `ready`; the chat decides what to resend then.

import { parseFrame, type ClientFrame, type ServerFrame } from './types.js';

export type ConnectionStatus = 'connecting' | 'ready' | 'reconnecting' | 'offline';

export interface ConnectionOptions {
  readonly url: string;
  /** The hello for this (re)connect: called each time, so it carries the latest session and seq. */
  hello(): ClientFrame & { type: 'hello' };
  onFrame(frame: ServerFrame): void;
  onStatus(status: ConnectionStatus): void;
}

export interface Connection {
  start(): void;
  /** Sends when the socket is open and ready; false otherwise (the caller queues). */
  send(frame: ClientFrame): boolean;
  readonly ready: boolean;
  /** Closes the socket as if the network dropped it; the connection reconnects by itself. */
  drop(): void;
  /** Reconnects now (e.g. after a hello the server refused), with the next hello. */
  restart(): void;
  stop(): void;
}

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
const PING_EVERY_MS = 25_000;
/** No frame at all (not even a pong) for this long means the connection is dead. */
const SILENCE_LIMIT_MS = 60_000;

/** The wait before reconnect attempt `attempt` (0-based): half fixed, half random ("equal jitter"). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function createConnection(options: ConnectionOptions): Connection {
  let socket: WebSocket | null = null;
  let ready = false;
  let stopped = false;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let pingTimer: ReturnType<typeof setInterval> | null = null;
  let lastHeard = 0;

  const clearTimers = () => {
    if (reconnectTimer !== null) clearTimeout(reconnectTimer);
    if (pingTimer !== null) clearInterval(pingTimer);
    reconnectTimer = null;
    pingTimer = null;
  };

  const detach = (dead: WebSocket) => {
    dead.onopen = null;
    dead.onmessage = null;
    dead.onclose = null;
    dead.onerror = null;
  };

  /** The socket is gone (closed, errored or silent): forget it and plan the next attempt. */
  const lost = (dead: WebSocket) => {
    if (socket !== dead) return;
    detach(dead);
    try {
      dead.close();
    } catch {
      // already closed
    }
    socket = null;
    ready = false;
    clearTimers();
    if (stopped) return;
    options.onStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
    const delay = backoffDelay(attempt);
    attempt += 1;
    reconnectTimer = setTimeout(connect, delay);
  };

  const connect = () => {
    reconnectTimer = null;
    if (stopped || socket !== null) return;
    if (attempt === 0) options.onStatus('connecting');
    let current: WebSocket;
    try {
      current = new WebSocket(options.url);
    } catch {
      // A malformed URL or a blocked scheme: retrying with backoff is all we can do.
      options.onStatus('reconnecting');
      reconnectTimer = setTimeout(connect, backoffDelay(attempt));
      attempt += 1;
      return;
    }
    socket = current;
    current.onopen = () => {
      lastHeard = Date.now();
      current.send(JSON.stringify(options.hello()));
      pingTimer = setInterval(() => {
        if (Date.now() - lastHeard > SILENCE_LIMIT_MS) return lost(current);
        if (current.readyState === WebSocket.OPEN) current.send(JSON.stringify({ type: 'ping' }));
      }, PING_EVERY_MS);
    };
    current.onmessage = (message: MessageEvent) => {
      lastHeard = Date.now();
      const frame = parseFrame(message.data);
      if (frame === null) return;
      if (frame.type === 'ready') {
        ready = true;
        attempt = 0;
        options.onStatus('ready');
      }
      options.onFrame(frame);
    };
    current.onclose = () => lost(current);
    current.onerror = () => lost(current);
  };

  const reconnectSoon = () => {
    // Back online or back in view: skip the rest of the wait.
    if (stopped || socket !== null || reconnectTimer === null) return;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, 0);
  };

  return {
    start() {
      stopped = false;
      window.addEventListener('online', reconnectSoon);
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') reconnectSoon();
      });
      connect();
    },
    send(frame) {
      if (!ready || socket === null || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
    get ready() {
      return ready;
    },
    drop() {
      if (socket !== null) lost(socket);
    },
    restart() {
      if (socket !== null) {
        const old = socket;
        detach(old);
        old.close();
        socket = null;
        ready = false;
      }
      clearTimers();
      connect();
    },
    stop() {
      stopped = true;
      clearTimers();
      if (socket !== null) {
        detach(socket);
        socket.close();
        socket = null;
      }
      ready = false;
    },
  };
}

// The agent API (/v1/agent/…) as the console uses it: one fetch wrapper that adds the session
// token, and the shapes of what comes back (copied from src/server/routes/agent-*.ts; the console
// imports nothing from the rest of Parley).

export interface Agent {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly role: 'agent' | 'admin';
  readonly teams: readonly string[];
  readonly capacity: number;
}

export interface Handoff {
  readonly conversationId: string;
  readonly bot: string;
  readonly team: string;
  readonly state: 'queued' | 'assigned' | 'resolved';
  readonly reason: string;
  readonly queuedAt: string;
  /** When the first-response target was missed, or null. */
  readonly slaBreachedAt?: string | null;
  readonly agentId: string | null;
  readonly assignedAt: string | null;
}

export interface QueueItem extends Handoff {
  readonly position: number | null;
}

export interface TranscriptLine {
  readonly seq: number;
  readonly at: string;
  readonly role: 'user' | 'bot' | 'agent' | 'note';
  readonly text: string;
  readonly agentId?: string;
}

export interface ConversationContext {
  readonly handoff: Handoff | null;
  readonly trigger: string | null;
  readonly transcript: readonly TranscriptLine[];
  readonly intents: readonly { readonly text: string; readonly intent: string | null; readonly confidence: number }[];
  readonly slots: Readonly<Record<string, unknown>>;
  readonly entities: readonly { readonly entity: string; readonly value: unknown }[];
  readonly summary: string;
}

export interface CannedResponse {
  readonly title: string;
  readonly text: string;
}

export interface SignedIn {
  readonly token: string;
  readonly agent: Agent;
  readonly expiresAt: string;
}

/** An error answer of the API: `{ error: { code, message } }` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Api {
  token: string | null;
  signIn(email: string, password: string): Promise<SignedIn>;
  signOut(): Promise<void>;
  me(): Promise<Agent>;
  queue(mine: boolean): Promise<QueueItem[]>;
  next(): Promise<Handoff | null>;
  claim(conversationId: string): Promise<Handoff>;
  conversation(conversationId: string): Promise<ConversationContext>;
  reply(conversationId: string, text: string): Promise<void>;
  note(conversationId: string, text: string): Promise<void>;
  transfer(conversationId: string, team: string): Promise<void>;
  resolve(conversationId: string): Promise<void>;
  presence(status: 'online' | 'offline'): Promise<void>;
  cannedResponses(): Promise<CannedResponse[]>;
}

export function createApi(base: string): Api {
  const api: Api = {
    token: null,
    signIn: (email, password) => call<SignedIn>('POST', '/v1/agent/sessions', { email, password }),
    signOut: async () => {
      await call('DELETE', '/v1/agent/sessions/current');
    },
    me: () => call<Agent>('GET', '/v1/agent/me'),
    queue: async (mine) => (await call<{ conversations: QueueItem[] }>('GET', `/v1/agent/queue${mine ? '?mine=true' : ''}`)).conversations,
    next: async () => (await call<{ conversation: Handoff | null }>('POST', '/v1/agent/queue/next')).conversation,
    claim: async (id) => (await call<{ conversation: Handoff }>('POST', `/v1/agent/conversations/${encodeURIComponent(id)}/claim`)).conversation,
    conversation: (id) => call<ConversationContext>('GET', `/v1/agent/conversations/${encodeURIComponent(id)}`),
    reply: async (id, text) => {
      await call('POST', `/v1/agent/conversations/${encodeURIComponent(id)}/messages`, { text });
    },
    note: async (id, text) => {
      await call('POST', `/v1/agent/conversations/${encodeURIComponent(id)}/notes`, { text });
    },
    transfer: async (id, team) => {
      await call('POST', `/v1/agent/conversations/${encodeURIComponent(id)}/transfer`, { team });
    },
    resolve: async (id) => {
      await call('POST', `/v1/agent/conversations/${encodeURIComponent(id)}/resolve`);
    },
    presence: async (status) => {
      await call('PUT', '/v1/agent/presence', { status });
    },
    cannedResponses: async () => (await call<{ responses: CannedResponse[] }>('GET', '/v1/agent/canned-responses')).responses,
  };

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (api.token) headers['authorization'] = `Bearer ${api.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch {
      throw new ApiError(0, 'NETWORK', 'Could not reach the server. Check your connection.');
    }
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: the status says enough
    }
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? `The server answered ${response.status}.`);
    }
    return json as T;
  }

  return api;
}

// The agent console: sign in, go online, work the queue, and talk to customers a bot handed
// over. Plain DOM on the page src/console/console.html (served at /console); it talks to the
// /v1/agent/… API and keeps current through the agent socket, or by polling without it.

import { ApiError, createApi, type Agent, type CannedResponse, type ConversationContext, type QueueItem, type TranscriptLine } from './api.js';
import { startLive, type Live, type LiveMode } from './live.js';

const SESSION_KEY = 'parley-console:session';

interface StoredSession {
  readonly token: string;
  readonly agent: Agent;
  readonly presence: 'online' | 'offline';
}

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The console page has no #${id}`);
  return element as T;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string; id?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.id) element.id = props.id;
  if (props.text !== undefined) element.textContent = props.text;
  for (const child of children) element.append(child);
  return element;
}

const ui = {
  signInView: byId('sign-in-view'),
  signInForm: byId<HTMLFormElement>('sign-in-form'),
  email: byId<HTMLInputElement>('email'),
  password: byId<HTMLInputElement>('password'),
  signInError: byId('sign-in-error'),
  deskView: byId('desk-view'),
  who: byId('who'),
  mode: byId('live-mode'),
  presenceWrap: byId('presence-wrap'),
  presence: byId<HTMLInputElement>('presence'),
  signOut: byId<HTMLButtonElement>('sign-out'),
  takeNext: byId<HTMLButtonElement>('take-next'),
  queueError: byId('queue-error'),
  queueList: byId('queue-list'),
  mineList: byId('mine-list'),
  heading: byId('conversation-heading'),
  empty: byId('conversation-empty'),
  body: byId('conversation-body'),
  summary: byId('summary'),
  trigger: byId('trigger'),
  team: byId('team'),
  state: byId('state'),
  intents: byId('intents'),
  slots: byId('slots'),
  entities: byId('entities'),
  transcript: byId('transcript'),
  replyForm: byId<HTMLFormElement>('reply-form'),
  reply: byId<HTMLTextAreaElement>('reply'),
  canned: byId<HTMLSelectElement>('canned'),
  replyError: byId('reply-error'),
  noteForm: byId<HTMLFormElement>('note-form'),
  note: byId<HTMLTextAreaElement>('note'),
  transferForm: byId<HTMLFormElement>('transfer-form'),
  transferTeam: byId<HTMLInputElement>('transfer-team'),
  knownTeams: byId('known-teams'),
  resolve: byId<HTMLButtonElement>('resolve'),
  actionError: byId('action-error'),
  announcer: byId('announcer'),
};

const api = createApi('');
let session: StoredSession | null = null;
let live: Live | null = null;
let queue: QueueItem[] = [];
let mine: QueueItem[] = [];
let canned: CannedResponse[] = [];
let currentId: string | null = null;
let shownSeqs = new Set<number>();
let clockTimer: ReturnType<typeof setInterval> | null = null;

// ---------------------------------------------------------------------------------------------
// Helpers

function announce(text: string): void {
  ui.announcer.textContent = '';
  // A fresh text node, so the same words are announced again.
  setTimeout(() => (ui.announcer.textContent = text), 50);
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** Runs an API action; a 401 ends the session, other errors are shown in `where`. */
async function attempt<T>(where: HTMLElement, action: () => Promise<T>): Promise<T | undefined> {
  where.textContent = '';
  try {
    return await action();
  } catch (error) {
    if (isUnauthorized(error)) {
      endSession('Your session has ended. Please sign in again.');
      return undefined;
    }
    where.textContent = messageOf(error);
    return undefined;
  }
}

function waitingFor(since: string): string {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Re-runs `task` after it finishes when asked again meanwhile; never two at once. */
function serialized(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    void task().finally(() => {
      running = false;
      if (again) run();
    });
  };
  return run;
}

// ---------------------------------------------------------------------------------------------
// Session

function store(next: StoredSession | null): void {
  session = next;
  if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION_KEY);
}

function restore(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    const parsed = raw ? (JSON.parse(raw) as StoredSession) : null;
    return parsed && typeof parsed.token === 'string' && parsed.agent ? parsed : null;
  } catch {
    return null;
  }
}

function showSignIn(message = ''): void {
  ui.deskView.hidden = true;
  ui.who.hidden = true;
  ui.mode.hidden = true;
  ui.presenceWrap.hidden = true;
  ui.signOut.hidden = true;
  ui.signInView.hidden = false;
  ui.signInError.textContent = message;
  ui.password.value = '';
  ui.email.focus();
}

function endSession(message = ''): void {
  live?.stop();
  live = null;
  if (clockTimer !== null) clearInterval(clockTimer);
  clockTimer = null;
  api.token = null;
  store(null);
  closeConversation();
  queue = [];
  mine = [];
  showSignIn(message);
}

async function startDesk(current: StoredSession): Promise<void> {
  api.token = current.token;
  ui.signInView.hidden = true;
  ui.deskView.hidden = false;
  ui.who.hidden = false;
  ui.who.textContent = `${current.agent.name} · ${current.agent.role === 'admin' ? 'all teams' : current.agent.teams.join(', ') || 'no team'}`;
  ui.presenceWrap.hidden = false;
  ui.signOut.hidden = false;
  ui.presence.checked = current.presence === 'online';
  ui.takeNext.focus();

  // The server keeps presence in memory: say again what this tab last chose.
  if (current.presence === 'online') await attempt(ui.queueError, () => api.presence('online'));
  if (!session) return;

  void loadCanned();
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  live = startLive({
    url: `${scheme}//${location.host}/v1/agent/socket`,
    token: current.token,
    onQueue: refreshQueues,
    onChanged: (conversationId) => {
      if (conversationId === currentId) refreshConversation();
    },
    onMode: (mode: LiveMode) => {
      ui.mode.hidden = false;
      ui.mode.dataset['mode'] = mode;
      ui.mode.textContent = mode === 'live' ? 'Live' : mode === 'polling' ? 'Updating every 2 s' : 'Connecting…';
    },
    onUnauthorized: () => endSession('Your session has ended. Please sign in again.'),
  });
  clockTimer = setInterval(renderQueues, 15_000);
  refreshQueues();
}

async function loadCanned(): Promise<void> {
  try {
    canned = await api.cannedResponses();
  } catch {
    canned = [];
  }
  ui.canned.replaceChildren(el('option', { text: canned.length > 0 ? 'Choose…' : 'None configured' }));
  (ui.canned.firstElementChild as HTMLElement).setAttribute('value', '');
  canned.forEach((response, index) => {
    const option = el('option', { text: response.title });
    option.value = String(index);
    ui.canned.append(option);
  });
  ui.canned.disabled = canned.length === 0;
}

ui.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const email = ui.email.value.trim();
  const password = ui.password.value;
  if (!email || !password) {
    ui.signInError.textContent = 'Enter your email and password.';
    return;
  }
  const button = ui.signInForm.querySelector('button');
  if (button) button.disabled = true;
  ui.signInError.textContent = '';
  api
    .signIn(email, password)
    .then((result) => {
      const next: StoredSession = { token: result.token, agent: result.agent, presence: 'offline' };
      store(next);
      ui.password.value = '';
      return startDesk(next);
    })
    .catch((error: unknown) => {
      ui.signInError.textContent = error instanceof ApiError && error.status === 401 ? 'Wrong email or password.' : messageOf(error);
    })
    .finally(() => {
      if (button) button.disabled = false;
    });
});

ui.signOut.addEventListener('click', () => {
  // Offline first (conversations go back to the queue rather than wait for nobody), then end the
  // session on the server, with a client of its own: the console forgets the token at once.
  const leaving = createApi('');
  leaving.token = api.token;
  const wasOnline = session?.presence === 'online';
  void (wasOnline ? leaving.presence('offline') : Promise.resolve())
    .then(() => leaving.signOut())
    .catch(() => undefined);
  endSession('You have signed out.');
});

ui.presence.addEventListener('change', () => {
  const status = ui.presence.checked ? 'online' : 'offline';
  void attempt(ui.queueError, async () => {
    await api.presence(status);
    if (session) store({ ...session, presence: status });
    announce(status === 'online' ? 'You are online.' : 'You are offline; your conversations went back to the queue.');
    refreshQueues();
    return true;
  }).then((done) => {
    if (done === undefined && session) ui.presence.checked = session.presence === 'online';
  });
});

// ---------------------------------------------------------------------------------------------
// The queue and "Mine"

const refreshQueues = serialized(async () => {
  if (!session) return;
  const lists = await attempt(ui.queueError, () => Promise.all([api.queue(false), api.queue(true)]));
  if (!lists) return;
  [queue, mine] = lists;
  renderQueues();
});

function renderQueues(): void {
  renderList(ui.queueList, queue, false);
  renderList(ui.mineList, mine, true);
  const teams = new Set<string>([...(session?.agent.teams ?? []), ...queue.map((item) => item.team), ...mine.map((item) => item.team)]);
  ui.knownTeams.replaceChildren(...[...teams].sort().map((team) => Object.assign(el('option'), { value: team })));
}

function renderList(list: HTMLElement, items: readonly QueueItem[], assigned: boolean): void {
  if (items.length === 0) {
    list.replaceChildren(el('li', { className: 'empty', text: assigned ? 'Nothing assigned to you.' : 'Nobody is waiting.' }));
    return;
  }
  list.replaceChildren(
    ...items.map((item) => {
      const describedId = `${assigned ? 'mine' : 'queue'}-${item.conversationId}`;
      const button = el('button', { text: assigned ? 'Open' : 'Claim' });
      button.type = 'button';
      button.setAttribute('aria-describedby', describedId);
      if (!assigned) button.addEventListener('click', () => claim(item.conversationId));
      else button.addEventListener('click', () => openConversation(item.conversationId));
      const waited = waitingFor(assigned ? (item.assignedAt ?? item.queuedAt) : item.queuedAt);
      const row = el(
        'li',
        { className: item.conversationId === currentId ? 'current' : '' },
        el('div', { className: 'row' }, el('span', { className: 'team', text: item.team }), button),
        el('div', { id: describedId, text: item.reason }),
        el('div', {
          className: 'meta',
          text: assigned ? `assigned ${waited} ago` : `waiting ${waited}${item.position !== null ? ` · #${item.position} in queue` : ''}`,
        }),
        item.slaBreachedAt ? el('div', { className: 'sla-breached', text: 'First-response target missed' }) : '',
      );
      row.dataset['conversationId'] = item.conversationId;
      return row;
    }),
  );
}

function claim(conversationId: string): void {
  void attempt(ui.queueError, async () => {
    try {
      await api.claim(conversationId);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'PARLEY_HANDOFF_TAKEN') {
        refreshQueues();
        throw new ApiError(409, error.code, 'Someone else took that conversation first.');
      }
      throw error;
    }
    announce('Conversation claimed.');
    refreshQueues();
    openConversation(conversationId);
  });
}

ui.takeNext.addEventListener('click', () => {
  void attempt(ui.queueError, async () => {
    const next = await api.next();
    if (!next) {
      ui.queueError.textContent = 'Nobody is waiting (or you are at capacity).';
      return;
    }
    announce('Conversation claimed.');
    refreshQueues();
    openConversation(next.conversationId);
  });
});

// ---------------------------------------------------------------------------------------------
// The conversation

function openConversation(conversationId: string): void {
  if (conversationId !== currentId) {
    currentId = conversationId;
    shownSeqs = new Set();
    ui.transcript.replaceChildren();
    ui.reply.value = '';
    ui.note.value = '';
    ui.replyError.textContent = '';
    ui.actionError.textContent = '';
  }
  live?.watch(conversationId);
  ui.heading.textContent = 'Conversation';
  ui.empty.hidden = true;
  ui.body.hidden = false;
  renderQueues();
  refreshConversation();
  ui.heading.focus();
}

function closeConversation(message?: string): void {
  currentId = null;
  shownSeqs = new Set();
  live?.watch(null);
  ui.transcript.replaceChildren();
  ui.body.hidden = true;
  ui.empty.hidden = false;
  ui.heading.textContent = 'No conversation open';
  if (message) announce(message);
  renderQueues();
}

const refreshConversation = serialized(async () => {
  const id = currentId;
  if (!id) return;
  try {
    const context = await api.conversation(id);
    if (id === currentId) renderConversation(context);
  } catch (error) {
    if (id !== currentId) return;
    if (isUnauthorized(error)) endSession('Your session has ended. Please sign in again.');
    else if (error instanceof ApiError && (error.status === 403 || error.status === 404)) closeConversation('That conversation is no longer yours to see.');
    else ui.actionError.textContent = messageOf(error);
  }
});

function renderConversation(context: ConversationContext): void {
  const handoff = context.handoff;
  ui.heading.textContent = handoff ? `Conversation ${handoff.conversationId}` : 'Conversation';
  ui.summary.textContent = context.summary;
  ui.trigger.textContent = context.trigger ?? '—';
  ui.team.textContent = handoff?.team ?? '—';
  ui.state.textContent = handoff ? (handoff.state === 'assigned' && handoff.agentId === session?.agent.id ? 'assigned to you' : handoff.state) : 'with the bot';

  ui.intents.replaceChildren(
    ...(context.intents.length === 0
      ? [el('li', { className: 'empty', text: 'None' })]
      : context.intents.map((item) => el('li', { text: `${item.intent ?? '(none)'} ${Math.round(item.confidence * 100)}% — "${item.text}"` }))),
  );
  const pairs = (target: HTMLElement, entries: [string, unknown][]) =>
    target.replaceChildren(...(entries.length === 0 ? [el('dt', { text: 'None' }), el('dd')] : entries.flatMap(([key, value]) => [el('dt', { text: key }), el('dd', { text: display(value) })])));
  pairs(ui.slots, Object.entries(context.slots));
  pairs(ui.entities, context.entities.map((entity) => [entity.entity, entity.value]));

  for (const line of context.transcript) {
    if (shownSeqs.has(line.seq)) continue;
    shownSeqs.add(line.seq);
    ui.transcript.append(renderLine(line));
  }
  ui.transcript.scrollTop = ui.transcript.scrollHeight;

  const mineNow = handoff?.state === 'assigned' && handoff.agentId === session?.agent.id;
  for (const control of [ui.reply, ui.canned, ui.resolve, ui.transferTeam, ...ui.replyForm.querySelectorAll('button'), ...ui.transferForm.querySelectorAll('button')]) {
    (control as HTMLButtonElement).disabled = !mineNow || (control === ui.canned && canned.length === 0);
  }
}

function renderLine(line: TranscriptLine): HTMLElement {
  const who = line.role === 'user' ? 'Customer' : line.role === 'bot' ? 'Bot' : line.role === 'agent' ? (line.agentId === session?.agent.id ? 'You' : 'Agent') : 'Internal note';
  const item = el('li', { className: `line line-${line.role}` });
  item.dataset['seq'] = String(line.seq);
  item.dataset['role'] = line.role;
  if (line.role === 'note') item.append(el('span', { className: 'badge', text: 'internal' }));
  item.append(el('span', { className: 'who', text: `${who} · ${new Date(line.at).toLocaleTimeString()}` }), el('span', { className: 'text', text: line.text }));
  return item;
}

ui.canned.addEventListener('change', () => {
  const picked = canned[Number(ui.canned.value)];
  if (ui.canned.value === '' || !picked) return;
  ui.reply.value = picked.text;
  ui.canned.value = '';
  ui.reply.focus();
});

ui.reply.addEventListener('keydown', (event: KeyboardEvent) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.replyForm.requestSubmit();
  }
});

ui.replyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const id = currentId;
  const text = ui.reply.value.trim();
  if (!id || !text) return;
  ui.reply.disabled = true;
  void attempt(ui.replyError, async () => {
    await api.reply(id, text);
    if (id === currentId) ui.reply.value = '';
    refreshConversation();
  }).finally(() => {
    ui.reply.disabled = false;
    ui.reply.focus();
  });
});

ui.noteForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const id = currentId;
  const text = ui.note.value.trim();
  if (!id || !text) return;
  void attempt(ui.actionError, async () => {
    await api.note(id, text);
    if (id === currentId) ui.note.value = '';
    announce('Note added.');
    refreshConversation();
  });
});

ui.transferForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const id = currentId;
  const team = ui.transferTeam.value.trim();
  if (!id || !team) return;
  void attempt(ui.actionError, async () => {
    await api.transfer(id, team);
    ui.transferTeam.value = '';
    closeConversation(`Transferred to ${team}.`);
    refreshQueues();
  });
});

ui.resolve.addEventListener('click', () => {
  const id = currentId;
  if (!id) return;
  void attempt(ui.actionError, async () => {
    await api.resolve(id);
    closeConversation('Resolved: the bot answers this customer again.');
    refreshQueues();
  });
});

// ---------------------------------------------------------------------------------------------
// Start

const saved = restore();
if (saved) {
  session = saved;
  void startDesk(saved);
} else {
  showSignIn();
}

import {
  ParleyError,
  isParleyError,
  outgoingMessageSchema,
  type Action,
  type ActionContext,
  type ActionConversationContext,
  type ActionMessage,
  type ActionStep,
  type ConnectorGateway,
  type ErrorCode,
  type ExtractedEntity,
  type OutgoingMessage,
} from '../core/index.js';

/**
 * Runs one TypeScript action under its step's timeout. The action's replies and slot changes are
 * buffered and handed back only as the outcome: the caller applies them when the action
 * succeeded and drops them when it failed, so a half-done action never leaves half its effects.
 */

export type ActionEffect =
  | { readonly kind: 'slot'; readonly slot: string; readonly value: unknown }
  | { readonly kind: 'response'; readonly response: string }
  | { readonly kind: 'message'; readonly message: OutgoingMessage };

export interface ConnectorCallRecord {
  readonly action: string;
  readonly outcome: 'success' | 'not-found' | 'error';
  readonly durationMs: number;
  readonly errorCode?: string;
}

export interface ActionOutcome {
  readonly ok: boolean;
  readonly errorCode?: ErrorCode;
  readonly error?: string;
  readonly durationMs: number;
  readonly effects: readonly ActionEffect[];
  /** Connector calls the action made, in order; recorded whether or not it succeeded. */
  readonly calls: readonly ConnectorCallRecord[];
}

export interface ActionRun {
  readonly action: Action | undefined;
  readonly step: ActionStep;
  readonly slots: Readonly<Record<string, unknown>>;
  readonly entities: readonly ExtractedEntity[];
  readonly context: ActionConversationContext;
  readonly connectors: ConnectorGateway;
  /** Whether responses.yaml has a response of this name. */
  readonly hasResponse: (name: string) => boolean;
  /** Monotonic milliseconds. */
  readonly now: () => number;
}

/** Longest error text kept in the event log. */
const MAX_ERROR_CHARS = 300;

export async function runAction(run: ActionRun): Promise<ActionOutcome> {
  const { step, now } = run;
  const started = now();
  const effects: ActionEffect[] = [];
  const calls: ConnectorCallRecord[] = [];
  const slots: Record<string, unknown> = { ...run.slots };
  const allowed = new Set(step.sets);
  const controller = new AbortController();
  // Once the action has failed or timed out, whatever it still does is ignored.
  let open = true;

  const finish = (failure?: { code: ErrorCode; error: string }): ActionOutcome => ({
    ok: failure === undefined,
    ...(failure ? { errorCode: failure.code, error: failure.error.slice(0, MAX_ERROR_CHARS) } : {}),
    durationMs: Math.max(0, now() - started),
    effects: failure ? [] : effects,
    calls: [...calls],
  });

  if (!run.action) return finish({ code: 'PARLEY_ACTION_NOT_FOUND', error: `the bot has no action "${step.action}" (actions/${step.action}.ts)` });

  const context: ActionContext = {
    slots,
    entities: run.entities,
    context: run.context,
    signal: controller.signal,
    connectors: {
      async call(connector, operation, args = {}) {
        const callStarted = now();
        const result = await run.connectors.call(connector, operation, args);
        if (open) {
          calls.push({
            action: `${connector}.${operation}`,
            outcome: result.outcome,
            durationMs: Math.max(0, now() - callStarted),
            ...(result.outcome === 'error' ? { errorCode: result.code } : {}),
          });
        }
        return result;
      },
    },
    reply(message: string | ActionMessage) {
      if (!open) return;
      if (typeof message === 'string') {
        if (!run.hasResponse(message)) throw new ParleyError('PARLEY_ACTION_FAILED', `reply("${message}"): responses.yaml has no response "${message}"`);
        effects.push({ kind: 'response', response: message });
        return;
      }
      const parsed = outgoingMessageSchema.safeParse({ type: 'text', ...message });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ParleyError('PARLEY_ACTION_FAILED', `reply(): not a valid message${issue ? ` (${issue.path.join('.') || 'message'}: ${issue.message})` : ''}`);
      }
      effects.push({ kind: 'message', message: parsed.data });
    },
    setSlot(name: string, value: unknown) {
      if (!open) return;
      if (!allowed.has(name)) {
        const declared = step.sets.length === 0 ? 'it declares none' : `it declares ${step.sets.join(', ')}`;
        throw new ParleyError('PARLEY_ACTION_FAILED', `setSlot("${name}"): the step does not declare "${name}" under "sets:" (${declared})`);
      }
      const stored = storable(name, value);
      slots[name] = stored;
      effects.push({ kind: 'slot', slot: name, value: stored });
    },
  };

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), step.timeout_ms);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(() => run.action!.run(context)).then(() => 'done' as const), timedOut]);
    if (result === 'timeout') {
      controller.abort(new ParleyError('PARLEY_ACTION_TIMEOUT', `action "${step.action}" timed out`));
      return finish({ code: 'PARLEY_ACTION_TIMEOUT', error: `the action did not finish within ${step.timeout_ms} ms` });
    }
    return finish();
  } catch (error) {
    const code: ErrorCode = isParleyError(error) && error.code.startsWith('PARLEY_ACTION_') ? error.code : 'PARLEY_ACTION_FAILED';
    return finish({ code, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  } finally {
    open = false;
    clearTimeout(timer);
  }
}

/** A slot value must survive the event log's JSON: a copy of it, or a clear error. */
function storable(name: string, value: unknown): unknown {
  if (value === undefined) throw new ParleyError('PARLEY_ACTION_FAILED', `setSlot("${name}"): undefined is not a value; use null to clear the slot`);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new ParleyError('PARLEY_ACTION_FAILED', `setSlot("${name}"): the value cannot be stored as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (text === undefined) throw new ParleyError('PARLEY_ACTION_FAILED', `setSlot("${name}"): a ${typeof value} cannot be stored as a slot value`);
  return JSON.parse(text) as unknown;
}

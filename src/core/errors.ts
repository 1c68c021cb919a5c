/**
 * Typed errors with stable codes. Every error Parley raises on purpose is a ParleyError whose code
 * never changes meaning once released: clients and operators match on it.
 */

interface ErrorSpec {
  readonly status: number;
  readonly retryable: boolean;
}

export const errorCatalogue = {
  PARLEY_API_VALIDATION: { status: 400, retryable: false },
  PARLEY_API_INVALID_JSON: { status: 400, retryable: false },
  PARLEY_API_ROUTE_NOT_FOUND: { status: 404, retryable: false },
  PARLEY_API_PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  PARLEY_API_UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  PARLEY_API_RATE_LIMITED: { status: 429, retryable: true },
  PARLEY_AUTH_TOKEN_MISSING: { status: 401, retryable: false },
  PARLEY_AUTH_TOKEN_INVALID: { status: 401, retryable: false },
  PARLEY_AUTH_API_KEY_MISSING: { status: 401, retryable: false },
  PARLEY_AUTH_API_KEY_INVALID: { status: 401, retryable: false },
  PARLEY_AUTH_FORBIDDEN: { status: 403, retryable: false },
  /** The email or the password of an agent sign-in is wrong (which one is never told). */
  PARLEY_AUTH_CREDENTIALS_INVALID: { status: 401, retryable: false },
  /** The agent session has run out (idle too long or past its maximum lifetime): sign in again. */
  PARLEY_AUTH_SESSION_EXPIRED: { status: 401, retryable: false },
  /** The agent account is disabled. */
  PARLEY_AUTH_ACCOUNT_DISABLED: { status: 403, retryable: false },
  PARLEY_AGENT_NOT_FOUND: { status: 404, retryable: false },
  /** Another agent already has this email. */
  PARLEY_AGENT_EMAIL_TAKEN: { status: 409, retryable: false },
  /** A new password is too short (at least 12 characters) or too long. */
  PARLEY_AGENT_PASSWORD_WEAK: { status: 400, retryable: false },
  PARLEY_BOT_NOT_FOUND: { status: 404, retryable: false },
  PARLEY_BOT_INVALID: { status: 500, retryable: false },
  PARLEY_BOT_RELOAD_INVALID: { status: 422, retryable: false },
  PARLEY_CONVERSATION_NOT_FOUND: { status: 404, retryable: false },
  PARLEY_MESSAGE_ID_CONFLICT: { status: 409, retryable: false },
  PARLEY_MESSAGE_NOT_FOUND: { status: 404, retryable: false },
  PARLEY_MESSAGE_TOO_LONG: { status: 413, retryable: false },
  PARLEY_ENGINE_TURN_PENDING: { status: 503, retryable: true },
  PARLEY_ENGINE_SHUTTING_DOWN: { status: 503, retryable: true },
  PARLEY_STORE_CONFLICT: { status: 409, retryable: true },
  PARLEY_STORE_UNAVAILABLE: { status: 503, retryable: true },
  PARLEY_STORE_CORRUPT_EVENT: { status: 500, retryable: false },
  PARLEY_NLU_MODEL_INVALID: { status: 500, retryable: false },
  PARLEY_CONNECTOR_NOT_FOUND: { status: 500, retryable: false },
  PARLEY_CONNECTOR_FAILED: { status: 502, retryable: true },
  PARLEY_ACTION_NOT_FOUND: { status: 500, retryable: false },
  PARLEY_ACTION_FAILED: { status: 500, retryable: false },
  PARLEY_ACTION_TIMEOUT: { status: 504, retryable: false },
  /** A webhook receiver did not take a delivery (network error, timeout, 5xx, 408, 429): it is retried. */
  PARLEY_WEBHOOK_DELIVERY_FAILED: { status: 502, retryable: true },
  /** A webhook receiver refused a delivery with a 4xx (other than 408 and 429): it is given up at once. */
  PARLEY_WEBHOOK_REJECTED: { status: 502, retryable: false },
  /** A queued delivery names a webhook the bot no longer has: it is given up. */
  PARLEY_WEBHOOK_UNKNOWN: { status: 500, retryable: false },
  PARLEY_HANDOFF_NOT_OPEN: { status: 409, retryable: false },
  PARLEY_HANDOFF_TAKEN: { status: 409, retryable: false },
  PARLEY_HANDOFF_NOT_YOURS: { status: 409, retryable: false },
  PARLEY_HANDOFF_ALREADY_OPEN: { status: 409, retryable: false },
  PARLEY_AGENT_AT_CAPACITY: { status: 409, retryable: false },
  PARLEY_CONFIG_INVALID: { status: 500, retryable: false },
  PARLEY_INTERNAL: { status: 500, retryable: false },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface ParleyErrorOptions {
  readonly cause?: unknown;
  /** Structured context safe to return to a client (never secrets or message text). */
  readonly details?: Record<string, unknown>;
}

export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: ParleyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ParleyError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.retryable = errorCatalogue[code].retryable;
    this.details = options.details;
  }
}

export function isParleyError(value: unknown, code?: ErrorCode): value is ParleyError {
  return value instanceof ParleyError && (code === undefined || value.code === code);
}

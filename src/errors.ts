/**
 * One error type for the whole gateway. Every failure a client can see carries a stable `code`;
 * the table below maps it to a WebSocket close code, an HTTP status and whether retrying can help.
 * Messages are for humans and must never contain user text or credentials.
 */
export const ERROR_CODES = {
  bad_request: { http: 400, close: 1008, retryable: false },
  malformed_message: { http: 400, close: 1007, retryable: false },
  message_too_large: { http: 413, close: 1009, retryable: false },
  unknown_message_type: { http: 400, close: 1008, retryable: false },
  unknown_context: { http: 400, close: 1008, retryable: false },
  context_exists: { http: 409, close: 1008, retryable: false },
  unknown_voice: { http: 400, close: 1008, retryable: false },
  unsupported_format: { http: 400, close: 1008, retryable: false },
  unauthenticated: { http: 401, close: 4001, retryable: false },
  token_expired: { http: 401, close: 4001, retryable: false },
  forbidden: { http: 403, close: 4003, retryable: false },
  rate_limited: { http: 429, close: 4029, retryable: true },
  too_many_contexts: { http: 429, close: 4029, retryable: true },
  too_many_connections: { http: 429, close: 4029, retryable: true },
  /** The machine is over capacity: new streams are refused early rather than every stream underrunning. */
  overloaded: { http: 503, close: 1013, retryable: true },
  slow_consumer: { http: 503, close: 4008, retryable: true },
  idle_timeout: { http: 408, close: 4000, retryable: true },
  synthesis_failed: { http: 500, close: 1011, retryable: true },
  device_unavailable: { http: 503, close: 1011, retryable: false },
  not_ready: { http: 503, close: 1013, retryable: true },
  shutting_down: { http: 503, close: 1001, retryable: true },
  not_found: { http: 404, close: 1008, retryable: false },
  internal: { http: 500, close: 1011, retryable: true },
} as const satisfies Record<string, { http: number; close: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class SpeechgateError extends Error {
  readonly code: ErrorCode;
  /** Seconds after which a retry may succeed (rate limits). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpeechgateError';
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
  get closeCode(): number {
    return ERROR_CODES[this.code].close;
  }
}

/** Any thrown value as a SpeechgateError; unknown failures become `internal` without leaking details. */
export function toSpeechgateError(err: unknown): SpeechgateError {
  if (err instanceof SpeechgateError) return err;
  if (err instanceof Error && err.name === 'AbortError')
    return new SpeechgateError('internal', 'aborted', { cause: err });
  return new SpeechgateError('internal', 'internal error', { cause: err });
}

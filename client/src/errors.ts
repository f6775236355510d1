/**
 * Errors the client reports: the gateway's own codes (sent in `error` messages, or implied by a close
 * code) plus a few that only the client can observe, such as a dropped connection.
 */
import type { ErrorMessage } from './protocol.js';

/** Codes the gateway sends, with whether retrying can help (the gateway's src/errors.ts table). */
const SERVER_CODES = {
  bad_request: false,
  malformed_message: false,
  message_too_large: false,
  unknown_message_type: false,
  unknown_context: false,
  context_exists: false,
  unknown_voice: false,
  unsupported_format: false,
  unauthenticated: false,
  token_expired: false,
  forbidden: false,
  rate_limited: true,
  too_many_contexts: true,
  too_many_connections: true,
  slow_consumer: true,
  idle_timeout: true,
  synthesis_failed: true,
  device_unavailable: false,
  not_ready: true,
  shutting_down: true,
  not_found: false,
  internal: true,
} as const;

/** Codes raised by the client itself. */
const CLIENT_CODES = {
  /** The socket could not be opened (network, TLS, or the upgrade was refused). */
  connection_failed: true,
  /** The socket dropped while this context was streaming; its audio is incomplete. */
  connection_lost: true,
  /** `close()` was called, or reconnecting gave up. */
  closed: false,
  /** The server sent something this client cannot read. */
  protocol_error: false,
} as const;

export type ServerErrorCode = keyof typeof SERVER_CODES;
export type ClientErrorCode = keyof typeof CLIENT_CODES;
export type ErrorCode = ServerErrorCode | ClientErrorCode;

const RETRYABLE: Readonly<Record<string, boolean>> = { ...SERVER_CODES, ...CLIENT_CODES };

/** WebSocket close codes the gateway uses, for closes that arrive without an `error` message first. */
const CLOSE_CODES: Readonly<Record<number, ServerErrorCode>> = {
  1001: 'shutting_down',
  1007: 'malformed_message',
  1008: 'bad_request',
  1009: 'message_too_large',
  1011: 'internal',
  1013: 'not_ready',
  4000: 'idle_timeout',
  4001: 'unauthenticated',
  4003: 'forbidden',
  4008: 'slow_consumer',
  4029: 'rate_limited',
};

export interface SpeechgateErrorOptions {
  retryable?: boolean;
  retryAfterSeconds?: number;
  contextId?: string;
  fatal?: boolean;
  cause?: unknown;
}

export class SpeechgateError extends Error {
  /** Stable code; a code unknown to this client version is passed through as the server sent it. */
  readonly code: ErrorCode | (string & {});
  /** True when the same request may succeed later (after `retryAfterSeconds`, if given). */
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;
  /** The context the error belongs to; undefined for connection-level errors. */
  readonly contextId: string | undefined;
  /** True when the connection is closed because of this error. */
  readonly fatal: boolean;

  constructor(code: ErrorCode | (string & {}), message: string, options: SpeechgateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpeechgateError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE[code] ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.contextId = options.contextId;
    this.fatal = options.fatal ?? false;
  }

  static fromMessage(msg: ErrorMessage): SpeechgateError {
    return new SpeechgateError(msg.code, msg.message, {
      retryable: msg.retryable,
      retryAfterSeconds: msg.retry_after_s,
      contextId: msg.context_id,
      fatal: msg.fatal,
    });
  }

  /** The error a close code implies when the server closed without explaining itself first. */
  static fromClose(code: number, reason: string): SpeechgateError {
    const mapped = CLOSE_CODES[code];
    const text = reason !== '' ? reason : `connection closed (${code})`;
    return new SpeechgateError(mapped ?? 'connection_lost', text, { fatal: true });
  }

  /** The same error, attributed to one context (connection-level failures fail every open context). */
  forContext(contextId: string): SpeechgateError {
    return new SpeechgateError(this.code, this.message, {
      retryable: this.retryable,
      retryAfterSeconds: this.retryAfterSeconds,
      contextId,
      fatal: this.fatal,
      cause: this,
    });
  }
}

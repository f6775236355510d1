/**
 * JSON logs (pino). Log records carry ids, tenants, codes and numbers; never the text being spoken or
 * a credential. Besides the discipline at call sites, fields that usually hold such values are
 * censored, so a careless `logger.info({ text })` does not leak either.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { SpeechgateError } from './errors.js';
import type { LogLevel } from './config/index.js';

export type { Logger } from 'pino';

/** Field names whose values are never written. */
const SECRET_FIELDS = ['text', 'input', 'token', 'authorization', 'password', 'secret'];

export interface LoggerOptions {
  level: LogLevel;
  /** Default: stdout. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  /** Fields on every record. */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'speechgate', ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((field) => `*.${field}`)],
        censor: '[redacted]',
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A logger whose records all name the connection and its tenant. */
export function sessionLogger(logger: Logger, sessionId: string, tenant: string): Logger {
  return logger.child({ session: sessionId, tenant });
}

/**
 * Fields describing a failure without its free-form details: a SpeechgateError's message is written
 * for clients and safe; anything else may quote input (Node's JSON.parse does), so only the error's
 * name and stack frames are kept.
 */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof SpeechgateError) {
    const fields: Record<string, unknown> = { code: err.code, error: err.message };
    if (err.code === 'internal' || err.code === 'synthesis_failed') {
      const cause: unknown = err.cause;
      if (cause !== undefined) fields.cause = safeError(cause);
    }
    return fields;
  }
  return { code: 'internal', cause: safeError(err) };
}

function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 12)
    .map((line) => line.trim());
  return { name: err.name, frames };
}

/** Failures that are ours rather than the client's. */
const SERVER_FAULTS: ReadonlySet<unknown> = new Set(['internal', 'synthesis_failed', 'device_unavailable']);

/** Logs a failure with errorFields(): at `error` when it is the server's fault, else at `info`. */
export function logFailure(
  logger: Logger,
  err: unknown,
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  const described = errorFields(err);
  if (SERVER_FAULTS.has(described.code)) logger.error({ ...fields, ...described }, msg);
  else logger.info({ ...fields, ...described }, msg);
}

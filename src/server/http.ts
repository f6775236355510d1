/**
 * One HTTP exchange over a uWS HttpResponse. uWS forbids touching a response after it was aborted or
 * ended, and wants every write outside the route handler's own stack corked; this wrapper keeps that
 * state so handlers can simply await things and then answer.
 */
import type { HttpResponse } from 'uWebSockets.js';
import { ERROR_CODES, SpeechgateError, toSpeechgateError } from '../errors.js';

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusLine(status: number): string {
  return `${status} ${REASONS[status] ?? 'Unknown'}`;
}

export type Headers = Readonly<Record<string, string>>;

/** OpenAI's error `type` for a status, so its clients raise the matching exception class. */
function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 || status === 408 ? 'server_error' : 'invalid_request_error';
}

/**
 * The JSON error body every endpoint uses, in OpenAI's shape; `code` is the gateway's stable code and
 * `param` the request field at fault, when one is.
 */
export function errorBody(err: SpeechgateError): string {
  const param = 'param' in err && typeof err.param === 'string' ? err.param : null;
  return JSON.stringify({
    error: { message: err.message, type: openAiErrorType(err.httpStatus), param, code: err.code },
  });
}

/** Headers that go with an error status. */
export function errorHeaders(err: SpeechgateError): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (err.retryAfterSeconds !== undefined) headers['Retry-After'] = String(err.retryAfterSeconds);
  if (ERROR_CODES[err.code].http === 401) headers['WWW-Authenticate'] = 'Bearer';
  return headers;
}

/**
 * How long a streamed response waits for a client that takes nothing before it is cut: a client that
 * never reads must not hold its slot (and its synthesis) indefinitely.
 */
export const DEFAULT_WRITE_TIMEOUT_MS = 10_000;

export class HttpExchange {
  private abortedFlag = false;
  private finished = false;
  private headersSent = false;
  private readonly controller = new AbortController();
  private writableWaiter: (() => void) | undefined;
  /** How often write() had to wait for the client to catch up. */
  drainWaits = 0;
  /** Sent with every answer of this exchange, errors included (CORS). */
  extraHeaders: Headers = {};

  constructor(
    readonly res: HttpResponse,
    private readonly writeTimeoutMs = DEFAULT_WRITE_TIMEOUT_MS,
  ) {
    res.onAborted(() => {
      if (this.finished) return; // cut by abort(): that is not the client going away
      this.abortedFlag = true;
      this.controller.abort(new SpeechgateError('internal', 'client went away'));
      this.wakeWriter();
    });
  }

  /** Aborted when the client disconnects. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get aborted(): boolean {
    return this.abortedFlag;
  }
  /** Whether the response can still be written to. */
  get open(): boolean {
    return !this.abortedFlag && !this.finished;
  }
  get started(): boolean {
    return this.headersSent;
  }

  /** A complete response. No-op when the client is gone or an answer was already sent. */
  send(status: number, headers: Headers, body: string | Uint8Array = ''): void {
    if (!this.open || this.headersSent) return;
    this.finished = true;
    this.headersSent = true;
    this.res.cork(() => {
      this.res.writeStatus(statusLine(status));
      this.writeHeaders(headers);
      this.res.end(body);
    });
  }

  sendJson(status: number, value: unknown, headers: Headers = {}): void {
    this.send(
      status,
      { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
      JSON.stringify(value),
    );
  }

  /** The error as JSON with its HTTP status; if a streamed body already started, the connection is cut. */
  sendError(err: unknown, closeConnection = false): SpeechgateError {
    const error = toSpeechgateError(err);
    if (this.headersSent) {
      this.abort();
      return error;
    }
    if (!this.open) return error;
    this.finished = true;
    this.headersSent = true;
    this.res.cork(() => {
      this.res.writeStatus(statusLine(error.httpStatus));
      this.writeHeaders(errorHeaders(error));
      this.res.end(errorBody(error), closeConnection);
    });
    return error;
  }

  /** Starts a streamed (chunked) response. */
  startStream(status: number, headers: Headers): void {
    if (!this.open || this.headersSent) throw new SpeechgateError('internal', 'response already started');
    this.headersSent = true;
    // One handler for the whole response: uWS stops calling back if it is replaced between waits.
    this.res.onWritable(() => {
      this.wakeWriter();
      return true;
    });
    this.res.cork(() => {
      this.res.writeStatus(statusLine(status));
      this.writeHeaders(headers);
    });
  }

  private writeHeaders(headers: Headers): void {
    for (const [key, value] of Object.entries(headers)) this.res.writeHeader(key, value);
    for (const [key, value] of Object.entries(this.extraHeaders)) this.res.writeHeader(key, value);
  }

  /**
   * Writes a chunk of the streamed body; resolves once the socket took it or has room again, so a slow
   * reader slows the producer instead of growing a buffer. Rejects when the client went away.
   */
  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.length === 0) return;
    if (!this.open) throw this.goneError();
    if (!this.headersSent) throw new SpeechgateError('internal', 'startStream() before write()');
    let ok = false;
    this.res.cork(() => {
      ok = this.res.write(chunk);
    });
    if (ok) return;
    this.drainWaits++;
    // uWS keeps what write() could not send; onWritable fires once that drained.
    let stalled: SpeechgateError | undefined;
    const timer = setTimeout(() => {
      stalled = new SpeechgateError('slow_consumer', `the client took nothing for ${this.writeTimeoutMs} ms`);
      this.abort(stalled);
    }, this.writeTimeoutMs);
    await new Promise<void>((resolve) => (this.writableWaiter = resolve));
    clearTimeout(timer);
    if (stalled) throw stalled;
    if (!this.open) throw this.goneError();
  }

  /** Ends a streamed response. */
  end(): void {
    if (!this.open) return;
    this.finished = true;
    this.res.cork(() => this.res.end());
  }

  /** Cuts the connection: how a failure after the headers is made visible to the client. */
  abort(reason = new SpeechgateError('internal', 'response aborted')): void {
    if (!this.open) return;
    this.finished = true;
    this.res.close();
    this.controller.abort(reason);
    this.wakeWriter();
  }

  private wakeWriter(): void {
    const waiter = this.writableWaiter;
    this.writableWaiter = undefined;
    waiter?.();
  }

  private goneError(): SpeechgateError {
    return new SpeechgateError('internal', 'client went away');
  }
}

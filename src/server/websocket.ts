/**
 * The /v1/stream socket behaviour: one Session per connection, fed copies of the client's messages,
 * told about drains and closes; plus the set of open connections that shutdown works through.
 */
import type { WebSocket, WebSocketBehavior } from 'uWebSockets.js';
import { ERROR_CODES, SpeechgateError, type ErrorCode } from '../errors.js';
import { logFailure, sessionLogger, type Logger } from '../log.js';
import type { ErrorMessage } from '../protocol/messages.js';
import type { GatewayDeps } from '../gateway-deps.js';
import type { SessionInit } from '../session/types.js';
import { UwsSessionSocket } from './ws-socket.js';
import type { ConnectionData } from './upgrade.js';

/** What the server needs of a session (src/session's Session). */
export interface StreamSession {
  open(): void;
  /** `data` is valid during the call only. */
  handleMessage(data: Uint8Array, isBinary: boolean): void;
  handleDrain(): void;
  close(): void;
  /** When the connection last carried text or audio (Date.now() scale); the idle timeout runs from it. */
  readonly lastActivityAt: number;
  /** Lets contexts in progress finish until the deadline, then ends the session. */
  shutdown(deadlineMs: number): Promise<void>;
}

export type SessionFactory = (init: SessionInit) => StreamSession;

interface OpenConnection {
  data: ConnectionData;
  socket: UwsSessionSocket<ConnectionData>;
  session: StreamSession;
  log: Logger;
  openedAt: number;
  lastMessageAt: number;
}

/** uWS accepts an idle timeout of 0 or 8..960 s, with a 4 s resolution. */
export function uwsIdleTimeout(seconds: number): number {
  if (seconds <= 0) return 0;
  return Math.min(960, Math.max(8, Math.ceil(seconds / 4) * 4));
}

/**
 * uWS drops the TCP connection (no close frame) on a message over maxPayloadLength. The socket limit
 * is therefore set above the configured one and the configured one is checked here, so an oversized
 * message gets an error and close code 1009; only absurd sizes meet uWS's own cut-off.
 */
export function hardPayloadLimit(maxMessageBytes: number): number {
  return Math.max(4 * maxMessageBytes, maxMessageBytes + 1024 * 1024);
}

export class Connections {
  private readonly open = new Map<ConnectionData, OpenConnection>();
  private readonly idleMs: number;
  private idleSweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: GatewayDeps,
    private readonly createSession: SessionFactory,
  ) {
    this.idleMs = deps.config.server.idleTimeoutSeconds * 1000;
  }

  get size(): number {
    return this.open.size;
  }

  behavior(upgrade: WebSocketBehavior<ConnectionData>['upgrade']): WebSocketBehavior<ConnectionData> {
    const { config } = this.deps;
    return {
      compression: 0, // uWS.DISABLED: audio does not compress, and deflate costs latency
      maxPayloadLength: hardPayloadLimit(config.limits.maxMessageBytes),
      // Above the session's hard limit, so the session (close 4008) acts before uWS would drop a frame.
      maxBackpressure:
        config.backpressure.hardLimitBytes + Math.max(1024 * 1024, config.limits.maxMessageBytes),
      closeOnBackpressureLimit: false,
      idleTimeout: uwsIdleTimeout(config.server.idleTimeoutSeconds),
      sendPingsAutomatically: true,
      upgrade,
      open: (ws) => this.onOpen(ws),
      message: (ws, message, isBinary) => this.onMessage(ws, message, isBinary),
      drain: (ws) =>
        this.guard(ws, 'drain', (c) => {
          c.socket.drained();
          c.session.handleDrain();
        }),
      close: (ws, code, message) => this.onClose(ws, code, message),
    };
  }

  /**
   * Sessions get `graceMs` to finish what they are doing; whatever is still open then is closed
   * with 1001 (going away).
   */
  async shutdown(graceMs: number): Promise<void> {
    this.stopIdleSweep();
    const deadline = Date.now() + graceMs;
    const sessions = [...this.open.values()].map((c) =>
      c.session.shutdown(deadline).catch((err: unknown) => logFailure(c.log, err, 'session shutdown failed')),
    );
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs + 100)));
    await Promise.race([Promise.all(sessions), expired]);
    clearTimeout(timer);
    for (const c of [...this.open.values()])
      c.socket.close(ERROR_CODES.shutting_down.close, 'server shutting down');
  }

  private onOpen(ws: WebSocket<ConnectionData>): void {
    const data = ws.getUserData();
    const log = sessionLogger(this.deps.logger, data.id, data.principal.tenant);
    const socket = new UwsSessionSocket(ws);
    let session: StreamSession;
    try {
      session = this.createSession({ id: data.id, principal: data.principal, socket, deps: this.deps });
    } catch (err) {
      logFailure(log, err, 'session could not start');
      socket.close(ERROR_CODES.internal.close, 'internal error');
      return;
    }
    const now = Date.now();
    const connection: OpenConnection = { data, socket, session, log, openedAt: now, lastMessageAt: now };
    this.open.set(data, connection);
    this.startIdleSweep();
    this.deps.metrics.activeConnections.inc();
    log.info({ event: 'connection_open', via: data.via }, 'connection open');
    this.guard(ws, 'open', (c) => c.session.open(), connection);
  }

  private onMessage(ws: WebSocket<ConnectionData>, message: ArrayBuffer, isBinary: boolean): void {
    const connection = this.open.get(ws.getUserData());
    if (connection === undefined) return;
    connection.lastMessageAt = Date.now();
    const limit = this.deps.config.limits.maxMessageBytes;
    if (message.byteLength > limit) {
      connection.log.info({ code: 'message_too_large', bytes: message.byteLength }, 'message too large');
      this.closeWithError(
        connection,
        'message_too_large',
        `message exceeds ${limit} bytes`,
        'message too large',
      );
      return;
    }
    // A view: uWS reuses the buffer once this callback returns, so the session copies what it keeps.
    const view = new Uint8Array(message);
    this.guard(ws, 'message', (c) => c.session.handleMessage(view, isBinary), connection);
  }

  /** A fatal protocol error decided here rather than in the session: error message, then close. */
  private closeWithError(c: OpenConnection, code: ErrorCode, message: string, closeReason: string): void {
    this.deps.metrics.errors.inc({ code });
    const error: ErrorMessage = {
      type: 'error',
      code,
      message,
      fatal: true,
      retryable: ERROR_CODES[code].retryable,
    };
    c.socket.sendText(JSON.stringify(error));
    c.socket.close(ERROR_CODES[code].close, closeReason);
  }

  private onClose(ws: WebSocket<ConnectionData>, code: number, message: ArrayBuffer): void {
    const data = ws.getUserData();
    const connection = this.open.get(data);
    void data.lease.release();
    if (connection === undefined) return;
    this.open.delete(data);
    if (this.open.size === 0) this.stopIdleSweep();
    // Closed through the adapter means we are inside a call from the session (or shutdown): let that
    // call finish before the session hears about it, rather than re-entering it.
    const closedByServer = connection.socket.isClosed;
    connection.socket.markClosed();
    this.deps.metrics.activeConnections.dec();
    // 1006 is uWS cutting the connection itself: its own words say why. Other reasons may come from the
    // client and are not logged.
    const uwsReason = code === 1006 ? Buffer.from(message).toString('utf8').slice(0, 123) : undefined;
    // A text frame that is not UTF-8: uWS drops it before our handlers (no option turns that off), so the
    // client cannot get its 1007; the operator at least sees it counted as the error it is.
    if (uwsReason !== undefined && /UTF-8/i.test(uwsReason))
      this.deps.metrics.errors.inc({ code: 'malformed_message' });
    connection.log.info(
      {
        event: 'connection_closed',
        closeCode: code,
        ...(uwsReason !== undefined && { reason: uwsReason }),
        durationMs: Date.now() - connection.openedAt,
      },
      'connection closed',
    );
    const closeSession = (): void => {
      try {
        connection.session.close();
      } catch (err) {
        logFailure(connection.log, err, 'session close failed');
      }
    };
    if (closedByServer) queueMicrotask(closeSession);
    else closeSession();
  }

  /**
   * uWS's own idle timeout (with pings) only finds dead peers: a live client answers pings forever.
   * The configured timeout means "no text and no audio": no client message and no frame sent, so a
   * connection streaming audio is spared and one holding a silent context is not.
   */
  private startIdleSweep(): void {
    if (this.idleMs <= 0 || this.idleSweep !== undefined) return;
    const every = Math.min(1000, Math.max(50, this.idleMs / 4));
    this.idleSweep = setInterval(() => this.closeIdle(), every);
    this.idleSweep.unref();
  }

  private stopIdleSweep(): void {
    clearInterval(this.idleSweep);
    this.idleSweep = undefined;
  }

  private closeIdle(): void {
    const cutoff = Date.now() - this.idleMs;
    for (const c of [...this.open.values()]) {
      if (Math.max(c.lastMessageAt, c.session.lastActivityAt) > cutoff) continue;
      c.log.info({ event: 'idle_timeout', code: 'idle_timeout' }, 'closing idle connection');
      const seconds = this.idleMs / 1000;
      this.closeWithError(
        c,
        'idle_timeout',
        `no text or audio for ${seconds} s`,
        `idle: no text or audio for ${seconds} s`,
      );
    }
  }

  /** A throwing session must not take the process down: it is logged and its socket closed. */
  private guard(
    ws: WebSocket<ConnectionData>,
    what: string,
    fn: (c: OpenConnection) => void,
    known?: OpenConnection,
  ): void {
    const connection = known ?? this.open.get(ws.getUserData());
    if (connection === undefined) return;
    try {
      fn(connection);
    } catch (err) {
      logFailure(connection.log, err, `session ${what} failed`);
      const error = err instanceof SpeechgateError ? err : new SpeechgateError('internal', 'internal error');
      connection.socket.close(error.closeCode, error.message);
    }
  }
}

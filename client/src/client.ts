/**
 * SpeechgateClient: one WebSocket to the gateway carrying any number of contexts. It authenticates,
 * waits for `ready`, routes frames and events to their contexts, and reconnects with backoff when the
 * connection drops. Contexts that were streaming when it dropped fail with a retryable error (their
 * audio would be incomplete); contexts not yet started simply wait for the next connection.
 */
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { Context, type ContextOptions } from './context.js';
import { Emitter } from './emitter.js';
import { SpeechgateError } from './errors.js';
import { decodeAudioFrame } from './frame.js';
import { resolveFormat, wireFormat } from './format.js';
import { parseServerMessage, type ClientMessage, type ServerMessage } from './protocol.js';
import { binaryData, defaultWebSocket, socketTarget, type TokenTransport } from './socket.js';
import type { WebSocketConstructor, WebSocketLike } from './socket.js';
import { readyInfo, type ReadyInfo } from './types.js';

export interface SpeechgateClientOptions {
  /** The gateway's WebSocket endpoint, e.g. wss://tts.example.com/v1/stream. */
  url: string;
  /** A JWT, or a function returning a fresh one (called on every (re)connect). */
  token?: string | (() => string | Promise<string>);
  /** Default 'protocol': a `bearer.<jwt>` subprotocol. 'query' appends `?token=`. */
  tokenVia?: TokenTransport;
  /** A WebSocket implementation, e.g. `WebSocket` from the `ws` package on Node 20. */
  WebSocket?: WebSocketConstructor;
  /** Reconnect after a drop (default true), optionally with backoff settings. */
  reconnect?: boolean | BackoffOptions;
  /** Time allowed from opening the socket to the gateway's `ready` (default 15000 ms). */
  readyTimeoutMs?: number;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'idle' | 'closed';

export interface ClientEventMap {
  ready: ReadyInfo;
  /** The connection dropped; what follows is `reconnecting`, or `close` if the client gives up. */
  disconnected: SpeechgateError;
  reconnecting: { attempt: number; delayMs: number; error: SpeechgateError };
  /** Errors that belong to no context and do not close the connection. */
  error: SpeechgateError;
  /** The client is closed for good: by close(), or an error that retrying cannot fix. */
  close: SpeechgateError;
}

interface Deferred {
  promise: Promise<ReadyInfo>;
  resolve(info: ReadyInfo): void;
  reject(err: SpeechgateError): void;
  settled: boolean;
}

function deferred(): Deferred {
  const d = { settled: false } as Deferred;
  d.promise = new Promise<ReadyInfo>((resolve, reject) => {
    d.resolve = (info) => ((d.settled = true), resolve(info));
    d.reject = (err) => ((d.settled = true), reject(err));
  });
  d.promise.catch(() => {}); // awaiting `ready` still sees the rejection
  return d;
}

const AUTH_CODES = new Set(['unauthenticated', 'token_expired']);

export class SpeechgateClient extends Emitter<ClientEventMap> {
  state: ConnectionState = 'connecting';
  /** The last `ready` received. */
  info: ReadyInfo | undefined;

  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly backoff: Required<BackoffOptions> | undefined;
  private socket: WebSocketLike | undefined;
  private readyState = deferred();
  private readonly contexts = new Map<string, Context>();
  private queue: ClientMessage[] = [];
  private attempt = 0;
  private everReady = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The gateway's explanation for a close it is about to do. */
  private closeReason: SpeechgateError | undefined;
  private readonly idPrefix = randomHex(4);
  private nextId = 0;

  constructor(private readonly options: SpeechgateClientOptions) {
    super();
    const impl = options.WebSocket ?? defaultWebSocket();
    if (!impl) throw new TypeError('no global WebSocket: pass one, e.g. { WebSocket } from the "ws" package');
    this.WebSocketImpl = impl;
    const r = options.reconnect ?? true;
    this.backoff = r === false ? undefined : { ...DEFAULT_BACKOFF, ...(r === true ? {} : r) };
    this.open();
  }

  /** Resolves with the gateway's `ready` for the current connection; rejects if the client closes first. */
  get ready(): Promise<ReadyInfo> {
    if (this.state === 'idle') this.open();
    return this.readyState.promise;
  }

  /** Opens a context on this connection (queued until `ready` if the connection is not up). */
  context(options: ContextOptions = {}): Context {
    const id = `${this.idPrefix}-${(this.nextId++).toString(36)}`;
    const ctx = new Context(id, options, {
      send: (m) => this.send(m),
      release: (i) => this.contexts.delete(i),
    });
    if (this.state === 'closed') {
      ctx.fail(new SpeechgateError('closed', 'the client is closed'));
      return ctx;
    }
    if (this.info) ctx.format = resolveFormat(options.format, this.info);
    this.contexts.set(id, ctx);
    const start: ClientMessage = { type: 'start', context_id: id };
    if (options.voice !== undefined) start.voice = options.voice;
    if (options.format !== undefined) start.format = wireFormat(options.format);
    if (options.speed !== undefined) start.speed = options.speed;
    this.send(start);
    return ctx;
  }

  /** Closes the connection; contexts still running fail with code 'closed'. */
  close(): void {
    if (this.state === 'closed') return;
    const socket = this.socket;
    this.terminate(new SpeechgateError('closed', 'the client was closed'));
    socket?.close(1000, 'client closed');
  }

  private send(message: ClientMessage): void {
    if (this.state === 'open' && this.socket) this.write(this.socket, message);
    else if (this.state !== 'closed') {
      this.queue.push(message);
      if (this.state === 'idle') this.open();
    }
  }

  private write(socket: WebSocketLike, message: ClientMessage): void {
    socket.send(JSON.stringify(message));
    if (message.type === 'start' && this.info) {
      const ctx = this.contexts.get(message.context_id);
      ctx?.markStarted(resolveFormat(ctx.options.format, this.info));
    }
  }

  private open(): void {
    this.state = this.everReady ? 'reconnecting' : 'connecting';
    if (this.readyState.settled) this.readyState = deferred();
    const token = this.options.token;
    if (typeof token === 'function') {
      Promise.resolve()
        .then(token)
        .then(
          (t) => this.connect(t),
          (err: unknown) => this.dropped(undefined, failed('the token provider failed', err)),
        );
    } else {
      this.connect(token);
    }
  }

  private connect(token: string | undefined): void {
    if (this.state === 'closed') return;
    const { url, protocols } = socketTarget(this.options.url, token, this.options.tokenVia ?? 'protocol');
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketImpl(url, protocols);
    } catch (err) {
      this.terminate(failed('the WebSocket could not be created', err));
      return;
    }
    this.socket = socket;
    this.closeReason = undefined;
    socket.binaryType = 'arraybuffer';
    const mine = (): boolean => this.socket === socket;
    socket.onmessage = (ev: { data: unknown }) => mine() && this.received(ev.data);
    socket.onclose = (ev: { code?: number; reason?: string }) =>
      mine() && this.dropped(socket, this.closeReason ?? this.closeError(ev.code ?? 1006, ev.reason ?? ''));
    // A close event follows. `ws` also says why an upgrade was refused; browsers do not.
    socket.onerror = (ev: { message?: unknown }) => {
      const text = typeof ev.message === 'string' ? ev.message : '';
      const status = /Unexpected server response: (\d+)/.exec(text)?.[1];
      if (mine() && status) this.closeReason ??= upgradeRefused(Number(status));
    };
    this.timer = setTimeout(() => {
      if (!mine()) return;
      this.dropped(socket, failed(`no ready message within ${this.options.readyTimeoutMs ?? 15_000} ms`));
      socket.close(1000, 'ready timeout');
    }, this.options.readyTimeoutMs ?? 15_000);
  }

  private closeError(code: number, reason: string): SpeechgateError {
    // 1000/1005/1006 say nothing about why; other codes map onto the gateway's error table.
    if (code !== 1000 && code !== 1005 && code !== 1006) return SpeechgateError.fromClose(code, reason);
    if (this.state !== 'open') return failed(reason || `the connection could not be opened (${code})`);
    return new SpeechgateError('connection_lost', 'the connection dropped', { fatal: true });
  }

  private received(data: unknown): void {
    if (typeof data === 'string') {
      const message = parseServerMessage(data);
      if (message) this.route(message);
      else this.emit('error', new SpeechgateError('protocol_error', 'unreadable message from the gateway'));
      return;
    }
    const bytes = binaryData(data);
    try {
      if (!bytes) throw new RangeError('unexpected binary message type');
      const frame = decodeAudioFrame(bytes);
      this.contexts.get(frame.contextId)?.handleFrame(frame);
    } catch (err) {
      this.emit('error', new SpeechgateError('protocol_error', 'unreadable audio frame', { cause: err }));
    }
  }

  private route(message: ServerMessage): void {
    if (message.type === 'ready') {
      if (this.state === 'open') return;
      clearTimeout(this.timer);
      this.info = readyInfo(message);
      this.state = 'open';
      this.attempt = 0;
      this.everReady = true;
      const queued = this.queue;
      this.queue = [];
      // Contexts opened before the first `ready` learn their format now.
      for (const ctx of this.contexts.values()) ctx.format ??= resolveFormat(ctx.options.format, this.info);
      for (const m of queued) if (this.socket) this.write(this.socket, m);
      this.readyState.resolve(this.info);
      this.emit('ready', this.info);
      return;
    }
    const ctx = message.context_id !== undefined ? this.contexts.get(message.context_id) : undefined;
    if (message.type === 'error') {
      const err = SpeechgateError.fromMessage(message);
      if (err.fatal) this.closeReason = err;
      if (ctx) ctx.handleMessage(message);
      else if (!err.fatal) this.emit('error', err);
      return;
    }
    ctx?.handleMessage(message);
  }

  /** The socket is gone (closed, failed, or timed out): fail what was streaming, then retry or give up. */
  private dropped(socket: WebSocketLike | undefined, error: SpeechgateError): void {
    if (socket && socket !== this.socket) return;
    clearTimeout(this.timer);
    this.socket = undefined;
    if (this.state === 'closed') return;
    for (const ctx of [...this.contexts.values()]) if (ctx.isStarted) ctx.fail(error);
    this.emit('disconnected', error);
    const authRetry = AUTH_CODES.has(error.code) && typeof this.options.token === 'function';
    const retry = this.backoff && (error.retryable || authRetry) && this.attempt < this.backoff.maxAttempts;
    // A first connection that never opened is most likely misconfigured: fail fast instead of looping.
    if (!retry || (!this.everReady && error.code === 'connection_failed')) {
      this.terminate(error);
    } else if (error.code === 'idle_timeout' && this.queue.length === 0) {
      this.state = 'idle'; // reconnect when next needed
      if (this.readyState.settled) this.readyState = deferred();
    } else {
      const delayMs = backoffDelay(this.attempt++, this.backoff, Math.random, error.retryAfterSeconds);
      this.state = 'reconnecting';
      if (this.readyState.settled) this.readyState = deferred();
      this.emit('reconnecting', { attempt: this.attempt, delayMs, error });
      this.timer = setTimeout(() => this.open(), delayMs);
    }
  }

  private terminate(error: SpeechgateError): void {
    clearTimeout(this.timer);
    this.state = 'closed';
    this.socket = undefined;
    this.queue = [];
    for (const ctx of [...this.contexts.values()]) ctx.fail(error);
    this.contexts.clear();
    if (!this.readyState.settled) this.readyState.reject(error);
    this.emit('close', error);
  }
}

/** The gateway answers a refused upgrade with an HTTP status (docs/PROTOCOL.md, Connecting). */
function upgradeRefused(status: number): SpeechgateError {
  const code = (
    { 401: 'unauthenticated', 403: 'forbidden', 429: 'too_many_connections', 503: 'not_ready' } as const
  )[status as 401 | 403 | 429 | 503];
  return code
    ? new SpeechgateError(code, `the gateway refused the connection (HTTP ${status})`, { fatal: true })
    : failed(`the gateway refused the connection (HTTP ${status})`);
}

function failed(message: string, cause?: unknown): SpeechgateError {
  return new SpeechgateError('connection_failed', message, { cause, fatal: true });
}

function randomHex(bytes: number): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

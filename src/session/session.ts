/**
 * One WebSocket connection: parses and dispatches client messages, owns the contexts and the
 * connection's backpressure. Messages are handled strictly one after another (each step is short:
 * limits, splitting, starting jobs), so their order is kept even across the asynchronous limit
 * checks; the audio of every context flows in its own loop, never blocking message handling.
 */
import { parseAudioFormat } from '../audio/format.js';
import { SpeechgateError, toSpeechgateError } from '../errors.js';
import { CONCURRENCY_RETRY_AFTER_SECONDS } from '../limits/index.js';
import type { ClientMessage, ServerMessage, StartMessage } from '../protocol/messages.js';
import { parseClientMessage, peekContextId } from '../protocol/parse.js';
import { SendGate } from './backpressure.js';
import { Context } from './context.js';
import { DEFAULT_TUNING, type ContextHost, type SessionTuning } from './host.js';
import { causeForLog, errorMessage, readyMessage } from './replies.js';
import type { GatewayDeps, SessionInit, SessionSocket } from './types.js';

/** Failures on our side, worth a warning in the log; the rest are the client's mistakes. */
const SERVER_FAULTS = new Set(['synthesis_failed', 'internal', 'device_unavailable']);

export class Session {
  readonly id: string;
  private readonly socket: SessionSocket;
  private readonly deps: GatewayDeps;
  private readonly tenant: string;
  private readonly gate: SendGate;
  private readonly host: ContextHost;
  private readonly contexts = new Map<string, Context>();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private shuttingDown = false;
  private shutdownTimer: NodeJS.Timeout | undefined;
  private shutdownFinished: (() => void) | undefined;
  private shutdownPromise: Promise<void> | undefined;

  constructor(init: SessionInit, tuning: Partial<SessionTuning> = {}) {
    this.id = init.id;
    this.socket = init.socket;
    this.deps = init.deps;
    this.tenant = init.principal.tenant;
    this.gate = new SendGate(
      init.socket,
      init.deps.config.backpressure,
      (reason) => this.fatal(new SpeechgateError('slow_consumer', `the client reads too slowly: ${reason}`)),
      init.deps.metrics.queuedAudioBytes,
    );
    this.host = {
      sessionId: this.id,
      tenant: this.tenant,
      deps: this.deps,
      gate: this.gate,
      tuning: { ...DEFAULT_TUNING, ...tuning },
      sendMessage: (message) => this.send(message),
      sendFrame: (frame) => {
        if (this.closed) return;
        this.socket.sendBinary(frame);
        this.gate.afterSend();
      },
      reportError: (err, contextId) => this.reportError(err, contextId),
      contextEnded: (contextId) => this.contextEnded(contextId),
    };
  }

  /** Contexts started and not yet done, cancelled or failed. */
  get activeContexts(): number {
    return this.contexts.size;
  }

  /** Call once the socket is open: sends `ready`. */
  open(): void {
    this.send(readyMessage(this.id, this.deps));
  }

  /** A client frame; `data` must be a copy the session may keep (uWS reuses its buffer). */
  handleMessage(data: Uint8Array, isBinary: boolean): void {
    if (this.closed) return;
    const receivedAt = performance.now();
    this.queue = this.queue.then(() => this.process(data, isBinary, receivedAt));
  }

  /** The socket's send buffer shrank (uWS `drain`). */
  handleDrain(): void {
    this.gate.drained();
  }

  /**
   * Aborts everything (synthesis, timers, waits), releases the context leases and, when `code` is
   * given, closes the socket with it. Call without a code when the socket is already gone. Idempotent.
   */
  close(code?: number, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    for (const context of [...this.contexts.values()]) context.close();
    this.contexts.clear();
    this.gate.close(new SpeechgateError('internal', 'connection closed'));
    clearTimeout(this.shutdownTimer);
    this.shutdownTimer = undefined;
    this.shutdownFinished?.();
    if (code !== undefined) this.socket.close(code, reason);
  }

  /**
   * Graceful stop: new contexts and text are refused (shutting_down), running contexts may finish
   * (`end`, `flush` and `cancel` still work) until `deadlineMs`, a wall-clock time on the Date.now()
   * scale; then, or as soon as no context is left, the client gets a fatal shutting_down error and
   * the socket is closed with 1001. Resolves once the session is closed.
   */
  shutdown(deadlineMs: number): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    this.shuttingDown = true;
    this.shutdownPromise = new Promise<void>((resolve) => {
      if (this.closed) return resolve();
      this.shutdownFinished = resolve;
      const graceMs = Math.max(0, deadlineMs - Date.now());
      this.shutdownTimer = setTimeout(() => this.finishShutdown(), graceMs);
      if (this.contexts.size === 0) this.finishShutdown();
    });
    return this.shutdownPromise;
  }

  private finishShutdown(): void {
    this.fatal(new SpeechgateError('shutting_down', 'the server is shutting down; reconnect'));
  }

  private async process(data: Uint8Array, isBinary: boolean, receivedAt: number): Promise<void> {
    if (this.closed) return;
    let text: string | undefined;
    try {
      if (isBinary)
        throw new SpeechgateError('bad_request', 'binary messages are not accepted; send JSON text');
      const max = this.deps.config.limits.maxMessageBytes;
      if (data.byteLength > max)
        throw new SpeechgateError('message_too_large', `messages are limited to ${max} bytes`);
      try {
        text = this.decoder.decode(data);
      } catch {
        throw new SpeechgateError('malformed_message', 'message is not valid UTF-8');
      }
      await this.deps.limits.consumeMessage(this.id);
      if (this.closed) return;
      await this.dispatch(parseClientMessage(text), receivedAt);
    } catch (err) {
      this.reportError(err, text === undefined ? undefined : peekContextId(text));
    }
  }

  private async dispatch(message: ClientMessage, receivedAt: number): Promise<void> {
    if (this.closed) return;
    if (message.type === 'start') return this.start(message);
    const context = this.contexts.get(message.context_id);
    if (!context) throw new SpeechgateError('unknown_context', 'no such context; send start first');
    switch (message.type) {
      case 'text':
        if (this.shuttingDown)
          throw new SpeechgateError('shutting_down', 'the server is shutting down; no new text');
        return context.text(message.text, receivedAt);
      case 'flush':
        return context.flush();
      case 'end':
        return context.end();
      case 'cancel':
        return context.cancel();
    }
  }

  private async start(message: StartMessage): Promise<void> {
    const id = message.context_id;
    const { limits, voices } = this.deps;
    if (this.shuttingDown)
      throw new SpeechgateError('shutting_down', 'the server is shutting down; no new contexts');
    if (this.contexts.has(id))
      throw new SpeechgateError('context_exists', 'a context with this id is still running');
    const max = this.deps.config.limits.maxContextsPerConnection;
    if (this.contexts.size >= max) {
      throw new SpeechgateError('too_many_contexts', `at most ${max} contexts per connection`, {
        retryAfterSeconds: CONCURRENCY_RETRY_AFTER_SECONDS,
      });
    }
    const voice = voices.get(message.voice);
    const format = parseAudioFormat(
      message.format && { encoding: message.format.encoding, sampleRate: message.format.sample_rate },
    );
    const lease = await limits.acquireContext(this.tenant);
    if (this.closed) {
      void lease.release();
      return;
    }
    // Not awaited: the encoder (a WASM resampler) gets ready while the first sentence synthesizes.
    const encoder = this.host.deps.encoders.open(format, voice.sampleRate);
    const speed = message.speed ?? 1;
    this.contexts.set(id, new Context({ id, voice, format, speed, encoder, lease, host: this.host }));
  }

  private contextEnded(contextId: string): void {
    this.contexts.delete(contextId);
    if (this.shuttingDown && !this.closed && this.contexts.size === 0) this.finishShutdown();
  }

  private send(message: ServerMessage): void {
    if (this.closed) return;
    this.socket.sendText(JSON.stringify(message));
    this.gate.afterSend();
  }

  private reportError(err: unknown, contextId?: string): void {
    const error = toSpeechgateError(err);
    this.count(error, contextId);
    this.send(errorMessage(error, false, contextId));
  }

  /** Tells the client why, then closes the connection with the code's close code. */
  private fatal(error: SpeechgateError): void {
    if (this.closed) return;
    this.count(error);
    // Straight to the socket: the gate's checks could report this same condition again.
    this.socket.sendText(JSON.stringify(errorMessage(error, true)));
    this.close(error.closeCode, error.code);
  }

  /** Metrics and log for an error sent to the client: ids and codes only, never text or tokens. */
  private count(error: SpeechgateError, contextId?: string): void {
    this.deps.metrics.errors.inc({ code: error.code });
    const fields = { session: this.id, context: contextId, code: error.code };
    if (SERVER_FAULTS.has(error.code))
      this.deps.logger.warn({ ...fields, ...causeForLog(error) }, 'context failed');
    else this.deps.logger.debug(fields, 'client error');
  }
}

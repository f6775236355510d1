/**
 * One WebSocket connection: parses and dispatches client messages, owns the contexts and the
 * connection's backpressure. Messages are handled strictly one after another (each step is short:
 * limits, splitting, starting jobs), so their order is kept even across the asynchronous limit
 * checks; the audio of every context flows in its own loop, never blocking message handling.
 *
 * Control messages jump that queue: a `cancel` of a running context is honoured the moment it arrives
 * (barge-in must not wait behind a burst of text, nor be refused by the message budget), and the text
 * of that context still queued behind it is dropped unspoken. `flush` and `end` must follow their text,
 * so they keep their place unless nothing is queued; none of the three is charged to the message budget.
 * Other messages are charged on arrival (message-budget.ts): one over the budget is dropped in O(1), and
 * a flood gets one `rate_limited` per second rather than one per message.
 */
import { SpeechgateError, toSpeechgateError } from '../errors.js';
import { CONCURRENCY_RETRY_AFTER_SECONDS } from '../limits/index.js';
import type {
  CancelMessage,
  ClientMessage,
  EndMessage,
  FlushMessage,
  ServerMessage,
  StartMessage,
} from '../protocol/messages.js';
import { parseClientMessage, peekContextId } from '../protocol/parse.js';
import { parseOutputFormat } from '../protocol/output-format.js';
import { SendGate } from './backpressure.js';
import { admitNewStream } from '../speech/index.js';
import { Context } from './context.js';
import { Mp3Frames } from './mp3-frames.js';
import { MessageBudget, type Verdict } from './message-budget.js';
import { DEFAULT_TUNING, type ContextHost, type SessionTuning } from './host.js';
import { causeForLog, errorMessage, readyMessage } from './replies.js';
import type { GatewayDeps, SessionInit, SessionSocket } from './types.js';

/**
 * Messages up to this size are looked at on arrival, in case they are control messages; a control message
 * is well under it (its longest field is a 64-byte context id), so larger ones are not parsed twice.
 */
const CONTROL_PEEK_BYTES = 256;

type ControlMessage = CancelMessage | FlushMessage | EndMessage;

/** Cancel marks kept while the queue is busy; beyond this the oldest is forgotten (its text is then answered). */
const CANCEL_MARKS_MAX = 256;

function isControl(message: ClientMessage): message is ControlMessage {
  return message.type === 'cancel' || message.type === 'flush' || message.type === 'end';
}

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
  /** Messages queued and not yet handled. */
  private queued = 0;
  /** Arrival number of the latest message. */
  private received = 0;
  /** Context id → arrival number of a cancel that jumped the queue: its older queued messages are void. */
  private readonly cancelledAt = new Map<string, number>();
  private readonly budget: MessageBudget;
  private activityAt = Date.now();
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
    this.budget = new MessageBudget(init.deps.config.limits.messagesPerSecond);
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
        this.activityAt = Date.now();
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

  /** When the connection last carried text or audio (Date.now() scale): what the idle timeout watches. */
  get lastActivityAt(): number {
    return this.activityAt;
  }

  /**
   * A client frame. `data` is only read during this call (uWS reuses its buffer): the session copies what
   * it keeps. A message over the budget is dropped at once, without being copied or decoded.
   */
  handleMessage(data: Uint8Array, isBinary: boolean): void {
    if (this.closed) return;
    this.activityAt = Date.now();
    const receivedAt = performance.now();
    const seq = ++this.received;
    const control = isBinary ? undefined : this.peekControl(data);
    if (control !== undefined && this.handleControlNow(control, seq)) return;
    if (control === undefined) {
      const verdict = this.budget.take();
      if (verdict !== 'ok') return this.overBudget(verdict, data, isBinary);
    }
    const copy = data.slice();
    this.queued++;
    this.queue = this.queue
      .then(() => this.process(copy, isBinary, receivedAt, seq))
      .finally(() => {
        if (--this.queued === 0) this.cancelledAt.clear();
      });
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

  /**
   * A message over the connection's message rate: the first of a window gets `rate_limited` (naming its
   * context when it has one), the rest of the window are only counted.
   */
  private overBudget(verdict: Verdict, data: Uint8Array, isBinary: boolean): void {
    this.deps.metrics.limitRejections.inc({ limit: 'messages' });
    if (verdict === 'dropped') return;
    const retryAfterSeconds = this.budget.retryAfterSeconds;
    const error = new SpeechgateError(
      'rate_limited',
      `message rate limit reached: further messages are dropped for ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
    let contextId: string | undefined;
    if (!isBinary && data.byteLength <= this.deps.config.limits.maxMessageBytes) {
      try {
        contextId = peekContextId(this.decoder.decode(data));
      } catch {
        contextId = undefined;
      }
    }
    this.reportError(error, contextId);
  }

  /** A small, valid control message, or undefined (then the queue deals with it, errors included). */
  private peekControl(data: Uint8Array): ControlMessage | undefined {
    if (data.byteLength > CONTROL_PEEK_BYTES) return undefined;
    try {
      const message = parseClientMessage(this.decoder.decode(data));
      return isControl(message) ? message : undefined;
    } catch {
      return undefined;
    }
  }

  /** Handles a control message at once when that is safe; false: it must take its place in the queue. */
  private handleControlNow(message: ControlMessage, seq: number): boolean {
    const context = this.contexts.get(message.context_id);
    if (message.type === 'cancel') {
      // A context still being started is cancelled in order, after its start.
      if (context === undefined && this.queued > 0) return false;
      if (context !== undefined && this.queued > 0) {
        if (this.cancelledAt.size >= CANCEL_MARKS_MAX)
          this.cancelledAt.delete(this.cancelledAt.keys().next().value!);
        this.cancelledAt.set(message.context_id, seq);
      }
    } else if (this.queued > 0) {
      return false;
    }
    this.dispatch(message, performance.now()).catch((err: unknown) =>
      this.reportError(err, message.context_id),
    );
    return true;
  }

  /** Queued before a cancel of its context that jumped ahead of it: dropped unspoken and unanswered. */
  private superseded(message: ClientMessage, seq: number): boolean {
    const at = this.cancelledAt.get(message.context_id);
    return at !== undefined && seq < at;
  }

  private async process(data: Uint8Array, isBinary: boolean, receivedAt: number, seq: number): Promise<void> {
    if (this.closed) return;
    let text: string | undefined;
    let message: ClientMessage | undefined;
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
      message = parseClientMessage(text);
      if (this.superseded(message, seq)) return;
      await this.dispatch(message, receivedAt);
    } catch (err) {
      this.reportError(err, message?.context_id ?? (text === undefined ? undefined : peekContextId(text)));
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
    admitNewStream(voice);
    const output = parseOutputFormat(
      message.format && { encoding: message.format.encoding, sampleRate: message.format.sample_rate },
    );
    const format = output.audio;
    const mp3 = output.mp3 ? await Mp3Frames.open(format.sampleRate) : undefined;
    const lease = await limits.acquireContext(this.tenant);
    if (this.closed) {
      void lease.release();
      return;
    }
    // No encoder yet: a context opens its own (a WASM resampler) once it has something to say.
    const speed = message.speed ?? 1;
    this.contexts.set(id, new Context({ id, voice, format, speed, lease, host: this.host, mp3 }));
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

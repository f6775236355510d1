/**
 * One synthesis context: a stream of text in, audio frames and timing events out. Many contexts share
 * one connection; the client routes the gateway's messages to them by context id.
 */
import { SequenceSet } from './dedupe.js';
import { AsyncQueue, Emitter } from './emitter.js';
import { SpeechgateError } from './errors.js';
import type { AudioFrame } from './frame.js';
import type { AudioEncoding, ClientMessage, ServerMessage } from './protocol.js';
import {
  doneEvent,
  sentenceEvent,
  type AudioEvent,
  type AudioFormat,
  type CancelledEvent,
  type ContextEvent,
  type DoneEvent,
  type FlushedEvent,
  type RefusedEvent,
  type SentenceEvent,
  type WordTiming,
} from './types.js';

export interface ContextOptions {
  /** A voice id from `ready`; the gateway's default voice when omitted. */
  voice?: string;
  /** An encoding ('opus'), or an encoding and rate; the gateway's default (Opus 48 kHz) when omitted. */
  format?: AudioEncoding | { encoding: AudioEncoding; sampleRate?: number };
  /** Speaking rate, 1 = normal. */
  speed?: number;
}

export interface ContextEventMap {
  audio: AudioEvent;
  sentence: SentenceEvent;
  flushed: FlushedEvent;
  done: DoneEvent;
  cancelled: CancelledEvent;
  refused: RefusedEvent;
  /** The context failed: nothing follows. */
  error: SpeechgateError;
}

/** Errors after which the gateway has no such context any more; others refuse a single message. */
const ENDS_CONTEXT: ReadonlySet<string> = new Set([
  'synthesis_failed',
  'unknown_context',
  'context_exists',
  'unknown_voice',
  'unsupported_format',
  'too_many_contexts',
]);

export type ContextState = 'open' | 'ending' | 'done' | 'cancelled' | 'failed';

/** What a context needs from its client. */
export interface ContextHost {
  send(message: ClientMessage): void;
  /** Called once the context will receive nothing more. */
  release(contextId: string): void;
}

const now = (): number => performance.now();

export class Context extends Emitter<ContextEventMap> {
  readonly id: string;
  readonly options: Readonly<ContextOptions>;
  /** The negotiated format, known once the gateway's `ready` has arrived. */
  format: AudioFormat | undefined;
  state: ContextState = 'open';
  /** Word timings of every sentence so far, in order. */
  readonly words: WordTiming[] = [];
  /** The text sent so far (word offsets point into it). */
  text = '';
  /** performance.now() of the first sendText, and of the first audio frame received. */
  firstTextAt: number | undefined;
  firstFrameAt: number | undefined;
  /** Set when the context failed. */
  error: SpeechgateError | undefined;
  framesReceived = 0;
  duplicateFrames = 0;
  /** Resolves with the `done` report; undefined when cancelled; rejects with the context's error. */
  readonly finished: Promise<DoneEvent | undefined>;

  private readonly seen = new SequenceSet();
  private settle!: { resolve: (d: DoneEvent | undefined) => void; reject: (e: SpeechgateError) => void };
  private started = false;

  constructor(
    id: string,
    options: ContextOptions,
    private readonly host: ContextHost,
  ) {
    super();
    this.id = id;
    this.options = { ...options };
    this.finished = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.finished.catch(() => {}); // the rejection reaches whoever awaits it; it is not "unhandled"
  }

  /** True once the context will emit nothing more. */
  get closed(): boolean {
    return this.state === 'done' || this.state === 'cancelled' || this.state === 'failed';
  }

  /** Whether the `start` message reached a live connection (a dropped connection then fails the context). */
  get isStarted(): boolean {
    return this.started;
  }

  /** Queue text; any chunking works (LLM tokens, words, whole paragraphs). */
  sendText(text: string): void {
    this.assertWritable('sendText');
    if (text === '') return;
    this.firstTextAt ??= now();
    this.text += text;
    this.host.send({ type: 'text', context_id: this.id, text });
  }

  /** Synthesise everything sent so far now, even mid-sentence. */
  flush(): void {
    this.assertWritable('flush');
    this.host.send({ type: 'flush', context_id: this.id });
  }

  /** No more text: the gateway finishes the audio and reports `done`. Resolves like `finished`. */
  end(): Promise<DoneEvent | undefined> {
    if (this.state === 'open') {
      this.state = 'ending';
      this.host.send({ type: 'end', context_id: this.id });
    }
    return this.finished;
  }

  /** Stop now: no audio or events are delivered after this call (frames still in flight are dropped). */
  cancel(): void {
    if (this.closed) return;
    this.state = 'cancelled';
    this.host.send({ type: 'cancel', context_id: this.id });
    this.emitEvent({ type: 'cancelled' });
    this.settle.resolve(undefined);
    // Stays routable until the gateway confirms, so late frames are recognised and dropped.
  }

  /**
   * Events from now on, ending after `done` or `cancelled`; throws the SpeechgateError if the context
   * fails. Call it before awaiting anything, or early events are missed.
   */
  events(): AsyncIterableIterator<ContextEvent> {
    const offs: (() => void)[] = [];
    const queue = new AsyncQueue<ContextEvent>(() => offs.forEach((off) => off()));
    if (this.error) queue.fail(this.error);
    else if (this.closed) queue.close();
    if (this.closed) return queue;
    for (const type of ['audio', 'sentence', 'flushed', 'done', 'cancelled', 'refused'] as const) {
      offs.push(
        this.on(type, (ev: ContextEvent) => {
          queue.push(ev);
          if (ev.type === 'done' || ev.type === 'cancelled') queue.close();
        }),
      );
    }
    offs.push(this.on('error', (err) => queue.fail(err)));
    return queue;
  }

  /** The word being spoken at `ms` on this context's timeline, if any. */
  wordAt(ms: number): WordTiming | undefined {
    let lo = 0;
    let hi = this.words.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const w = this.words[mid]!;
      if (ms < w.startMs) hi = mid - 1;
      else if (ms >= w.endMs) lo = mid + 1;
      else return w;
    }
    return undefined;
  }

  // ── called by the client ──────────────────────────────────────────────────────────────────────

  /** @internal */
  markStarted(format: AudioFormat): void {
    this.started = true;
    this.format ??= format;
  }

  /** @internal */
  handleFrame(frame: AudioFrame): void {
    if (this.closed) return;
    if (!this.seen.add(frame.sequence)) {
      this.duplicateFrames++;
      return;
    }
    this.framesReceived++;
    this.firstFrameAt ??= now();
    this.emitEvent({ type: 'audio', ...frame });
  }

  /** @internal */
  handleMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'sentence': {
        if (this.closed) return;
        const ev = sentenceEvent(message);
        this.words.push(...ev.words);
        this.emitEvent(ev);
        return;
      }
      case 'flushed':
        if (!this.closed) this.emitEvent({ type: 'flushed' });
        return;
      case 'done': {
        this.host.release(this.id);
        if (this.closed) return;
        this.state = 'done';
        const ev = doneEvent(message);
        this.emitEvent(ev);
        this.settle.resolve(ev);
        return;
      }
      case 'cancelled':
        this.host.release(this.id);
        if (!this.closed) this.cancelledByServer();
        return;
      case 'error': {
        const err = SpeechgateError.fromMessage(message);
        if (err.fatal || ENDS_CONTEXT.has(err.code)) this.fail(err);
        else if (!this.closed) this.emitEvent({ type: 'refused', error: err });
        return;
      }
      case 'ready':
        return;
    }
  }

  /** @internal Terminal failure: the error event, then nothing more. */
  fail(error: SpeechgateError): void {
    this.host.release(this.id);
    if (this.closed) return;
    this.state = 'failed';
    const err = error.contextId === this.id ? error : error.forContext(this.id);
    this.error = err;
    this.emit('error', err);
    this.settle.reject(err);
  }

  private cancelledByServer(): void {
    this.state = 'cancelled';
    this.emitEvent({ type: 'cancelled' });
    this.settle.resolve(undefined);
  }

  private emitEvent(ev: ContextEvent): void {
    this.emit(ev.type, ev);
  }

  private assertWritable(what: string): void {
    if (this.state !== 'open') {
      throw new SpeechgateError('bad_request', `${what}() on a context that is ${this.state}`, {
        contextId: this.id,
      });
    }
  }
}

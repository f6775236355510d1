/**
 * One speech stream: text in (whole or token by token), timed frames and word events out, sentences in
 * order. Text goes through the incremental splitter; each segment becomes a SentenceJob, up to
 * `lookahead` of them synthesizing ahead of the one being played; a single output loop plays them
 * strictly in order and reports flushes and the end once everything before them has been delivered.
 *
 * Transport-free: a WebSocket context and an HTTP download are both a SpeechStream and a sink. Everything
 * a stream holds (splitter, jobs, encoder, stall timer) is released in dispose(), the one exit for done,
 * failure and close alike.
 */
import type { AudioFormat } from '../audio/format.js';
import type { FrameEncoder } from '../audio/frame-encoder.js';
import { SpeechgateError } from '../errors.js';
import { SentenceSplitter, type Segment } from '../text/splitter.js';
import type { Synthesizer } from '../tts/engine.js';
import { playSentence } from './play.js';
import { SentenceJob, type JobSettings } from './sentence-job.js';
import { FRAME_MS, Timeline } from './timeline.js';
import type { OutputGate, SpeechServices, SpeechSink, StreamTuning } from './types.js';

export interface StreamInit {
  voice: Synthesizer;
  format: AudioFormat;
  speed: number;
  /**
   * Opens the stream's encoder; called once, when the first sentence is queued (a stream that never
   * speaks holds none). The stream owns what it returns and destroys it.
   */
  openEncoder: () => Promise<FrameEncoder>;
  gate: OutputGate;
  services: SpeechServices;
  tuning: Readonly<StreamTuning>;
  sink: SpeechSink;
  /** Who is speaking (the token's tenant), so that tenants take turns when the workers are behind. */
  tenant?: string;
}

/**
 * How long audio that has not started (or has run dry) may take and still be on time, for the scheduler's
 * deadlines: a stream already playing must not glitch, and when many streams start at once, their first audio
 * yields this much to the second chunk of those that started a moment earlier. 100 ms removed the underruns
 * of 8 streams starting together on 2 cores; 200 ms cost more first-audio latency than it saved (npm run bench).
 */
const START_GRACE_MS = 100;

type QueueItem = { kind: 'sentence'; job: SentenceJob } | { kind: 'flushed' } | { kind: 'done' };

/** open: takes text; ending: end() called, finishing the audio; closed: released. */
type State = 'open' | 'ending' | 'closed';

export class SpeechStream {
  private state: State = 'open';
  private readonly abort = new AbortController();
  private readonly splitter = new SentenceSplitter();
  private readonly timeline: Timeline;
  private readonly jobSettings: JobSettings;
  private readonly queue: QueueItem[] = [];
  private running = false;
  /** Characters of segments queued and not yet fully played. */
  private queuedChars = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  /** The text stalled while audio was still queued: cut once the queue runs dry. */
  private stallPending = false;
  private characters = 0;
  private cacheHits = 0;
  private firstTextAt: number | undefined;
  private encoder: Promise<FrameEncoder> | undefined;

  constructor(private readonly init: StreamInit) {
    const signal = this.abort.signal;
    this.timeline = new Timeline(init.sink, init.gate, signal, (at) => {
      if (this.firstTextAt !== undefined) {
        init.services.metrics.timeToFirstAudio.observe(Math.max(0, at - this.firstTextAt) / 1000);
      }
    });
    this.jobSettings = {
      voice: init.voice,
      format: init.format,
      speed: init.speed,
      signal,
      gate: init.gate,
      services: init.services,
      live: init.tuning.live,
      tenant: init.tenant,
    };
  }

  /** Whether text, flush and end are still taken. */
  get accepting(): boolean {
    return this.state === 'open';
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Characters taken and not yet spoken: what a caller bounds. */
  get pendingChars(): number {
    return this.splitter.buffered + this.queuedChars;
  }

  /** Appends text; `receivedAt` (performance.now()) starts the first-audio clock. */
  push(text: string, receivedAt = performance.now()): void {
    this.requireOpen('text');
    if (text.length === 0) return;
    this.firstTextAt ??= receivedAt;
    this.characters += text.length;
    this.enqueue(this.splitter.push(text));
    this.armStallTimer();
  }

  /** Speaks everything buffered now; the sink's `flushed` follows once its audio was delivered. */
  flush(): void {
    this.requireOpen('flush');
    this.clearStallTimer();
    this.enqueue(this.splitter.flush());
    this.queue.push({ kind: 'flushed' });
    this.pump();
  }

  /** No more text: speak the rest, then the sink's `done`. */
  end(): void {
    this.requireOpen('end');
    this.state = 'ending';
    this.clearStallTimer();
    this.enqueue(this.splitter.end());
    this.queue.push({ kind: 'done' });
    this.pump();
  }

  /**
   * Stops synthesis and output at once and drops everything queued; the sink hears nothing more (no
   * frame can follow this call). Idempotent.
   */
  close(): void {
    this.dispose();
  }

  private requireOpen(what: string): void {
    if (this.state !== 'open') throw new SpeechgateError('bad_request', `${what} after end of this context`);
  }

  private enqueue(segments: Segment[]): void {
    // Not awaited here: the encoder (a WASM resampler) gets ready while the first sentence synthesizes.
    if (segments.length > 0) void this.openEncoder();
    for (const segment of segments) {
      this.queue.push({ kind: 'sentence', job: new SentenceJob(segment, this.jobSettings) });
      this.queuedChars += segment.text.length;
    }
    if (segments.length > 0) this.pump();
  }

  /** Starts the look-ahead jobs and, if idle, the output loop. */
  private pump(): void {
    let jobs = 0;
    const live = this.init.tuning.live;
    for (const item of this.queue) {
      if (item.kind !== 'sentence') continue;
      if (jobs > this.init.tuning.lookahead) break;
      const job = item.job;
      job.start(live ? () => this.neededAt(job) : undefined);
      jobs++;
    }
    if (!this.running && this.queue.length > 0) {
      this.running = true;
      void this.run();
    }
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const { sink } = this.init;
    try {
      for (let item = this.queue[0]; item && !signal.aborted; item = this.queue[0]) {
        if (item.kind === 'sentence') {
          const encoder = await this.openEncoder();
          const played = await playSentence(item.job, {
            timeline: this.timeline,
            encoder,
            services: this.init.services,
            signal,
            sampleRate: this.init.voice.sampleRate,
          });
          if (played.cached) this.cacheHits++;
          this.queuedChars -= item.job.segment.text.length;
          sink.sentenceDone?.({
            characters: item.job.segment.text.length,
            frames: played.frames,
            cached: played.cached,
          });
        } else if (item.kind === 'flushed') {
          sink.flushed();
        } else {
          this.finish();
          return;
        }
        if (signal.aborted) return;
        this.queue.shift();
        this.pump();
      }
    } catch (err) {
      if (!signal.aborted) this.fail(err);
      return;
    } finally {
      this.running = false;
    }
    if (this.stallPending) this.onStall();
  }

  /**
   * When the listener will need `target`'s first sample, on the playback clock of the Timeline: the
   * sentence being sent started at a known time; each later one starts when the ones before it have played
   * (their lengths are estimates until the acoustic model has run). A stream that has not started, or has
   * run dry, needs its next sentence START_GRACE_MS after that sentence exists.
   */
  private neededAt(target: SentenceJob): number {
    const out = this.timeline;
    let at: number | undefined;
    for (const item of this.queue) {
      if (item.kind !== 'sentence') continue;
      const job = item.job;
      if (at === undefined) {
        at = out.sentenceStartsAt ?? Math.max(out.playedUntil ?? -Infinity, job.createdAt + START_GRACE_MS);
      }
      if (job === target) return at;
      at += job.expectedMs;
    }
    return at ?? target.createdAt;
  }

  private finish(): void {
    const out = this.timeline;
    const ttfa =
      out.firstFrameAt !== undefined && this.firstTextAt !== undefined
        ? Math.round(out.firstFrameAt - this.firstTextAt)
        : null;
    const summary = {
      timeToFirstAudioMs: ttfa,
      audioMs: out.sequence * FRAME_MS,
      characters: this.characters,
      sentences: out.sentences,
      cacheHits: this.cacheHits,
      frames: out.sequence,
    };
    this.dispose();
    this.init.sink.done(summary);
  }

  /** A sentence failed: the stream ends with the error. */
  private fail(err: unknown): void {
    const error =
      err instanceof SpeechgateError
        ? err
        : new SpeechgateError('synthesis_failed', 'synthesis failed; the context was closed', { cause: err });
    this.dispose();
    this.init.sink.failed(error);
  }

  private armStallTimer(): void {
    this.stallPending = false;
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(this.onStall, this.init.tuning.stallMs);
  }

  private clearStallTimer(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.stallPending = false;
  }

  /**
   * Text stopped arriving mid-sentence. Before the first audio, or when nothing is left to play,
   * speak the words buffered so far rather than leave the listener waiting for the sentence end.
   */
  private readonly onStall = (): void => {
    this.stallTimer = undefined;
    if (this.state !== 'open') return;
    if (this.timeline.firstFrameAt !== undefined && this.queue.length > 0) {
      this.stallPending = true;
      return;
    }
    this.stallPending = false;
    const segment = this.splitter.flushStalled();
    if (segment) this.enqueue([segment]);
  };

  private openEncoder(): Promise<FrameEncoder> {
    if (this.encoder === undefined) {
      this.encoder = this.init.openEncoder();
      // A failed encoder fails the first sentence; until then its rejection is not unhandled.
      this.encoder.catch(() => undefined);
    }
    return this.encoder;
  }

  private dispose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.abort.abort();
    this.clearStallTimer();
    this.queue.length = 0;
    this.queuedChars = 0;
    this.encoder?.then(
      (encoder) => encoder.destroy(),
      () => undefined,
    );
  }
}

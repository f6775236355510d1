/**
 * One synthesis context: text in (whole or token by token), sentences out in order. Text goes through
 * the incremental splitter; each segment becomes a SentenceJob, up to `lookahead` of them synthesizing
 * ahead of the one being sent; a single output loop per context plays them strictly in order and
 * answers `flush` and `end` once everything before them has been sent.
 *
 * Everything a context holds (splitter, jobs, encoder, stall timer, lease) is released in dispose(),
 * the one exit for done, cancel, failure and connection close alike.
 */
import type { AudioFormat } from '../audio/format.js';
import type { FrameEncoder } from '../audio/frame-encoder.js';
import { SpeechgateError } from '../errors.js';
import type { Lease } from '../limits/types.js';
import { encodeContextId } from '../protocol/frame-header.js';
import { SentenceSplitter, type Segment } from '../text/splitter.js';
import type { Synthesizer } from '../tts/engine.js';
import type { ContextHost } from './host.js';
import { ContextOutput, FRAME_MS } from './output.js';
import { playSentence } from './pipeline.js';
import { SentenceJob, type JobSettings } from './sentence-job.js';

export interface ContextInit {
  id: string;
  voice: Synthesizer;
  format: AudioFormat;
  speed: number;
  /** Created by the caller; the context owns it from now on and destroys it. */
  encoder: Promise<FrameEncoder>;
  lease: Lease;
  host: ContextHost;
}

/**
 * How long audio that has not started (or has run dry) may take and still be on time, for the scheduler's
 * deadlines: a stream already playing must not glitch, and when many streams start at once, their first audio
 * yields this much to the second chunk of those that started a moment earlier. 100 ms removed the underruns
 * of 8 streams starting together on 2 cores; 200 ms cost more first-audio latency than it saved (npm run bench).
 */
const START_GRACE_MS = 100;

type QueueItem = { kind: 'sentence'; job: SentenceJob } | { kind: 'flushed' } | { kind: 'done' };

/** open: takes text; ending: `end` received, finishing the audio; closed: released. */
type State = 'open' | 'ending' | 'closed';

export class Context {
  readonly id: string;
  private state: State = 'open';
  private readonly abort = new AbortController();
  private readonly splitter = new SentenceSplitter();
  private readonly output: ContextOutput;
  private readonly jobSettings: JobSettings;
  private readonly queue: QueueItem[] = [];
  private running = false;
  /** Characters of segments queued and not yet fully sent. */
  private queuedChars = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  /** The text stalled while audio was still queued: cut once the queue runs dry. */
  private stallPending = false;
  private characters = 0;
  private cacheHits = 0;
  private firstTextAt: number | undefined;

  constructor(private readonly init: ContextInit) {
    this.id = init.id;
    const { host } = init;
    this.output = new ContextOutput(init.id, encodeContextId(init.id), host, this.abort.signal, (at) => {
      if (this.firstTextAt !== undefined) {
        host.deps.metrics.timeToFirstAudio.observe(Math.max(0, at - this.firstTextAt) / 1000);
      }
    });
    this.jobSettings = {
      voice: init.voice,
      format: init.format,
      speed: init.speed,
      signal: this.abort.signal,
    };
    // A failed encoder fails the first sentence; until then its rejection is not unhandled.
    init.encoder.catch(() => undefined);
    host.deps.metrics.activeContexts.inc();
  }

  /** Appends text. Throws SpeechgateError (buffer full, rate limit, ended context); the text is then dropped. */
  async text(text: string, receivedAt: number): Promise<void> {
    this.requireOpen('text');
    if (text.length === 0) return;
    const { limits, config } = this.init.host.deps;
    const max = config.limits.maxTextBufferChars;
    if (text.length > max) {
      throw new SpeechgateError(
        'message_too_large',
        `a context buffers at most ${max} characters; send less at once`,
      );
    }
    if (this.splitter.buffered + this.queuedChars + text.length > max) {
      throw new SpeechgateError('rate_limited', `over ${max} characters of this context are not spoken yet`, {
        retryAfterSeconds: 1,
      });
    }
    await limits.consumeChars(this.init.host.tenant, text.length);
    if (this.state !== 'open') return; // cancelled while the limiter answered
    this.firstTextAt ??= receivedAt;
    this.characters += text.length;
    this.enqueue(this.splitter.push(text));
    this.armStallTimer();
  }

  /** Speaks everything buffered now; `flushed` follows once its audio has been sent. */
  flush(): void {
    this.requireOpen('flush');
    this.clearStallTimer();
    this.enqueue(this.splitter.flush());
    this.queue.push({ kind: 'flushed' });
    this.pump();
  }

  /** No more text: speak the rest, then `done`. */
  end(): void {
    this.requireOpen('end');
    this.state = 'ending';
    this.clearStallTimer();
    this.enqueue(this.splitter.end());
    this.queue.push({ kind: 'done' });
    this.pump();
  }

  /** Barge-in: stops synthesis and sending at once and drops everything queued. */
  cancel(): void {
    if (this.state === 'closed') return;
    this.dispose();
    this.init.host.sendMessage({ type: 'cancelled', context_id: this.id });
  }

  /** The connection is gone: release everything without a word to the client. */
  close(): void {
    this.dispose();
  }

  private requireOpen(what: string): void {
    if (this.state !== 'open') throw new SpeechgateError('bad_request', `${what} after end of this context`);
  }

  private enqueue(segments: Segment[]): void {
    for (const segment of segments) {
      this.queue.push({ kind: 'sentence', job: new SentenceJob(segment, this.jobSettings, this.init.host) });
      this.queuedChars += segment.text.length;
    }
    if (segments.length > 0) this.pump();
  }

  /** Starts the look-ahead jobs and, if idle, the output loop. */
  private pump(): void {
    let jobs = 0;
    for (const item of this.queue) {
      if (item.kind !== 'sentence') continue;
      if (jobs > this.init.host.tuning.lookahead) break;
      const job = item.job;
      job.start(() => this.neededAt(job));
      jobs++;
    }
    if (!this.running && this.queue.length > 0) {
      this.running = true;
      void this.run();
    }
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    try {
      for (let item = this.queue[0]; item && !signal.aborted; item = this.queue[0]) {
        if (item.kind === 'sentence') {
          const encoder = await this.init.encoder;
          const played = await playSentence(item.job, {
            output: this.output,
            encoder,
            host: this.init.host,
            signal,
            sampleRate: this.init.voice.sampleRate,
          });
          if (played.cached) this.cacheHits++;
          this.queuedChars -= item.job.segment.text.length;
        } else if (item.kind === 'flushed') {
          this.init.host.sendMessage({ type: 'flushed', context_id: this.id });
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
   * When the listener will need `target`'s first sample, on the playback clock of ContextOutput: the
   * sentence being sent started at a known time; each later one starts when the ones before it have played
   * (their lengths are estimates until the acoustic model has run). A context that has not started, or has
   * run dry, needs its next sentence START_GRACE_MS after that sentence exists.
   */
  private neededAt(target: SentenceJob): number {
    const out = this.output;
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
    const out = this.output;
    const ttfa =
      out.firstFrameAt !== undefined && this.firstTextAt !== undefined
        ? Math.round(out.firstFrameAt - this.firstTextAt)
        : null;
    this.init.host.sendMessage({
      type: 'done',
      context_id: this.id,
      time_to_first_audio_ms: ttfa,
      audio_ms: out.sequence * FRAME_MS,
      characters: this.characters,
      sentences: out.sentences,
      cache_hits: this.cacheHits,
      frames: out.sequence,
    });
    this.dispose();
  }

  /** A sentence failed: this context ends with an error, the connection and other contexts go on. */
  private fail(err: unknown): void {
    const error =
      err instanceof SpeechgateError
        ? err
        : new SpeechgateError('synthesis_failed', 'synthesis failed; the context was closed', { cause: err });
    this.dispose();
    this.init.host.reportError(error, this.id);
  }

  private armStallTimer(): void {
    this.stallPending = false;
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(this.onStall, this.init.host.tuning.stallMs);
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
    if (this.output.firstFrameAt !== undefined && this.queue.length > 0) {
      this.stallPending = true;
      return;
    }
    this.stallPending = false;
    const segment = this.splitter.flushStalled();
    if (segment) this.enqueue([segment]);
  };

  private dispose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.abort.abort();
    this.clearStallTimer();
    this.queue.length = 0;
    this.queuedChars = 0;
    this.init.encoder.then(
      (encoder) => encoder.destroy(),
      () => undefined,
    );
    void this.init.lease.release();
    this.init.host.deps.metrics.activeContexts.dec();
    this.init.host.contextEnded(this.id);
  }
}

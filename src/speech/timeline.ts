/**
 * The outgoing side of one stream: its audio timeline (frame n starts at n × 20 ms), the sentence
 * announcements and the frames with their sentence flags, handed to the sink.
 *
 * The last frame of a sentence must carry the end flag, but the encoder only reveals which frame is
 * last when the sentence is flushed, so each frame is held back until the next one exists (within a
 * synthesizer chunk that is no delay at all).
 */
import { FRAME_MS } from '../audio/encoder.js';
import { abortError } from '../tts/engine.js';
import type { OutputGate, SentenceStart, SpeechSink, TimedWord } from './types.js';

export { FRAME_MS };

/** What a sentence announces; words are relative to the sentence's audio. */
export interface SentenceHead {
  start: number;
  end: number;
  durationMs: number;
  cached: boolean;
  words: TimedWord[];
}

export class Timeline {
  /** Frames sent so far: the next frame's sequence number. */
  sequence = 0;
  sentences = 0;
  /** performance.now() when the first frame left. */
  firstFrameAt: number | undefined;
  /**
   * When a listener playing in real time will have played every frame sent so far (performance.now() time):
   * playback starts with the first frame and, after running dry, resumes when the next frame arrives.
   */
  playedUntil: number | undefined;
  /** When the current sentence's first frame plays, on the same clock; undefined until that frame is sent. */
  sentenceStartsAt: number | undefined;

  private head: (() => SentenceHead) | undefined;
  private held: Uint8Array | undefined;
  private sentInSentence = 0;

  constructor(
    private readonly sink: SpeechSink,
    private readonly gate: OutputGate,
    private readonly signal: AbortSignal,
    /** Called with the first frame's send time. */
    private readonly onFirstFrame: (at: number) => void,
  ) {}

  /** Starts a sentence; `head` is read when its first frame is about to leave. */
  begin(head: () => SentenceHead): void {
    this.head = head;
    this.held = undefined;
    this.sentInSentence = 0;
    this.sentenceStartsAt = undefined;
  }

  /** Frames of the sentence, in order, as they are encoded. */
  async push(frame: Uint8Array): Promise<void> {
    const previous = this.held;
    this.held = frame;
    if (previous) await this.send(previous, false);
  }

  /** The sentence is complete; returns how many frames it had (0: nothing was sent for it). */
  async end(): Promise<number> {
    const last = this.held;
    this.held = undefined;
    if (last) await this.send(last, true);
    const frames = this.sentInSentence;
    this.sentInSentence = 0;
    this.sentenceStartsAt = undefined;
    return frames;
  }

  /** The frames given so far went to the sink: lets it write them out (and wait for its transport). */
  async batch(): Promise<void> {
    await this.sink.batch?.();
    if (this.signal.aborted) throw abortError(this.signal);
  }

  private async send(payload: Uint8Array, last: boolean): Promise<void> {
    if (!this.gate.open) await this.gate.wait(this.signal);
    if (this.signal.aborted) throw abortError(this.signal);
    const first = this.sentInSentence === 0;
    if (first) this.sink.sentence(this.sentenceStart());
    this.sink.frame({ sequence: this.sequence, sentenceStart: first, sentenceEnd: last, payload });
    const now = performance.now();
    const playsAt = Math.max(this.playedUntil ?? now, now);
    if (first) this.sentenceStartsAt = playsAt;
    this.playedUntil = playsAt + FRAME_MS;
    this.sequence++;
    this.sentInSentence++;
    if (this.firstFrameAt === undefined) {
      this.firstFrameAt = performance.now();
      this.onFirstFrame(this.firstFrameAt);
    }
  }

  private sentenceStart(): SentenceStart {
    const head = this.head?.();
    if (!head) throw new Error('sentence frame without begin()');
    const audioStartMs = this.sequence * FRAME_MS;
    return {
      index: this.sentences++,
      start: head.start,
      end: head.end,
      audioStartMs,
      durationMs: round(head.durationMs),
      cached: head.cached,
      words: head.words.map((w) => ({
        word: w.word,
        start: w.start,
        end: w.end,
        startMs: round(audioStartMs + w.startMs),
        endMs: round(audioStartMs + w.endMs),
      })),
    };
  }
}

/** Milliseconds to 0.1 ms: enough for captions, no float noise on the wire. */
function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/**
 * The outgoing side of one context: its audio timeline (frame n starts at n × 20 ms), binary frames
 * with their sentence flags, and the `sentence` message that precedes each sentence's first frame.
 *
 * The last frame of a sentence must carry the end flag, but the encoder only reveals which frame is
 * last when the sentence is flushed, so each frame is held back until the next one exists (within a
 * synthesizer chunk that is no delay at all).
 */
import { FRAME_MS } from '../audio/encoder.js';
import { encodeAudioFrame, FLAG_SENTENCE_END, FLAG_SENTENCE_START } from '../protocol/frame-header.js';
import type { SentenceMessage, WordEvent } from '../protocol/messages.js';
import { abortError } from '../tts/engine.js';
import type { ContextHost } from './host.js';

export { FRAME_MS };

/** A word of a sentence: span in the context's text, times relative to the sentence's audio. */
export interface SentenceWord {
  word: string;
  start: number;
  end: number;
  startMs: number;
  endMs: number;
}

export interface SentenceHead {
  start: number;
  end: number;
  durationMs: number;
  cached: boolean;
  words: SentenceWord[];
}

export class ContextOutput {
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

  private readonly idBytes: Uint8Array;
  private head: (() => SentenceHead) | undefined;
  private held: Uint8Array | undefined;
  private sentInSentence = 0;

  constructor(
    private readonly contextId: string,
    idBytes: Uint8Array,
    private readonly host: ContextHost,
    private readonly signal: AbortSignal,
    /** Called with the first frame's send time. */
    private readonly onFirstFrame: (at: number) => void,
  ) {
    this.idBytes = idBytes;
  }

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

  private async send(payload: Uint8Array, last: boolean): Promise<void> {
    const gate = this.host.gate;
    if (!gate.open) await gate.wait(this.signal);
    if (this.signal.aborted) throw abortError(this.signal);
    let flags = last ? FLAG_SENTENCE_END : 0;
    if (this.sentInSentence === 0) {
      flags |= FLAG_SENTENCE_START;
      this.host.sendMessage(this.sentenceMessage());
    }
    this.host.sendFrame(encodeAudioFrame(this.idBytes, this.sequence, flags, payload));
    const now = performance.now();
    const playsAt = Math.max(this.playedUntil ?? now, now);
    if (this.sentInSentence === 0) this.sentenceStartsAt = playsAt;
    this.playedUntil = playsAt + FRAME_MS;
    this.sequence++;
    this.sentInSentence++;
    if (this.firstFrameAt === undefined) {
      this.firstFrameAt = performance.now();
      this.onFirstFrame(this.firstFrameAt);
    }
  }

  private sentenceMessage(): SentenceMessage {
    const head = this.head?.();
    if (!head) throw new Error('sentence frame without begin()');
    const audioStartMs = this.sequence * FRAME_MS;
    const words: WordEvent[] = head.words.map((w) => ({
      word: w.word,
      start: w.start,
      end: w.end,
      start_ms: round(audioStartMs + w.startMs),
      end_ms: round(audioStartMs + w.endMs),
    }));
    return {
      type: 'sentence',
      context_id: this.contextId,
      index: this.sentences++,
      start: head.start,
      end: head.end,
      audio_start_ms: audioStartMs,
      duration_ms: round(head.durationMs),
      cached: head.cached,
      words,
    };
  }
}

/** Milliseconds to 0.1 ms: enough for captions, no float noise on the wire. */
function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

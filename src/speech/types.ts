/**
 * The seams of the speech core: what it needs (a gate that says when output may flow, a cache, a few
 * metrics) and what it produces (a SpeechSink's calls). Nothing here knows about sockets or HTTP; the
 * WebSocket session and the HTTP route each adapt these to their transport.
 */
import type { PhraseCache } from '../cache/types.js';

/** Output backpressure: the core checks `open` before producing and sending, and waits when it is shut. */
export interface OutputGate {
  readonly open: boolean;
  /** Resolves when output may flow again; rejects when `signal` aborts. */
  wait(signal: AbortSignal): Promise<void>;
}

/** A gate that is always open: for sinks that apply backpressure themselves (awaiting in `batch`). */
export const OPEN_GATE: OutputGate = { open: true, wait: () => Promise.resolve() };

export type SpeechStage = 'frontend' | 'acoustic' | 'vocoder' | 'encode';

/** The metrics the core reports; src/metrics' Metrics satisfies this. */
export interface SpeechMetrics {
  observeStage(stage: SpeechStage, seconds: number): void;
  readonly realTimeFactor: { observe(value: number): void };
  /** Seconds from a stream's first text to its first frame. */
  readonly timeToFirstAudio: { observe(value: number): void };
}

export interface SpeechServices {
  /** Undefined when caching is off. Keys depend on text, voice, speed and format only: transports share entries. */
  cache: PhraseCache | undefined;
  metrics: SpeechMetrics;
}

export interface StreamTuning {
  /** Text silent this long lets a stream speak its buffered words before the sentence ends. */
  stallMs: number;
  /** Sentences synthesized ahead of the one being sent (their PCM is held in memory). */
  lookahead: number;
  /**
   * Whether a listener plays the audio as it arrives: then each sentence tells the synthesizer when its
   * audio is needed, so live streams are served in deadline order. False: no deadline (a download).
   */
  live: boolean;
}

/** A word: span in the stream's text, times on the stream's audio timeline (frame sequence × 20 ms). */
export interface TimedWord {
  word: string;
  start: number;
  end: number;
  startMs: number;
  endMs: number;
}

/** Announced just before a sentence's first frame. */
export interface SentenceStart {
  index: number;
  /** Span in the stream's text (all pushed text concatenated). */
  start: number;
  end: number;
  audioStartMs: number;
  durationMs: number;
  cached: boolean;
  words: TimedWord[];
}

/** One encoded 20 ms frame, in order; frame n starts at n × 20 ms. */
export interface TimedFrame {
  sequence: number;
  sentenceStart: boolean;
  sentenceEnd: boolean;
  payload: Uint8Array;
}

export interface SentenceDone {
  characters: number;
  /** 0 when the sentence had no audio (e.g. only punctuation). */
  frames: number;
  cached: boolean;
}

export interface StreamSummary {
  /** First text to first frame, or null when no frame was made. */
  timeToFirstAudioMs: number | null;
  audioMs: number;
  characters: number;
  sentences: number;
  cacheHits: number;
  frames: number;
}

/**
 * Where a stream's output goes. Calls come in order: for each sentence `sentence`, its frames, then
 * `sentenceDone`; `flushed` where a flush was asked; finally exactly one of `done` or `failed` (none after
 * close()). Frame and sentence calls must not throw.
 */
export interface SpeechSink {
  sentence(sentence: SentenceStart): void;
  frame(frame: TimedFrame): void;
  /**
   * A batch of frames was delivered (one encoder call, or a cached sentence): a container may write a page.
   * The core waits for the returned promise before producing more: a transport's own backpressure.
   */
  batch?(): void | Promise<void>;
  sentenceDone?(sentence: SentenceDone): void;
  flushed(): void;
  done(summary: StreamSummary): void;
  failed(error: unknown): void;
}

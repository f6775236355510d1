import type { FrontEnd, PhonemizedWord } from '../text/frontend.js';
import type { WordTiming } from './timing.js';

/** Speaking rates a synthesizer honours; requests outside are clamped to it. */
export const ENGINE_SPEED_RANGE = { min: 0.33, max: 3 } as const;

export type Stage = 'frontend' | 'acoustic' | 'vocoder';

/** A sentence after the front end: what is spoken, and what the model reads. Cheap; no inference yet. */
export interface PreparedPhrase {
  text: string;
  /** Normalised words and punctuation: the cache key's text. */
  spoken: string;
  ids: readonly number[];
  words: readonly PhonemizedWord[];
}

export interface SynthesisChunk {
  /** Mono PCM in [-1, 1] at the voice's sample rate. */
  pcm: Float32Array;
  /** Present on a phrase's first chunk: the word timings and total length, known before the audio is. */
  timing?: { words: WordTiming[]; durationMs: number };
}

export interface SynthesizeOptions {
  signal?: AbortSignal;
  /** 1 is the voice's natural rate; 2 is twice as fast. */
  speed?: number;
  /**
   * When a listener will need this phrase's first sample (a performance.now() time; default: when synthesize
   * was called). Read again each time a scheduler orders work, so it may move as the stream plays. Earlier
   * needs are served first: a stream's look-ahead sentence does not delay another stream's first audio.
   */
  neededAt?: () => number;
  /** Per-stage latency, for metrics. */
  onStage?: (stage: Stage, seconds: number) => void;
  /** Who asked (the token's tenant): under load, tenants take turns (see worker/step-order.ts). */
  tenant?: string;
  /**
   * false for audio nobody listens to as it is made (an HTTP download): it yields to live streams, and is
   * slowed, never starved, while they keep the workers busy. Default true.
   */
  live?: boolean;
}

/** The seam between sessions and models: anything that can turn a prepared phrase into PCM chunks. */
export interface Synthesizer {
  readonly id: string;
  readonly name: string;
  /** BCP 47 tag, e.g. "en-US". */
  readonly language?: string;
  readonly sampleRate: number;
  readonly modelHash: string;
  prepare(text: string): PreparedPhrase;
  synthesize(phrase: PreparedPhrase, options?: SynthesizeOptions): AsyncIterable<SynthesisChunk>;
  /**
   * True while the live work already waiting would keep every worker busy for over a second, or a live
   * stream is well behind: new live streams should then be refused with a retryable error. Absent: never.
   */
  isOverloaded?(): boolean;
  close(): Promise<void>;
}

/** The front end's work for one sentence, as every Synthesizer's prepare() returns it. */
export function preparePhrase(frontEnd: FrontEnd, text: string): PreparedPhrase {
  const p = frontEnd.phonemize(text);
  return { text, spoken: p.spoken, ids: p.ids, words: p.words };
}

/** A phrase of nothing but its sentence markers (only punctuation was written): it has no audio. */
export function isSilent(phrase: PreparedPhrase): boolean {
  return phrase.ids.length <= 2;
}

export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('synthesis aborted');
  err.name = 'AbortError';
  return err;
}

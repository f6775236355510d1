/**
 * The vocoder half of one phrase, as a plan of steps: which mel frames each vocoder call reads, and how its
 * output becomes the next chunk of audio. The in-thread voice and the worker pool's scheduler both walk it,
 * so a chunk is cut the same way wherever the models run.
 */
import { planChunks, sliceMel, type ChunkPlanOptions, type ChunkSpan } from './chunking.js';
import type { PreparedPhrase, SynthesisChunk } from './engine.js';
import { wordTimings } from './timing.js';

/** What the acoustic model returns for a phrase: a [nMels, frames] mel and each token's frame count. */
export interface AcousticOutput {
  mel: Float32Array;
  frames: number;
  durations: readonly number[];
}

export interface VoiceShape {
  nMels: number;
  /** Samples per mel frame. */
  hop: number;
  sampleRate: number;
}

export class PhrasePlan {
  readonly spans: readonly ChunkSpan[];
  private readonly timing: NonNullable<SynthesisChunk['timing']>;

  constructor(
    phrase: PreparedPhrase,
    private readonly acoustic: AcousticOutput,
    private readonly shape: VoiceShape,
    chunking: ChunkPlanOptions,
  ) {
    const msPerFrame = (1000 * shape.hop) / shape.sampleRate;
    this.spans = planChunks(acoustic.frames, chunking);
    this.timing = {
      words: wordTimings(phrase.words, acoustic.durations, msPerFrame).words,
      durationMs: acoustic.frames * msPerFrame,
    };
  }

  get durationMs(): number {
    return this.timing.durationMs;
  }

  /** The vocoder's input for step `i`: the span's frames plus their context. */
  input(i: number): { mel: Float32Array; frames: number } {
    const span = this.span(i);
    const { mel, frames } = this.acoustic;
    return {
      mel: sliceMel(mel, this.shape.nMels, frames, span.inputStart, span.inputEnd),
      frames: span.inputEnd - span.inputStart,
    };
  }

  /** Samples of step `i`'s vocoder output that belong to the chunk (the context's samples are dropped). */
  keep(i: number): { from: number; to: number } {
    const span = this.span(i);
    const hop = this.shape.hop;
    return { from: (span.start - span.inputStart) * hop, to: (span.end - span.inputStart) * hop };
  }

  /** Chunk `i` from audio already trimmed to keep(i); the first chunk carries the phrase's word timings. */
  chunk(i: number, pcm: Float32Array): SynthesisChunk {
    return i === 0 ? { pcm, timing: this.timing } : { pcm };
  }

  private span(i: number): ChunkSpan {
    const span = this.spans[i];
    if (!span) throw new RangeError(`no vocoder step ${i} in a plan of ${this.spans.length}`);
    return span;
  }
}

/**
 * One phrase being synthesised by the worker pool, as the scheduler sees it: first an acoustic step, then
 * one vocoder step per chunk of its plan, each offered only while the consumer has room for the chunk.
 * Chunks and the end go to `sink`, in order.
 */
import { SpeechgateError } from '../../errors.js';
import { acousticLimit, joinAcoustic, splitForAcoustic, type AcousticPiece } from '../acoustic-pieces.js';
import type { ChunkPlanOptions } from '../chunking.js';
import type { PreparedPhrase, Stage, SynthesisChunk } from '../engine.js';
import { PhrasePlan, type AcousticOutput, type VoiceShape } from '../phrase-plan.js';
import type { Step, StepResult } from './messages.js';
import type { ScheduledJob } from './scheduler.js';

/** Chunks produced ahead of the consumer: enough to hide a scheduling round trip, no more. */
const PREFETCH_CHUNKS = 2;

export type JobEvent =
  { type: 'chunk'; chunk: SynthesisChunk } | { type: 'end' } | { type: 'failed'; error: unknown };

export interface PhraseJobOptions {
  phrase: PreparedPhrase;
  speed: number;
  shape: VoiceShape;
  chunking: ChunkPlanOptions;
  /** When the phrase's first sample is needed (performance.now() time). */
  neededAt: () => number;
  onStage?: (stage: Stage, seconds: number) => void;
  tenant?: string | undefined;
  live?: boolean | undefined;
  sink: (event: JobEvent) => void;
}

export class PhraseJob implements ScheduledJob {
  /** Bounded acoustic runs (see acoustic-pieces.ts), run one after another before the first chunk. */
  private readonly pieces: AcousticPiece[];
  private readonly acoustic: AcousticOutput[] = [];
  private plan: PhrasePlan | undefined;
  private nextChunk = 0;
  /** Samples produced so far: the next chunk is needed that much after the phrase starts playing. */
  private produced = 0;
  /** Chunks handed to the sink that the consumer has not taken yet. */
  private unconsumed = 0;
  private pending: Step | undefined;
  private finished = false;

  readonly tenant: string | undefined;
  readonly live: boolean;

  constructor(private readonly options: PhraseJobOptions) {
    this.tenant = options.tenant;
    this.live = options.live ?? true;
    this.pieces = splitForAcoustic(options.phrase.ids, acousticLimit(options.speed));
  }

  next(): Step | undefined {
    if (this.finished) return undefined;
    if (!this.plan) {
      const piece = this.pieces[this.acoustic.length];
      if (!piece) return undefined;
      this.pending ??= { kind: 'acoustic', ids: piece.ids, speed: this.options.speed };
      return this.pending;
    }
    if (this.unconsumed >= PREFETCH_CHUNKS) return undefined;
    if (!this.pending) {
      const input = this.plan.input(this.nextChunk);
      this.pending = {
        kind: 'vocode',
        mels: [input.mel],
        frames: input.frames,
        keep: [this.plan.keep(this.nextChunk)],
      };
    }
    return this.pending;
  }

  deadline(): number {
    return this.options.neededAt() + (this.produced * 1000) / this.options.shape.sampleRate;
  }

  /** The consumer took a chunk: the job may run further ahead. */
  consumed(): void {
    this.unconsumed = Math.max(0, this.unconsumed - 1);
  }

  done(result: StepResult): void {
    if (this.finished) return;
    this.pending = undefined;
    const { onStage, sink } = this.options;
    if (result.kind === 'acoustic') {
      onStage?.('acoustic', result.seconds);
      this.acoustic.push(result);
      if (this.acoustic.length < this.pieces.length) return;
      const { phrase, shape, chunking } = this.options;
      const joined = joinAcoustic(this.pieces, this.acoustic, shape.nMels, phrase.ids.length);
      this.acoustic.length = 0;
      this.plan = new PhrasePlan(phrase, joined, shape, chunking);
      if (this.plan.spans.length === 0) this.end();
      return;
    }
    onStage?.('vocoder', result.seconds);
    const pcm = result.pcm[0];
    if (!this.plan || !pcm) {
      this.failed(new SpeechgateError('synthesis_failed', 'a vocoder step returned no audio'));
      return;
    }
    this.produced += pcm.length;
    this.unconsumed++;
    sink({ type: 'chunk', chunk: this.plan.chunk(this.nextChunk, pcm) });
    this.nextChunk++;
    if (this.nextChunk >= this.plan.spans.length) this.end();
  }

  failed(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.options.sink({ type: 'failed', error });
  }

  private end(): void {
    this.finished = true;
    this.options.sink({ type: 'end' });
  }
}

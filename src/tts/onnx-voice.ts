import * as ort from 'onnxruntime-node';
import { FrontEnd } from '../text/frontend.js';
import { createSession, type SessionOptions } from './device.js';
import { DEFAULT_CHUNKING, planChunks, sliceMel, type ChunkPlanOptions } from './chunking.js';
import {
  ENGINE_SPEED_RANGE,
  abortError,
  type PreparedPhrase,
  type SynthesisChunk,
  type Synthesizer,
  type SynthesizeOptions,
} from './engine.js';
import { wordTimings } from './timing.js';
import { VocoderBatcher } from './vocoder-batcher.js';
import { readVoice, type VoiceFiles } from './voice.js';

/** The ONNX pipeline: front end → acoustic model (mel + durations) → HiFi-GAN in overlapping chunks. */
export class OnnxVoice implements Synthesizer {
  readonly id: string;
  readonly name: string;
  readonly language: string;
  readonly sampleRate: number;
  readonly modelHash: string;
  private readonly hop: number;
  private readonly nMels: number;
  private readonly frontEnd = new FrontEnd();
  /** On GPUs, chunks of concurrent streams share vocoder calls. */
  private readonly batcher: VocoderBatcher | undefined;

  private constructor(
    files: VoiceFiles,
    private readonly acoustic: ort.InferenceSession,
    private readonly vocoder: ort.InferenceSession,
    private readonly chunking: ChunkPlanOptions,
    batchVocoder: boolean,
  ) {
    this.id = files.manifest.id;
    this.name = files.manifest.name;
    this.language = files.manifest.language;
    this.sampleRate = files.manifest.sampleRate;
    this.modelHash = files.modelHash;
    this.hop = files.manifest.files.vocoder.hop;
    this.nMels = files.manifest.mel.nMels;
    this.batcher = batchVocoder
      ? new VocoderBatcher((mel, batch, frames) => this.runVocoder(mel, batch, frames), this.nMels, this.hop)
      : undefined;
  }

  static async load(dir: string, session: SessionOptions, chunking = DEFAULT_CHUNKING): Promise<OnnxVoice> {
    const files = await readVoice(dir);
    const acoustic = await createSession(files.acoustic, session);
    try {
      const vocoder = await createSession(files.vocoder, session);
      return new OnnxVoice(files, acoustic, vocoder, chunking, session.device !== 'cpu');
    } catch (err) {
      await acoustic.release();
      throw err;
    }
  }

  prepare(text: string): PreparedPhrase {
    const p = this.frontEnd.phonemize(text);
    return { text, spoken: p.spoken, ids: p.ids, words: p.words };
  }

  /** Mel and per-token durations for a phrase; the first half of synthesis, exposed for tests and tools. */
  async acousticModel(
    phrase: PreparedPhrase,
    speed = 1,
  ): Promise<{ mel: Float32Array; frames: number; durations: number[] }> {
    const ids = new ort.Tensor(
      'int64',
      BigInt64Array.from(phrase.ids, (x) => BigInt(x)),
      [1, phrase.ids.length],
    );
    const lengthScale = new ort.Tensor('float32', Float32Array.of(1 / clampSpeed(speed)), [1]);
    const out = await this.acoustic.run({ ids, length_scale: lengthScale });
    const mel = out['mel'] as ort.Tensor;
    const durations = out['durations'] as ort.Tensor;
    const result = {
      mel: mel.data as Float32Array,
      frames: mel.dims[2] ?? 0,
      durations: Array.from(durations.data as BigInt64Array, Number),
    };
    mel.dispose();
    durations.dispose();
    return result;
  }

  /** Vocodes mel frames [from, to) of a [nMels, frames] mel; returns (to - from) * hop samples. */
  async vocode(mel: Float32Array, frames: number, from: number, to: number): Promise<Float32Array> {
    const slice = sliceMel(mel, this.nMels, frames, from, to);
    if (this.batcher) return this.batcher.vocode(slice, to - from);
    return this.runVocoder(slice, 1, to - from);
  }

  private async runVocoder(mel: Float32Array, batch: number, frames: number): Promise<Float32Array> {
    const input = new ort.Tensor('float32', mel, [batch, this.nMels, frames]);
    const out = await this.vocoder.run({ mel: input });
    const audio = out['audio'] as ort.Tensor;
    const data = (audio.data as Float32Array).slice();
    audio.dispose();
    return data;
  }

  async *synthesize(phrase: PreparedPhrase, options: SynthesizeOptions = {}): AsyncIterable<SynthesisChunk> {
    const { signal, onStage } = options;
    if (phrase.ids.length <= 2) return; // nothing but sentence markers: silence
    if (signal?.aborted) throw abortError(signal);
    let t = performance.now();
    const { mel, frames, durations } = await this.acousticModel(phrase, options.speed);
    onStage?.('acoustic', (performance.now() - t) / 1000);
    if (signal?.aborted) throw abortError(signal);
    const msPerFrame = (1000 * this.hop) / this.sampleRate;
    const timing = wordTimings(phrase.words, durations, msPerFrame);
    let first = true;
    for (const span of planChunks(frames, this.chunking)) {
      t = performance.now();
      const audio = await this.vocode(mel, frames, span.inputStart, span.inputEnd);
      onStage?.('vocoder', (performance.now() - t) / 1000);
      if (signal?.aborted) throw abortError(signal);
      const pcm = audio.subarray(
        (span.start - span.inputStart) * this.hop,
        (span.end - span.inputStart) * this.hop,
      );
      if (first) {
        first = false;
        yield { pcm, timing: { words: timing.words, durationMs: frames * msPerFrame } };
      } else {
        yield { pcm };
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.acoustic.release(), this.vocoder.release()]);
  }
}

function clampSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0) return 1;
  return Math.min(ENGINE_SPEED_RANGE.max, Math.max(ENGINE_SPEED_RANGE.min, speed));
}

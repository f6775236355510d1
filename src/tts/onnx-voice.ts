import * as ort from 'onnxruntime-node';
import { FrontEnd } from '../text/frontend.js';
import { createSession, type SessionOptions } from './device.js';
import { acousticLimit, joinAcoustic, splitForAcoustic } from './acoustic-pieces.js';
import { DEFAULT_CHUNKING, sliceMel, type ChunkPlanOptions } from './chunking.js';
import {
  ENGINE_SPEED_RANGE,
  abortError,
  isSilent,
  preparePhrase,
  type PreparedPhrase,
  type SynthesisChunk,
  type Synthesizer,
  type SynthesizeOptions,
} from './engine.js';
import { PhrasePlan, type AcousticOutput, type VoiceShape } from './phrase-plan.js';
import { readVoice, type VoiceFiles } from './voice.js';

/**
 * The ONNX pipeline: front end → acoustic model (mel + durations) → HiFi-GAN in overlapping chunks. Its
 * synthesize() runs the models on the calling thread; the gateway drives the same models step by step from
 * synthesis processes instead (see worker/).
 */
export class OnnxVoice implements Synthesizer {
  readonly id: string;
  readonly name: string;
  readonly language: string;
  readonly sampleRate: number;
  readonly modelHash: string;
  readonly shape: VoiceShape;
  private readonly frontEnd = new FrontEnd();

  private constructor(
    files: VoiceFiles,
    private readonly acoustic: ort.InferenceSession,
    private readonly vocoder: ort.InferenceSession,
    readonly chunking: ChunkPlanOptions,
  ) {
    this.id = files.manifest.id;
    this.name = files.manifest.name;
    this.language = files.manifest.language;
    this.sampleRate = files.manifest.sampleRate;
    this.modelHash = files.modelHash;
    this.shape = {
      hop: files.manifest.files.vocoder.hop,
      nMels: files.manifest.mel.nMels,
      sampleRate: files.manifest.sampleRate,
    };
  }

  static async load(dir: string, session: SessionOptions, chunking = DEFAULT_CHUNKING): Promise<OnnxVoice> {
    const files = await readVoice(dir);
    const acoustic = await createSession(files.acoustic, session);
    try {
      const vocoder = await createSession(files.vocoder, session);
      return new OnnxVoice(files, acoustic, vocoder, chunking);
    } catch (err) {
      await acoustic.release();
      throw err;
    }
  }

  prepare(text: string): PreparedPhrase {
    return preparePhrase(this.frontEnd, text);
  }

  /** Mel and per-token durations for a phrase; the first half of synthesis, exposed for tests and tools. */
  async acousticModel(phrase: Pick<PreparedPhrase, 'ids'>, speed = 1): Promise<AcousticOutput> {
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
    const [audio] = await this.vocodeBatch([sliceMel(mel, this.shape.nMels, frames, from, to)], to - from);
    return audio!;
  }

  /**
   * Vocodes several [nMels, frames] mels of one length in one call (GPUs run a batch in about the time of one
   * item). Each comes back as frames * hop samples, exactly as if vocoded alone.
   */
  async vocodeBatch(mels: readonly Float32Array[], frames: number): Promise<Float32Array[]> {
    const size = this.shape.nMels * frames;
    const input = mels.length === 1 ? mels[0]! : new Float32Array(size * mels.length);
    if (mels.length > 1) mels.forEach((mel, i) => input.set(mel, i * size));
    const tensor = new ort.Tensor('float32', input, [mels.length, this.shape.nMels, frames]);
    const out = await this.vocoder.run({ mel: tensor });
    const audio = out['audio'] as ort.Tensor;
    const data = audio.data as Float32Array;
    const samples = frames * this.shape.hop;
    const result = mels.map((_, i) => data.slice(i * samples, (i + 1) * samples));
    audio.dispose();
    return result;
  }

  async *synthesize(phrase: PreparedPhrase, options: SynthesizeOptions = {}): AsyncIterable<SynthesisChunk> {
    const { signal, onStage } = options;
    if (isSilent(phrase)) return;
    if (signal?.aborted) throw abortError(signal);
    let t = performance.now();
    const pieces = splitForAcoustic(phrase.ids, acousticLimit(options.speed ?? 1));
    const outputs: AcousticOutput[] = [];
    for (const piece of pieces) {
      outputs.push(await this.acousticModel(piece, options.speed));
      if (signal?.aborted) throw abortError(signal);
    }
    const acoustic = joinAcoustic(pieces, outputs, this.shape.nMels, phrase.ids.length);
    onStage?.('acoustic', (performance.now() - t) / 1000);
    const plan = new PhrasePlan(phrase, acoustic, this.shape, this.chunking);
    for (let i = 0; i < plan.spans.length; i++) {
      t = performance.now();
      const input = plan.input(i);
      const [audio] = await this.vocodeBatch([input.mel], input.frames);
      onStage?.('vocoder', (performance.now() - t) / 1000);
      if (signal?.aborted) throw abortError(signal);
      const keep = plan.keep(i);
      yield plan.chunk(i, audio!.subarray(keep.from, keep.to));
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

/**
 * The gateway's audio seam: vocoder float PCM in (any chunking, the voice's rate), wire frames out.
 * Every format leaves in 20 ms frames: Opus packets, or 20 ms of s16le / G.711 bytes.
 *
 * `flush()` marks a sentence end: the resampler's held-back tail is released and the last partial frame
 * is padded with silence (for Opus, also past the encoder's lookahead: 2.5 ms for the default CELT-only
 * encoder), so everything given so far is out. The next sentence is resampled as a fresh segment and Opus
 * continues its stream; the cost is under one frame of inserted silence per flush (Opus: under 22.5 ms).
 */
import { SpeechgateError } from '../errors.js';
import type { AudioFormat } from './format.js';
import { FrameBuffer } from './framer.js';
import { encodeG711 } from './g711.js';
import { LazyOpusEncoder } from './lazy-opus.js';
import type { OpusApplication, OpusSampleRate } from './opus.js';
import { floatToS16le } from './pcm.js';
import { createResampler, type Resampler, type ResamplerEngine, type ResamplerQuality } from './resampler.js';

export type { AudioEncoding, AudioFormat } from './format.js';
export { parseAudioFormat, formatKey } from './format.js';

export interface StreamEncoder {
  readonly format: AudioFormat;
  /** Duration of every frame: 20. */
  readonly frameMs: number;
  /** 48 kHz samples a decoder drops at stream start (Opus pre-skip, for an Ogg header); 0 otherwise. */
  readonly preSkip: number;
  /** Zero or more complete frames, in order; each a fresh array the caller may keep. */
  encode(pcm: Float32Array): Uint8Array[];
  /** The remaining frames, the last one padded with silence. Call at each sentence end and at stream end. */
  flush(): Uint8Array[];
  /** Frees the WASM resampler and encoder; idempotent. */
  destroy(): void;
}

export interface StreamEncoderOptions {
  /** Opus bitrate in bit/s; default 32000. */
  opusBitrate?: number;
  /** Default OPUS_APPLICATION. */
  opusApplication?: OpusApplication;
  /** Opus complexity 0..10; default OPUS_COMPLEXITY. */
  opusComplexity?: number;
  /**
   * The rate Opus encodes at. Default: the lowest Opus rate at or above the voice's (24 kHz for a 22.05 kHz
   * voice), capped at the format's rate. Packets decode at any rate, so an opus@48000 listener gets the same
   * audio without the upsampling to 48 kHz (the decoder always outputs 48 kHz; the voice holds nothing above
   * 11 kHz, and Opus at 24 kHz keeps up to 12 kHz).
   */
  opusCodingRate?: OpusSampleRate;
  /** Default 'polyphase' (libsamplerate for ratios it cannot table). */
  resampler?: ResamplerEngine;
  /** libsamplerate's converter when it is used; default 'fastest'. */
  resamplerQuality?: ResamplerQuality;
}

/**
 * Chosen with `npm run bench:cost` on speech from the bundled voice (README, "Per-stream CPU cost"): at
 * 32 kbit/s CELT alone is as close to the unencoded voice (mel-band distance) as the SILK+CELT hybrid at
 * complexity 10 was, at an eighth of the CPU; SILK is what made Opus the costliest stage.
 */
export const OPUS_APPLICATION: OpusApplication = 'lowdelay';
/**
 * CELT's complexity: 2 to 4 cost the same and 4 is closest to the voice; from 5 on (pitch pre-filter) the CPU
 * nearly doubles for no closer match, below 2 the match gets worse.
 */
export const OPUS_COMPLEXITY = 4;

const OPUS_RATES: readonly OpusSampleRate[] = [8000, 12000, 16000, 24000, 48000];

/** The lowest Opus rate that holds the voice's whole band, but not above what the listener asked for. */
export function opusCodingRate(voiceRate: number, formatRate: number): OpusSampleRate {
  const rate = OPUS_RATES.find((r) => r >= voiceRate) ?? 48000;
  return Math.min(rate, formatRate) as OpusSampleRate;
}

/** Every encoding leaves in frames of this many milliseconds. */
export const FRAME_MS = 20;

/** Per-encoding back end: float samples at the output rate in, frames out. */
interface FrameSink {
  readonly preSkip: number;
  encode(samples: Float32Array): Uint8Array[];
  flush(): Uint8Array[];
  destroy(): void;
}

/** Sample-based formats: fixed 20 ms frames, each converted independently to bytes. */
class SampleFrameSink implements FrameSink {
  readonly preSkip = 0;
  private readonly framer: FrameBuffer;

  constructor(
    sampleRate: number,
    private readonly toBytes: (frame: Float32Array) => Uint8Array,
  ) {
    this.framer = new FrameBuffer((sampleRate * FRAME_MS) / 1000);
  }

  encode(samples: Float32Array): Uint8Array[] {
    return this.framer.push(samples).map(this.toBytes);
  }

  flush(): Uint8Array[] {
    const last = this.framer.drainPadded();
    return last ? [this.toBytes(last)] : [];
  }

  destroy(): void {}
}

/** The rate the sink takes samples at: the format's, except for Opus (see opusCodingRate). */
function sinkRate(format: AudioFormat, inputRate: number, options: StreamEncoderOptions): number {
  if (format.encoding !== 'opus') return format.sampleRate;
  return options.opusCodingRate ?? opusCodingRate(inputRate, format.sampleRate);
}

function createSink(format: AudioFormat, rate: number, options: StreamEncoderOptions): FrameSink {
  switch (format.encoding) {
    case 'opus':
      if (format.sampleRate !== 48000 && format.sampleRate !== 24000) break;
      return new LazyOpusEncoder({
        sampleRate: rate as OpusSampleRate,
        bitrate: options.opusBitrate ?? 32000,
        application: options.opusApplication ?? OPUS_APPLICATION,
        complexity: options.opusComplexity ?? OPUS_COMPLEXITY,
      });
    case 'pcm_s16le':
      return new SampleFrameSink(format.sampleRate, floatToS16le);
    case 'mulaw':
    case 'alaw': {
      const law = format.encoding;
      return new SampleFrameSink(format.sampleRate, (frame) => encodeG711(frame, law));
    }
  }
  throw new SpeechgateError('unsupported_format', `no encoder for ${format.encoding}@${format.sampleRate}`);
}

class PipelineEncoder implements StreamEncoder {
  readonly frameMs = FRAME_MS;
  private destroyed = false;

  constructor(
    readonly format: AudioFormat,
    private readonly resampler: Resampler,
    private readonly sink: FrameSink,
  ) {}

  get preSkip(): number {
    return this.sink.preSkip;
  }

  encode(pcm: Float32Array): Uint8Array[] {
    this.live();
    return this.sink.encode(this.resampler.process(pcm));
  }

  flush(): Uint8Array[] {
    this.live();
    const frames = this.sink.encode(this.resampler.flush());
    for (const frame of this.sink.flush()) frames.push(frame);
    return frames;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.resampler.destroy();
    this.sink.destroy();
  }

  private live(): void {
    if (this.destroyed) throw new SpeechgateError('internal', 'stream encoder used after destroy()');
  }
}

/**
 * An encoder for one output stream. `format` should come from `parseAudioFormat`; `inputRate` is the
 * voice's native rate (e.g. 22050).
 */
export async function createStreamEncoder(
  format: AudioFormat,
  inputRate: number,
  options: StreamEncoderOptions = {},
): Promise<StreamEncoder> {
  // Where libsamplerate is used, its fastest sinc still filters properly (about 97 dB of stopband) at less than
  // half the CPU of 'medium'.
  const rate = sinkRate(format, inputRate, options);
  const resampler = await createResampler(inputRate, rate, {
    engine: options.resampler ?? 'polyphase',
    quality: options.resamplerQuality ?? 'fastest',
  });
  try {
    return new PipelineEncoder({ ...format }, resampler, createSink(format, rate, options));
  } catch (err) {
    resampler.destroy();
    throw err;
  }
}

/**
 * Creates and exercises `count` Opus encoders, so that the first streams after start find the resampler's
 * shared table built, the Opus WASM heap grown and its code warm instead of paying for them on their first
 * frame. (Resamplers themselves cost nothing to create: see polyphase.ts.)
 */
export async function prewarmEncoders(count: number, inputRate: number): Promise<void> {
  const encoders = await Promise.all(
    Array.from({ length: count }, () =>
      createStreamEncoder({ encoding: 'opus', sampleRate: 48000 }, inputRate),
    ),
  );
  const tone = Float32Array.from(
    { length: inputRate },
    (_, i) => 0.2 * Math.sin((2 * Math.PI * 220 * i) / inputRate),
  );
  for (const encoder of encoders) {
    encoder.encode(tone);
    encoder.flush();
    encoder.destroy();
  }
}

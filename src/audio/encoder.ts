/**
 * The gateway's audio seam: vocoder float PCM in (any chunking, the voice's rate), wire frames out.
 * Every format leaves in 20 ms frames: Opus packets, or 20 ms of s16le / G.711 bytes.
 *
 * `flush()` marks a sentence end: the resampler's held-back tail is released and the last partial frame
 * is padded with silence (for Opus, also past the encoder's 6.5 ms lookahead), so everything given so
 * far is out. The next sentence is resampled as a fresh segment and Opus continues its stream; the
 * cost is under one frame of inserted silence per flush (Opus: under 26.5 ms).
 */
import { SpeechgateError } from '../errors.js';
import type { AudioFormat } from './format.js';
import { FrameBuffer } from './framer.js';
import { encodeG711 } from './g711.js';
import { OpusEncoder, type OpusApplication } from './opus.js';
import { floatToS16le } from './pcm.js';
import { createResampler, type Resampler, type ResamplerQuality } from './resampler.js';

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
  /** Default 'audio'. */
  opusApplication?: OpusApplication;
  /** Default 'medium'. */
  resamplerQuality?: ResamplerQuality;
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

function createSink(format: AudioFormat, options: StreamEncoderOptions): FrameSink {
  switch (format.encoding) {
    case 'opus':
      if (format.sampleRate !== 48000 && format.sampleRate !== 24000) break;
      return new OpusEncoder({
        sampleRate: format.sampleRate,
        bitrate: options.opusBitrate ?? 32000,
        application: options.opusApplication ?? 'audio',
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
  // libsamplerate's fastest sinc still filters properly (about 97 dB of stopband); the voices' spectrum ends at
  // 8 kHz, and it costs less than half the CPU of 'medium', which matters at one encoder per stream.
  const resampler = await createResampler(inputRate, format.sampleRate, {
    quality: options.resamplerQuality ?? 'fastest',
  });
  try {
    return new PipelineEncoder({ ...format }, resampler, createSink(format, options));
  } catch (err) {
    resampler.destroy();
    throw err;
  }
}

/**
 * Creates and exercises `count` Opus encoders and returns their resamplers to the idle pool, so that the first
 * streams after start neither instantiate WASM modules nor run cold WASM code on the event loop (together up
 * to 100 ms for a stream's first frame, measured on the 2-core dev machine).
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

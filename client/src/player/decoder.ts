/**
 * Frame decoders for playback: Opus through WebCodecs' AudioDecoder, sample-based formats in
 * JavaScript. Each hands out float samples with their position on the context's timeline, so gaps
 * and overlaps can be reconciled downstream.
 */
import { SpeechgateError } from '../errors.js';
import type { AudioFrame } from '../frame.js';
import { FRAME_MS } from '../protocol.js';
import type { AudioFormat } from '../types.js';
import { g711ToFloat, s16leToFloat } from './pcm.js';

export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: number;
  /** Where the samples start on the context's timeline, in ms. */
  startMs: number;
}

export interface FrameDecoder {
  decode(frame: AudioFrame): void;
  /** Resolves once every frame given so far has been output. */
  flush(): Promise<void>;
  close(): void;
}

export type DecodedCallback = (audio: DecodedAudio) => void;
export type DecodeErrorCallback = (error: SpeechgateError) => void;

const opusConfig = (sampleRate: number): AudioDecoderConfig => ({
  codec: 'opus',
  sampleRate,
  numberOfChannels: 1,
});

/** True when this browser can decode Opus at `sampleRate` with WebCodecs. */
export async function canDecodeOpus(sampleRate = 48000): Promise<boolean> {
  if (typeof AudioDecoder === 'undefined') return false;
  try {
    return (await AudioDecoder.isConfigSupported(opusConfig(sampleRate))).supported === true;
  } catch {
    return false;
  }
}

/** Opus via WebCodecs; each 20 ms packet is a key chunk stamped sequence × 20 000 µs. */
class OpusFrameDecoder implements FrameDecoder {
  private readonly decoder: AudioDecoder;

  constructor(sampleRate: number, output: DecodedCallback, onError: DecodeErrorCallback) {
    this.decoder = new AudioDecoder({
      output: (data) => {
        try {
          const samples = new Float32Array(data.numberOfFrames);
          data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
          output({ samples, sampleRate: data.sampleRate, startMs: data.timestamp / 1000 });
        } finally {
          data.close();
        }
      },
      error: (e) =>
        onError(new SpeechgateError('protocol_error', `Opus decoding failed: ${e.message}`, { cause: e })),
    });
    this.decoder.configure(opusConfig(sampleRate));
  }

  decode(frame: AudioFrame): void {
    if (this.decoder.state !== 'configured') return;
    const timestamp = frame.sequence * FRAME_MS * 1000;
    this.decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp, data: frame.payload }));
  }

  async flush(): Promise<void> {
    if (this.decoder.state === 'configured') await this.decoder.flush();
  }

  close(): void {
    if (this.decoder.state !== 'closed') this.decoder.close();
  }
}

/** s16le PCM and G.711: every payload converts on its own, synchronously. */
class SampleFrameDecoder implements FrameDecoder {
  constructor(
    private readonly format: AudioFormat,
    private readonly output: DecodedCallback,
  ) {}

  decode(frame: AudioFrame): void {
    const { encoding, sampleRate } = this.format;
    const samples =
      encoding === 'pcm_s16le'
        ? s16leToFloat(frame.payload)
        : g711ToFloat(frame.payload, encoding === 'alaw' ? 'alaw' : 'mulaw');
    this.output({ samples, sampleRate, startMs: frame.startMs });
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}
}

export function createFrameDecoder(
  format: AudioFormat,
  output: DecodedCallback,
  onError: DecodeErrorCallback,
): FrameDecoder {
  if (format.encoding === 'mp3') {
    // MP3 frames do not line up with the 20 ms frames: it is for saving or for players that take a stream.
    throw new SpeechgateError('unsupported_format', 'the player does not play mp3; use opus or pcm_s16le');
  }
  if (format.encoding !== 'opus') return new SampleFrameDecoder(format, output);
  if (typeof AudioDecoder === 'undefined') {
    throw new SpeechgateError(
      'unsupported_format',
      'this browser has no WebCodecs AudioDecoder; use pcm_s16le',
    );
  }
  return new OpusFrameDecoder(format.sampleRate, output, onError);
}

/** The rate decoded audio of `format` comes out at (Chromium's Opus decoder always yields 48 kHz). */
export function outputRate(format: AudioFormat): number {
  return format.encoding === 'opus' ? 48000 : format.sampleRate;
}

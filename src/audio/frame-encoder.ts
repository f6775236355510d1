/**
 * Where a stream's audio is encoded: on this thread, or on encoder threads (see encoder-pool.ts). Both give
 * the same frames; the interface is asynchronous so that either can sit behind it.
 */
import { createStreamEncoder, prewarmEncoders, type StreamEncoder } from './encoder.js';
import type { AudioFormat } from './format.js';

/** One output stream's encoder: PCM at the voice's rate in, 20 ms wire frames out (see StreamEncoder). */
export interface FrameEncoder {
  readonly format: AudioFormat;
  /** 48 kHz samples a decoder drops at stream start (Opus pre-skip); 0 otherwise. */
  readonly preSkip: number;
  encode(pcm: Float32Array): Promise<Uint8Array[]>;
  /** The remaining frames, the last one padded: at each sentence end. */
  flush(): Promise<Uint8Array[]>;
  /** Idempotent; calls still pending are answered or rejected, never left hanging. */
  destroy(): void;
}

export interface EncoderService {
  open(format: AudioFormat, inputRate: number): Promise<FrameEncoder>;
  /** Makes `count` encoders' worth of codec memory and warm code ready, so the first streams do not pay for them. */
  prewarm(count: number, inputRate: number): Promise<void>;
  close(): Promise<void>;
}

/** A StreamEncoder behind the asynchronous interface: the work happens on this thread, in the call. */
export class LocalFrameEncoder implements FrameEncoder {
  constructor(private readonly encoder: StreamEncoder) {}

  get format(): AudioFormat {
    return this.encoder.format;
  }
  get preSkip(): number {
    return this.encoder.preSkip;
  }
  encode(pcm: Float32Array): Promise<Uint8Array[]> {
    return settle(() => this.encoder.encode(pcm));
  }
  flush(): Promise<Uint8Array[]> {
    return settle(() => this.encoder.flush());
  }
  destroy(): void {
    this.encoder.destroy();
  }
}

/** Encoding on the event loop's thread: right for small machines, where another thread buys nothing. */
export class LocalEncoders implements EncoderService {
  async open(format: AudioFormat, inputRate: number): Promise<FrameEncoder> {
    return new LocalFrameEncoder(await createStreamEncoder(format, inputRate));
  }
  prewarm(count: number, inputRate: number): Promise<void> {
    return prewarmEncoders(count, inputRate);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A throw becomes a rejection, as it would be for an encoder on another thread. */
function settle<T>(run: () => T): Promise<T> {
  return new Promise((resolve) => resolve(run()));
}

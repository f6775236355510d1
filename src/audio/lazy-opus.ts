/**
 * An Opus encoder created on a stream's first audio rather than when the stream opens: a context that is
 * started but never speaks (or not yet) holds none of libopus' ~65 KB of encoder state and costs no
 * codec set-up on the thread that opens it. The pre-skip a client needs before any audio comes from one
 * probe encoder per setting, kept for the process's life.
 */
import { OpusEncoder, type OpusEncoderOptions } from './opus.js';

const preSkips = new Map<string, number>();

function settingKey(options: OpusEncoderOptions): string {
  return JSON.stringify([options.sampleRate, options.application, options.bitrate, options.complexity]);
}

/** The encoder delay (48 kHz samples) of these settings; the first call also validates them (throws). */
export function opusPreSkip(options: OpusEncoderOptions): number {
  const key = settingKey(options);
  let preSkip = preSkips.get(key);
  if (preSkip === undefined) {
    const probe = new OpusEncoder(options);
    preSkip = probe.preSkip;
    probe.destroy();
    preSkips.set(key, preSkip);
  }
  return preSkip;
}

/** OpusEncoder's encode/flush/destroy, with the encoder made on first use. */
export class LazyOpusEncoder {
  readonly preSkip: number;
  private encoder: OpusEncoder | undefined;
  private destroyed = false;

  constructor(private readonly options: OpusEncoderOptions) {
    this.preSkip = opusPreSkip(options);
  }

  /** Whether the codec exists yet (for tests and memory accounting). */
  get created(): boolean {
    return this.encoder !== undefined;
  }

  encode(pcm: Float32Array): Uint8Array[] {
    return this.live().encode(pcm);
  }

  flush(): Uint8Array[] {
    // Nothing encoded yet, nothing to drain: no reason to create the codec now.
    if (!this.encoder && !this.destroyed) return [];
    return this.live().flush();
  }

  destroy(): void {
    this.destroyed = true;
    this.encoder?.destroy();
  }

  private live(): OpusEncoder {
    if (!this.encoder) {
      this.encoder = new OpusEncoder(this.options);
      if (this.destroyed) this.encoder.destroy(); // then encode() throws as OpusEncoder does after destroy()
    }
    return this.encoder;
  }
}

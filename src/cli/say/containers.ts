/**
 * Wrapping the gateway's 20 ms frames into a file as they arrive: Ogg pages around Opus packets, or a
 * WAV header in front of PCM / G.711 bytes. A WAV header is written first with "unknown length" sizes
 * (readers then read to the end of the file) and replaced by the real sizes at the end, where the output
 * is seekable.
 */
import type { AudioFormat } from '../../audio/format.js';
import { OggOpusWriter } from '../../audio/ogg.js';
import { wavHeader, type WavEncoding } from '../../audio/wav.js';

/**
 * The gateway's Opus encoder delay in 48 kHz samples (libopus' 6.5 ms look-ahead, application 'audio',
 * at 48 and at 24 kHz). The protocol does not carry it; the unit test checks it against the encoder.
 */
export const GATEWAY_OPUS_PRE_SKIP = 312;

export interface AudioContainer {
  /** Bytes before the first frame. */
  header(): Uint8Array;
  /** Bytes for one frame; may be empty until a page fills. `sentenceEnd` lets pages go out promptly. */
  frame(payload: Uint8Array, sentenceEnd: boolean): Uint8Array;
  /** Bytes after the last frame. */
  trailer(): Uint8Array;
  /** The header again with the final sizes, for offset 0 of a seekable output; undefined if unneeded. */
  finalHeader(): Uint8Array | undefined;
}

export class OggOpusContainer implements AudioContainer {
  private readonly writer: OggOpusWriter;

  /** `inputSampleRate`: the voice's rate, recorded in OpusHead for information only. */
  constructor(inputSampleRate: number) {
    this.writer = new OggOpusWriter({ preSkip: GATEWAY_OPUS_PRE_SKIP, inputSampleRate });
  }

  header(): Uint8Array {
    return this.writer.header();
  }

  frame(payload: Uint8Array, sentenceEnd: boolean): Uint8Array {
    const pages = this.writer.packet(payload);
    if (!sentenceEnd) return pages;
    const flushed = this.writer.flush();
    return flushed.length === 0 ? pages : Buffer.concat([pages, flushed]);
  }

  /**
   * The final page's granule counts every packet's samples: the decoded length is then the audio less
   * the pre-skip, and the part cut at the end is the silence the gateway pads past the look-ahead.
   */
  trailer(): Uint8Array {
    return this.writer.end();
  }

  finalHeader(): undefined {
    return undefined;
  }
}

export class WavContainer implements AudioContainer {
  private dataBytes = 0;

  constructor(private readonly format: AudioFormat & { encoding: WavEncoding }) {}

  header(): Uint8Array {
    return wavHeader(this.format);
  }

  frame(payload: Uint8Array): Uint8Array {
    this.dataBytes += payload.length;
    return payload;
  }

  /** RIFF chunks are word-aligned: an odd-sized data chunk gets a pad byte. */
  trailer(): Uint8Array {
    return new Uint8Array(this.dataBytes % 2);
  }

  finalHeader(): Uint8Array {
    return wavHeader({ ...this.format, dataBytes: this.dataBytes });
  }
}

export function createContainer(
  container: 'ogg' | 'wav',
  format: AudioFormat,
  voiceSampleRate: number,
): AudioContainer {
  if (container === 'ogg') return new OggOpusContainer(voiceSampleRate);
  if (format.encoding === 'opus') throw new RangeError('WAV cannot hold Opus');
  return new WavContainer({ encoding: format.encoding, sampleRate: format.sampleRate });
}

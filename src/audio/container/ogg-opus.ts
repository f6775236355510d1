/** Opus packets in Ogg pages (RFC 7845), as a stream: pages leave when full, flushed or at a sentence end. */
import { OggOpusWriter } from '../ogg.js';
import type { AudioContainer } from './types.js';

const EMPTY = new Uint8Array(0);

export class OggOpusContainer implements AudioContainer {
  private readonly writer: OggOpusWriter;

  /**
   * `inputSampleRate`: the voice's rate, recorded in OpusHead for information only; `preSkip`: the encoder's
   * delay in 48 kHz samples, which a reader drops.
   */
  constructor(inputSampleRate: number, preSkip: number) {
    this.writer = new OggOpusWriter({ preSkip, inputSampleRate });
  }

  header(): Uint8Array {
    return this.writer.header();
  }

  frame(payload: Uint8Array, sentenceEnd = false): Uint8Array {
    const pages = this.writer.packet(payload);
    if (!sentenceEnd) return pages;
    const flushed = this.writer.flush();
    if (flushed.length === 0) return pages;
    return pages.length === 0 ? flushed : concat(pages, flushed);
  }

  flush(): Uint8Array {
    return this.writer.flush();
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

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.length === 0 ? EMPTY : b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

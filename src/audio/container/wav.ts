/**
 * A WAV stream: the header first, with "unknown length" sizes (readers then read to the end), and the real
 * sizes in finalHeader() for a seekable output.
 */
import type { AudioFormat } from '../format.js';
import { wavHeader, type WavEncoding } from '../wav.js';
import type { AudioContainer } from './types.js';

const EMPTY = new Uint8Array(0);

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

  flush(): Uint8Array {
    return EMPTY;
  }

  /** RIFF chunks are word-aligned: an odd-sized data chunk gets a pad byte. */
  trailer(): Uint8Array {
    return new Uint8Array(this.dataBytes % 2);
  }

  finalHeader(): Uint8Array {
    return wavHeader({ ...this.format, dataBytes: this.dataBytes });
  }
}

/** Bare frames, nothing around them (OpenAI's `pcm`). */
export class RawContainer implements AudioContainer {
  header(): Uint8Array {
    return EMPTY;
  }
  frame(payload: Uint8Array): Uint8Array {
    return payload;
  }
  flush(): Uint8Array {
    return EMPTY;
  }
  trailer(): Uint8Array {
    return EMPTY;
  }
  finalHeader(): undefined {
    return undefined;
  }
}

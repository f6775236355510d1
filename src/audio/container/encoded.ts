/**
 * A file format made by a streaming encoder (MP3, FLAC) from the gateway's 16-bit PCM frames: each frame
 * goes through the encoder, which returns whatever whole encoded frames it completed. The encoder writes
 * its own header with its first output, so header() is empty.
 */
import { FlacStreamEncoder, type StreamEncoder } from '../codec/index.js';
import type { AudioContainer } from './types.js';

const EMPTY = new Uint8Array(0);

export class EncodedContainer implements AudioContainer {
  constructor(private readonly encoder: StreamEncoder) {}

  header(): Uint8Array {
    return EMPTY;
  }

  frame(payload: Uint8Array): Uint8Array {
    return this.encoder.push(toInt16(payload));
  }

  flush(): Uint8Array {
    return EMPTY;
  }

  trailer(): Uint8Array {
    return this.encoder.end();
  }

  /** FLAC: STREAMINFO with the length and MD5, for offset 0 of a seekable output; MP3 needs none. */
  finalHeader(): Uint8Array | undefined {
    return this.encoder instanceof FlacStreamEncoder ? this.encoder.completeHeader() : undefined;
  }
}

/** s16le bytes as samples (copied when the view is not 2-byte aligned; an odd last byte is dropped). */
function toInt16(bytes: Uint8Array): Int16Array {
  const samples = bytes.byteLength >> 1;
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, samples);
  return new Int16Array(bytes.slice(0, samples * 2).buffer);
}

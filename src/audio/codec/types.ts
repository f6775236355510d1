/**
 * A streaming audio encoder for 16-bit mono PCM: every push returns the bytes that are ready (possibly
 * none), end() the rest. Concatenated, the outputs are one complete file. Not thread-safe; one per stream.
 */
export interface StreamEncoder {
  /** e.g. 'audio/mpeg', 'audio/flac'. */
  readonly mimeType: string;
  readonly sampleRate: number;
  /** Encodes `pcm` (mono, signed 16-bit); returns the bytes completed by it. The input is not kept. */
  push(pcm: Int16Array): Uint8Array;
  /** Flushes the last, partial block; the encoder takes nothing after this. */
  end(): Uint8Array;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

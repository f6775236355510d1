/**
 * Binary audio frame layout (all integers big-endian):
 *
 *   offset 0  u8   version (1)
 *   offset 1  u8   flags: bit 0 = first frame of a sentence, bit 1 = last frame of a sentence
 *   offset 2  u32  sequence number of the frame within its context, from 0; frame n starts at n × 20 ms
 *   offset 6  u8   length L of the context id in bytes (1..64)
 *   offset 7  L    context id, UTF-8
 *   offset 7+L     payload: one 20 ms frame in the context's format (an Opus packet, s16le PCM, or G.711 bytes)
 */
export const FRAME_VERSION = 1;
export const FLAG_SENTENCE_START = 1;
export const FLAG_SENTENCE_END = 2;
export const MAX_CONTEXT_ID_BYTES = 64;

export interface AudioFrameHeader {
  contextId: string;
  sequence: number;
  flags: number;
}

/** The header for one context is the same but for seq and flags, so it is encoded once and patched. */
export function encodeContextId(contextId: string): Uint8Array {
  const bytes = new TextEncoder().encode(contextId);
  if (bytes.length < 1 || bytes.length > MAX_CONTEXT_ID_BYTES)
    throw new RangeError('context id must be 1..64 bytes');
  return bytes;
}

export function encodeAudioFrame(
  contextIdBytes: Uint8Array,
  sequence: number,
  flags: number,
  payload: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(7 + contextIdBytes.length + payload.length);
  const view = new DataView(out.buffer);
  out[0] = FRAME_VERSION;
  out[1] = flags;
  view.setUint32(2, sequence >>> 0);
  out[6] = contextIdBytes.length;
  out.set(contextIdBytes, 7);
  out.set(payload, 7 + contextIdBytes.length);
  return out;
}

export function decodeAudioFrame(frame: Uint8Array): AudioFrameHeader & { payload: Uint8Array } {
  if (frame.length < 8 || frame[0] !== FRAME_VERSION) throw new RangeError('not a speechgate.v1 audio frame');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const idLength = frame[6] ?? 0;
  if (idLength < 1 || 7 + idLength > frame.length)
    throw new RangeError('bad context id length in audio frame');
  return {
    flags: frame[1] ?? 0,
    sequence: view.getUint32(2),
    contextId: new TextDecoder().decode(frame.subarray(7, 7 + idLength)),
    payload: frame.subarray(7 + idLength),
  };
}

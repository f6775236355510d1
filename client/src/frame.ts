/**
 * Binary audio frames of speechgate.v1 (big-endian):
 *
 *   offset 0  u8   version (1)
 *   offset 1  u8   flags: bit 0 = first frame of a sentence, bit 1 = last frame of a sentence
 *   offset 2  u32  sequence number within the context, from 0; frame n starts at n × 20 ms
 *   offset 6  u8   length L of the context id in bytes (1..64)
 *   offset 7  L    context id, UTF-8
 *   offset 7+L     payload: one 20 ms frame in the context's format
 */
import { FRAME_MS } from './protocol.js';

export const FRAME_VERSION = 1;
export const FLAG_SENTENCE_START = 1;
export const FLAG_SENTENCE_END = 2;
export const MAX_CONTEXT_ID_BYTES = 64;
const HEADER_BYTES = 7;

export interface AudioFrame {
  contextId: string;
  sequence: number;
  flags: number;
  /** The frame's start on the context's audio timeline: sequence × 20 ms. */
  startMs: number;
  sentenceStart: boolean;
  sentenceEnd: boolean;
  /** One 20 ms frame: an Opus packet, s16le PCM, or G.711 bytes. A view into the received message. */
  payload: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one binary message; throws RangeError when it is not a well-formed v1 audio frame. */
export function decodeAudioFrame(data: ArrayBuffer | ArrayBufferView): AudioFrame {
  const bytes = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
  if (bytes.length < HEADER_BYTES + 1) throw new RangeError('audio frame too short');
  if (bytes[0] !== FRAME_VERSION) throw new RangeError(`unsupported audio frame version ${bytes[0]}`);
  const idLength = bytes[6]!;
  if (idLength < 1 || idLength > MAX_CONTEXT_ID_BYTES || HEADER_BYTES + idLength > bytes.length) {
    throw new RangeError('bad context id length in audio frame');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = bytes[1]!;
  const sequence = view.getUint32(2);
  return {
    contextId: utf8.decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + idLength)),
    sequence,
    flags,
    startMs: sequence * FRAME_MS,
    sentenceStart: (flags & FLAG_SENTENCE_START) !== 0,
    sentenceEnd: (flags & FLAG_SENTENCE_END) !== 0,
    payload: bytes.subarray(HEADER_BYTES + idLength),
  };
}

/** The inverse of decodeAudioFrame; the client never sends audio, but the gateway, tests and tools do. */
export function encodeAudioFrame(
  contextId: string,
  sequence: number,
  flags: number,
  payload: Uint8Array,
): Uint8Array {
  return encodeAudioFrameWithId(encodeContextId(contextId), sequence, flags, payload);
}

/** A context's header differs only in sequence and flags between frames, so its id is encoded once. */
export function encodeContextId(contextId: string): Uint8Array {
  const id = new TextEncoder().encode(contextId);
  if (id.length < 1 || id.length > MAX_CONTEXT_ID_BYTES)
    throw new RangeError('context id must be 1..64 bytes');
  return id;
}

/** encodeAudioFrame with the id already encoded by encodeContextId. */
export function encodeAudioFrameWithId(
  id: Uint8Array,
  sequence: number,
  flags: number,
  payload: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + id.length + payload.length);
  out[0] = FRAME_VERSION;
  out[1] = flags;
  new DataView(out.buffer).setUint32(2, sequence >>> 0);
  out[6] = id.length;
  out.set(id, HEADER_BYTES);
  out.set(payload, HEADER_BYTES + id.length);
  return out;
}

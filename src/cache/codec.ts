/**
 * Compact binary form of a CachedPhrase for Redis (little-endian):
 *
 *   u8  version (1)
 *   f64 durationMs
 *   u32 frameCount, then per frame: u32 byteLength, bytes
 *   u32 wordCount,  then per word:  u16 utf8 byteLength, utf8 bytes, f64 startMs, f64 endMs
 *
 * Every length is checked against the bytes that remain and the value must end exactly where the
 * last field ends, so truncated or foreign values are rejected instead of half-decoded.
 */
import type { CachedPhrase, CachedWord } from './types.js';

export const PHRASE_CODEC_VERSION = 1;

const HEADER_BYTES = 1 + 8;
const MAX_WORD_BYTES = 0xffff;

export class CorruptPhraseError extends Error {
  constructor(reason: string) {
    super(`corrupt cached phrase: ${reason}`);
    this.name = 'CorruptPhraseError';
  }
}

export function encodePhrase(phrase: CachedPhrase): Uint8Array {
  const encoder = new TextEncoder();
  const wordBytes = phrase.words.map((w) => {
    const bytes = encoder.encode(w.word);
    if (bytes.byteLength > MAX_WORD_BYTES) throw new RangeError('word too long to cache');
    return bytes;
  });
  let size = HEADER_BYTES + 4 + 4;
  for (const frame of phrase.frames) size += 4 + frame.byteLength;
  for (const bytes of wordBytes) size += 2 + bytes.byteLength + 16;

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint8(at, PHRASE_CODEC_VERSION);
  at += 1;
  view.setFloat64(at, phrase.durationMs, true);
  at += 8;
  view.setUint32(at, phrase.frames.length, true);
  at += 4;
  for (const frame of phrase.frames) {
    view.setUint32(at, frame.byteLength, true);
    at += 4;
    out.set(frame, at);
    at += frame.byteLength;
  }
  view.setUint32(at, phrase.words.length, true);
  at += 4;
  phrase.words.forEach((w, i) => {
    const bytes = wordBytes[i] as Uint8Array;
    view.setUint16(at, bytes.byteLength, true);
    at += 2;
    out.set(bytes, at);
    at += bytes.byteLength;
    view.setFloat64(at, w.startMs, true);
    view.setFloat64(at + 8, w.endMs, true);
    at += 16;
  });
  return out;
}

/** Frames are views into `data` (no copies); throws CorruptPhraseError on anything unexpected. */
export function decodePhrase(data: Uint8Array): CachedPhrase {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  const need = (n: number, what: string): void => {
    if (at + n > data.byteLength) throw new CorruptPhraseError(`truncated ${what}`);
  };

  need(HEADER_BYTES, 'header');
  const version = view.getUint8(0);
  if (version !== PHRASE_CODEC_VERSION) throw new CorruptPhraseError(`unknown version ${version}`);
  const durationMs = view.getFloat64(1, true);
  if (!Number.isFinite(durationMs) || durationMs < 0) throw new CorruptPhraseError('bad duration');
  at = HEADER_BYTES;

  need(4, 'frame count');
  const frameCount = view.getUint32(at, true);
  at += 4;
  // Each frame takes at least 4 bytes: bounds the array before allocating it.
  if (frameCount * 4 > data.byteLength - at) throw new CorruptPhraseError('frame count too large');
  const frames: Uint8Array[] = new Array<Uint8Array>(frameCount);
  for (let i = 0; i < frameCount; i++) {
    need(4, 'frame length');
    const length = view.getUint32(at, true);
    at += 4;
    need(length, 'frame');
    frames[i] = data.subarray(at, at + length);
    at += length;
  }

  need(4, 'word count');
  const wordCount = view.getUint32(at, true);
  at += 4;
  if (wordCount * 18 > data.byteLength - at) throw new CorruptPhraseError('word count too large');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const words: CachedWord[] = new Array<CachedWord>(wordCount);
  for (let i = 0; i < wordCount; i++) {
    need(2, 'word length');
    const length = view.getUint16(at, true);
    at += 2;
    need(length + 16, 'word');
    let word: string;
    try {
      word = decoder.decode(data.subarray(at, at + length));
    } catch {
      throw new CorruptPhraseError('word is not utf-8');
    }
    at += length;
    const startMs = view.getFloat64(at, true);
    const endMs = view.getFloat64(at + 8, true);
    at += 16;
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) throw new CorruptPhraseError('bad word timing');
    words[i] = { word, startMs, endMs };
  }

  if (at !== data.byteLength) throw new CorruptPhraseError('trailing bytes');
  return { frames, words, durationMs };
}

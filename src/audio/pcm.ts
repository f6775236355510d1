/**
 * Float32 (-1..1) <-> signed 16-bit PCM. Scaling is symmetric (×32767) so that +1 and -1 map to
 * ±32767 and a round trip through 16 bits is exact on the 16-bit grid; -32768 decodes to -1.
 */

const FULL_SCALE = 32767;

/** One float sample as a clipped, rounded int16 value. Non-finite input becomes silence. */
export function floatToInt16Sample(x: number): number {
  if (!Number.isFinite(x)) return 0;
  if (x >= 1) return FULL_SCALE;
  if (x <= -1) return -FULL_SCALE;
  return Math.round(x * FULL_SCALE);
}

export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = floatToInt16Sample(samples[i]!);
  return out;
}

export function int16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-1, samples[i]! / FULL_SCALE);
  return out;
}

/** Float samples as little-endian signed 16-bit bytes (the `pcm_s16le` wire format). */
export function floatToS16le(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, floatToInt16Sample(samples[i]!), true);
  return bytes;
}

/** Little-endian signed 16-bit bytes back to int16 samples (an odd trailing byte is ignored). */
export function s16leToInt16(bytes: Uint8Array): Int16Array {
  const count = bytes.length >> 1;
  const out = new Int16Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function s16leToFloat(bytes: Uint8Array): Float32Array {
  return int16ToFloat(s16leToInt16(bytes));
}

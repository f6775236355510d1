/**
 * ITU-T G.711 companding: mu-law (North America/Japan) and A-law (Europe), 8-bit codes from 16-bit
 * linear samples. Negative inputs use the one's complement (~x) before truncation, as the ITU's G.191
 * reference does, which makes the code assignment exactly symmetric around zero.
 *
 * Encoding goes through lookup tables over the 14-bit (mu-law) and 13-bit (A-law) linear inputs the
 * standard actually quantizes, built once from the segment arithmetic below.
 */
import { floatToInt16Sample } from './pcm.js';

const MU_BIAS = 33; // in 14-bit units; shifts segment edges to powers of two
const MU_MAX_BIASED = 0x1fff;

/** 14-bit magnitude (0..8191) of one sign -> mu-law code before the final bit inversion. */
function muLawCodeForMagnitude(magnitude: number): number {
  const biased = Math.min(magnitude + MU_BIAS, MU_MAX_BIASED);
  const exponent = 31 - Math.clz32(biased) - 5; // biased >= 33, so the leading one is at bit 5..12
  const mantissa = (biased >> (exponent + 1)) & 0x0f;
  return (exponent << 4) | mantissa;
}

/** 12-bit magnitude (0..4095) -> A-law code before the sign bit and the even-bit inversion. */
function aLawCodeForMagnitude(magnitude: number): number {
  if (magnitude < 32) return magnitude >> 1;
  const exponent = 31 - Math.clz32(magnitude) - 4; // 1..7
  const mantissa = (magnitude >> exponent) & 0x0f;
  return (exponent << 4) | mantissa;
}

// Index = magnitude; the sign is folded in at lookup time.
const MU_TABLE = new Uint8Array(8192);
for (let m = 0; m < MU_TABLE.length; m++) MU_TABLE[m] = muLawCodeForMagnitude(m);
const A_TABLE = new Uint8Array(4096);
for (let m = 0; m < A_TABLE.length; m++) A_TABLE[m] = aLawCodeForMagnitude(m);

/** 16-bit linear sample (-32768..32767) -> mu-law byte. */
export function linearToMuLaw(sample: number): number {
  const negative = sample < 0;
  const magnitude = (negative ? ~sample : sample) >> 2;
  const code = MU_TABLE[magnitude]! | (negative ? 0x80 : 0);
  return ~code & 0xff;
}

/** mu-law byte -> 16-bit linear sample (the segment midpoint, range ±32124). */
export function muLawToLinear(code: number): number {
  const c = ~code & 0xff;
  const exponent = (c >> 4) & 0x07;
  const mantissa = c & 0x0f;
  // ((2*mantissa + 33) << exponent) - 33 in 14-bit units, scaled by 4 to 16 bits.
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return c & 0x80 ? -magnitude | 0 : magnitude; // | 0: negative zero (0x7f) decodes to plain 0
}

/** 16-bit linear sample (-32768..32767) -> A-law byte. */
export function linearToALaw(sample: number): number {
  const negative = sample < 0;
  const magnitude = (negative ? ~sample : sample) >> 3;
  const code = A_TABLE[magnitude]! | (negative ? 0 : 0x80);
  return code ^ 0x55;
}

/** A-law byte -> 16-bit linear sample (the segment midpoint, range ±32256). */
export function aLawToLinear(code: number): number {
  const c = code ^ 0x55;
  const exponent = (c >> 4) & 0x07;
  const mantissa = c & 0x0f;
  // Midpoint in 13-bit units is 2*mantissa+1 (segment 0) or (2*mantissa+33) << (exponent-1); ×8 to 16 bits.
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return c & 0x80 ? magnitude : -magnitude;
}

export type G711Law = 'mulaw' | 'alaw';

/** Float samples (-1..1) -> one G.711 byte per sample. */
export function encodeG711(samples: Float32Array, law: G711Law): Uint8Array {
  const encodeOne = law === 'mulaw' ? linearToMuLaw : linearToALaw;
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = encodeOne(floatToInt16Sample(samples[i]!));
  return out;
}

/** G.711 bytes -> 16-bit linear samples. */
export function decodeG711(codes: Uint8Array, law: G711Law): Int16Array {
  const decodeOne = law === 'mulaw' ? muLawToLinear : aLawToLinear;
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = decodeOne(codes[i]!);
  return out;
}

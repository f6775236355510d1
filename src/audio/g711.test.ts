import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aLawToLinear, decodeG711, encodeG711, linearToALaw, linearToMuLaw, muLawToLinear } from './g711.js';
import { decibels, rms, sine } from './test-support.js';

// [16-bit input, mu-law code, A-law code]. Positive values and the A-law column agree with the
// Sun/CCITT reference code (Python's audioop); negative mu-law values follow G.191's symmetric ~x rule.
const ENCODE_CASES: [number, number, number][] = [
  [0, 0xff, 0xd5],
  [1, 0xff, 0xd5],
  [3, 0xff, 0xd5],
  [4, 0xfe, 0xd5],
  [8, 0xfe, 0xd5],
  [31, 0xfb, 0xd4],
  [32, 0xfb, 0xd7],
  [100, 0xf2, 0xd3],
  [1000, 0xce, 0xfa],
  [5000, 0xab, 0x86],
  [12345, 0x97, 0xbd],
  [32124, 0x80, 0xaa],
  [32767, 0x80, 0xaa],
  [-1, 0x7f, 0x55],
  [-4, 0x7f, 0x55],
  [-5, 0x7e, 0x55],
  [-8, 0x7e, 0x55],
  [-33, 0x7b, 0x57],
  [-100, 0x73, 0x53],
  [-1000, 0x4e, 0x7a],
  [-5000, 0x2b, 0x06],
  [-12345, 0x17, 0x3d],
  [-32124, 0x00, 0x2a],
  [-32768, 0x00, 0x2a],
];

// [code, mu-law value, A-law value]
const DECODE_CASES: [number, number, number][] = [
  [0x00, -32124, -5504],
  [0x01, -31100, -5248],
  [0x0f, -16764, -6784],
  [0x2a, -5372, -32256],
  [0x55, -716, -8],
  [0x7f, 0, -848],
  [0x80, 32124, 5504],
  [0x81, 31100, 5248],
  [0xaa, 5372, 32256],
  [0xd5, 716, 8],
  [0xf0, 120, 688],
  [0xff, 0, 848],
];

const muSegment = (code: number): number => (~code >> 4) & 0x07;
const aSegment = (code: number): number => ((code ^ 0x55) >> 4) & 0x07;

describe('G.711', () => {
  test('encodes known code points', () => {
    for (const [linear, mu, a] of ENCODE_CASES) {
      assert.equal(linearToMuLaw(linear), mu, `mu-law(${linear})`);
      assert.equal(linearToALaw(linear), a, `A-law(${linear})`);
    }
  });

  test('decodes known code points', () => {
    for (const [code, mu, a] of DECODE_CASES) {
      assert.equal(muLawToLinear(code), mu, `mu-law 0x${code.toString(16)}`);
      assert.equal(aLawToLinear(code), a, `A-law 0x${code.toString(16)}`);
    }
  });

  test('every code decodes to a value that re-encodes to the same code', () => {
    for (let code = 0; code < 256; code++) {
      // 0x7f is mu-law's "negative zero"; it decodes to 0, which encodes as the positive zero 0xff.
      assert.equal(
        linearToMuLaw(muLawToLinear(code)),
        code === 0x7f ? 0xff : code,
        `mu-law 0x${code.toString(16)}`,
      );
      assert.equal(linearToALaw(aLawToLinear(code)), code, `A-law 0x${code.toString(16)}`);
    }
  });

  test('is monotonic and symmetric over the whole 16-bit range', () => {
    let previousMu = -Infinity;
    let previousA = -Infinity;
    for (let x = -32768; x <= 32767; x++) {
      const mu = muLawToLinear(linearToMuLaw(x));
      const a = aLawToLinear(linearToALaw(x));
      assert.ok(mu >= previousMu && a >= previousA, `not monotonic at ${x}`);
      previousMu = mu;
      previousA = a;
      // ~x (= -x - 1) is the mirror image under G.191's rule.
      assert.equal(muLawToLinear(linearToMuLaw(~x)), -mu || 0);
      assert.equal(aLawToLinear(linearToALaw(~x)), -a);
    }
  });

  test('round-trip error stays within half a quantisation step', () => {
    for (let x = -32768; x <= 32767; x++) {
      const mu = linearToMuLaw(x);
      const muError = Math.abs(muLawToLinear(mu) - x);
      // Half a step of the segment, or the distance to the largest level where mu-law clips.
      assert.ok(
        muError <= Math.max(4 << muSegment(mu), Math.abs(x) - 32124),
        `mu-law error ${muError} at ${x}`,
      );
      const a = linearToALaw(x);
      const aError = Math.abs(aLawToLinear(a) - x);
      assert.ok(aError <= 8 << Math.max(0, aSegment(a) - 1), `A-law error ${aError} at ${x}`);
    }
  });

  test('codes a speech-level sine with about 38 dB SNR', () => {
    const signal = sine(1004, 8000, 8000, 0.3);
    for (const law of ['mulaw', 'alaw'] as const) {
      const codes = encodeG711(signal, law);
      assert.equal(codes.length, signal.length);
      const decoded = decodeG711(codes, law);
      const noise = signal.map((s, i) => decoded[i]! / 32767 - s);
      const snr = decibels(rms(signal) / rms(noise));
      assert.ok(snr > 35 && snr < 42, `${law} SNR ${snr.toFixed(1)} dB`);
    }
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SAMPLE_RATE,
  compareF0,
  dtw,
  fft,
  logMel,
  mcd,
  melCepstra,
  speechSpan,
  yinF0,
} from './voice-measures.js';

function tone(hz: number, seconds: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * SAMPLE_RATE) }, (_, i) => {
    const t = i / SAMPLE_RATE;
    // a few harmonics, as in a voice
    return (
      (amp *
        (Math.sin(2 * Math.PI * hz * t) +
          0.5 * Math.sin(4 * Math.PI * hz * t) +
          0.25 * Math.sin(6 * Math.PI * hz * t))) /
      1.75
    );
  });
}

test('the FFT of an impulse is flat and of a cosine is two lines', () => {
  const re = new Float64Array(8);
  const im = new Float64Array(8);
  re[0] = 1;
  fft(re, im);
  assert.deepEqual(Array.from(re), [1, 1, 1, 1, 1, 1, 1, 1]);
  const c = Float64Array.from({ length: 16 }, (_, i) => Math.cos((2 * Math.PI * 3 * i) / 16));
  const ci = new Float64Array(16);
  fft(c, ci);
  assert.ok(Math.abs(c[3]! - 8) < 1e-9 && Math.abs(c[13]! - 8) < 1e-9);
  assert.ok(Math.abs(c[4]!) < 1e-9);
});

test('log mel has one frame per 256 samples and peaks in the band of the tone', () => {
  const mel = logMel(tone(1000, 0.5));
  assert.equal(mel.length, Math.floor((0.5 * SAMPLE_RATE) / 256));
  const mid = mel[20]!;
  const peak = mid.indexOf(Math.max(...mid));
  assert.ok(peak > 20 && peak < 30, `peak band ${peak}`); // 1 kHz is near band 24 of 80 (Slaney, 0-8 kHz)
});

test('YIN finds the pitch of harmonic tones and nothing in silence', () => {
  for (const hz of [110, 220, 330]) {
    const f0 = yinF0(tone(hz, 0.4));
    const inner = Array.from(f0.slice(5, -5));
    assert.ok(
      inner.every((f) => Math.abs(f - hz) / hz < 0.01),
      `${hz}: ${inner.slice(0, 5).join(', ')}`,
    );
  }
  assert.ok(yinF0(new Float32Array(8000)).every((f) => f === 0));
});

test('identical audio has zero distortion; a time-stretched copy aligns by DTW with a small distortion', () => {
  const a = new Float32Array([...tone(200, 0.3), ...tone(300, 0.3)]);
  const slow = new Float32Array([...tone(200, 0.45), ...tone(300, 0.45)]);
  const other = new Float32Array([...tone(300, 0.3), ...tone(600, 0.3, 0.1)]);
  const ca = melCepstra(logMel(a));
  assert.equal(mcd(ca, ca, dtw(ca, ca)), 0);
  const cs = melCepstra(logMel(slow));
  const co = melCepstra(logMel(other));
  const near = mcd(ca, cs, dtw(ca, cs));
  const far = mcd(ca, co, dtw(ca, co));
  assert.ok(near < far / 3, `stretched ${near} dB, different ${far} dB`);
  const path = dtw(ca, cs);
  assert.deepEqual(path[0], [0, 0]);
  assert.deepEqual(path.at(-1), [ca.length - 1, cs.length - 1]);
});

test('F0 comparison: an octave is 1200 cents; the same contour correlates fully', () => {
  const ref = Float64Array.from([0, 100, 110, 120, 130, 0]);
  const path: [number, number][] = Array.from(ref, (_, i) => [i, i]);
  const up = compareF0(
    ref,
    ref.map((f) => f * 2),
    path,
  );
  assert.ok(Math.abs(up.rmseCents - 1200) < 1e-9);
  assert.ok(Math.abs(up.correlation - 1) < 1e-9);
  assert.equal(up.voicingError, 0);
  assert.equal(up.grossErrors, 1);
  assert.equal(
    compareF0(
      ref,
      ref.map((f) => f * 1.1),
      path,
    ).grossErrors,
    0,
  );
  const unvoiced = compareF0(ref, Float64Array.from([0, 100, 0, 120, 130, 0]), path);
  assert.equal(unvoiced.voicingError, 1 / 6);
});

test('the speech span cuts leading and trailing silence', () => {
  const audio = new Float32Array([
    ...new Float32Array(SAMPLE_RATE / 4),
    ...tone(200, 0.5),
    ...new Float32Array(SAMPLE_RATE / 4),
  ]);
  const [from, to] = speechSpan(logMel(audio));
  assert.ok(Math.abs(from - 21) <= 3 && Math.abs(to - 64) <= 3, `${from}..${to}`);
});

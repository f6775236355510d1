import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpeechgateError } from '../errors.js';
import { createResampler, type Resampler } from './resampler.js';
import {
  chunkLengths,
  concatFloat,
  decibels,
  goertzel,
  rms,
  sine,
  splitByLengths,
  zeroCrossingFrequency,
} from './test-support.js';

function runWhole(resampler: Resampler, input: Float32Array): Float32Array {
  return concatFloat([resampler.process(input), resampler.flush()]);
}

function runChunked(resampler: Resampler, input: Float32Array, maxChunk: number, seed: number): Float32Array {
  const parts = splitByLengths(input, chunkLengths(input.length, maxChunk, seed)).map((c) =>
    resampler.process(c),
  );
  parts.push(resampler.flush());
  return concatFloat(parts);
}

/** The middle of a signal, away from the filter's start and end transients. */
function steady(samples: Float32Array, rate: number): Float32Array {
  const margin = Math.round(rate * 0.05);
  return samples.subarray(margin, samples.length - margin);
}

describe('createResampler', () => {
  for (const outRate of [48000, 8000]) {
    test(`keeps a 1 kHz sine at 1 kHz going 22050 -> ${outRate}`, async () => {
      const resampler = await createResampler(22050, outRate);
      try {
        const out = runWhole(resampler, sine(1000, 22050, 22050));
        assert.equal(out.length, outRate); // 1 s in, exactly 1 s out
        const middle = steady(out, outRate);
        const frequency = zeroCrossingFrequency(middle, outRate);
        assert.ok(Math.abs(frequency - 1000) < 0.5, `measured ${frequency} Hz`);
        const tone = goertzel(middle, 1000, outRate);
        assert.ok(Math.abs(tone - 0.5) < 0.01, `1 kHz amplitude ${tone}`);
        for (const other of [500, 1500, 2000, 3000]) {
          assert.ok(decibels(tone / goertzel(middle, other, outRate)) > 60, `leak at ${other} Hz`);
        }
      } finally {
        resampler.destroy();
      }
    });
  }

  test('removes a 6 kHz tone when going to 8 kHz (anti-alias filter)', async () => {
    const resampler = await createResampler(22050, 8000);
    try {
      const input = sine(6000, 22050, 22050);
      const out = steady(runWhole(resampler, input), 8000);
      const drop = decibels(rms(steady(input, 22050)) / rms(out));
      assert.ok(drop > 30, `only ${drop.toFixed(1)} dB`);
      // 6 kHz would alias to 2 kHz: that is where leftover energy would show.
      assert.ok(goertzel(out, 2000, 8000) < 0.5 * 10 ** (-60 / 20), 'alias at 2 kHz');
    } finally {
      resampler.destroy();
    }
  });

  for (const outRate of [48000, 44100, 24000, 16000, 8000]) {
    test(`chunked == whole (22050 -> ${outRate})`, async () => {
      const input = concatFloat([sine(440, 22050, 11025, 0.4), sine(3100, 22050, 11025, 0.3)]);
      const a = await createResampler(22050, outRate);
      const b = await createResampler(22050, outRate);
      try {
        const whole = runWhole(a, input);
        const chunked = runChunked(b, input, 700, outRate);
        assert.equal(chunked.length, whole.length);
        assert.equal(whole.length, Math.round((input.length * outRate) / 22050));
        let maxDiff = 0;
        for (let i = 0; i < whole.length; i++) maxDiff = Math.max(maxDiff, Math.abs(whole[i]! - chunked[i]!));
        assert.ok(maxDiff < 1e-5, `max difference ${maxDiff}`);
      } finally {
        a.destroy();
        b.destroy();
      }
    });
  }

  test('a flush mid-stream starts a fresh segment with exact lengths', async () => {
    const resampler = await createResampler(22050, 48000);
    try {
      const first = runChunked(resampler, sine(1000, 22050, 10000), 512, 1);
      const second = runChunked(resampler, sine(1000, 22050, 22050), 512, 2);
      assert.equal(first.length, Math.round((10000 * 48000) / 22050));
      assert.equal(second.length, 48000);
      const frequency = zeroCrossingFrequency(steady(second, 48000), 48000);
      assert.ok(Math.abs(frequency - 1000) < 0.5, `second segment at ${frequency} Hz`);
      assert.equal(resampler.flush().length, 0, 'nothing new, nothing out');
    } finally {
      resampler.destroy();
    }
  });

  test('is time-aligned: an impulse comes out at its scaled position', async () => {
    const resampler = await createResampler(22050, 8000);
    try {
      const input = new Float32Array(4410);
      input[2205] = 1; // 100 ms
      const out = runWhole(resampler, input);
      let peak = 0;
      for (let i = 0; i < out.length; i++) if (Math.abs(out[i]!) > Math.abs(out[peak]!)) peak = i;
      assert.equal(peak, 800);
    } finally {
      resampler.destroy();
    }
  });

  test('replaces NaN/Infinity with silence instead of poisoning the filter', async () => {
    const resampler = await createResampler(22050, 16000);
    try {
      const bad = sine(1000, 22050, 1000);
      bad[10] = Number.NaN;
      bad[20] = Number.POSITIVE_INFINITY;
      const out = concatFloat([
        resampler.process(bad),
        resampler.process(sine(1000, 22050, 2000)),
        resampler.flush(),
      ]);
      assert.ok(out.every(Number.isFinite));
      assert.ok(Number.isNaN(bad[10]), 'the caller’s buffer is not modified');
    } finally {
      resampler.destroy();
    }
  });

  test('equal rates pass samples through as copies', async () => {
    const resampler = await createResampler(24000, 24000);
    const input = sine(1000, 24000, 480);
    const out = resampler.process(input);
    assert.deepEqual(out, input);
    assert.notEqual(out.buffer, input.buffer);
    assert.equal(resampler.flush().length, 0);
    resampler.destroy();
    resampler.destroy();
    assert.throws(() => resampler.process(input), SpeechgateError);
  });

  test('pooled converters are re-initialised for new rates after destroy()', async () => {
    const first = await createResampler(22050, 48000);
    runWhole(first, sine(1000, 22050, 5000));
    first.destroy();
    first.destroy(); // idempotent: must not return the module to the pool twice
    const [a, b] = await Promise.all([createResampler(16000, 8000), createResampler(16000, 8000)]);
    try {
      const input = sine(1000, 16000, 16000);
      const outA = runWhole(a, input);
      const outB = runChunked(b, input, 300, 9);
      assert.equal(outA.length, 8000);
      assert.deepEqual(outA, outB, 'two live converters do not share state');
      assert.ok(Math.abs(zeroCrossingFrequency(steady(outA, 8000), 8000) - 1000) < 0.5);
      assert.throws(() => first.process(input), SpeechgateError);
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  test('rejects invalid rates', async () => {
    for (const [inRate, outRate] of [
      [0, 8000],
      [22050, 8000.5],
      [22050, 400_000],
    ] as const) {
      await assert.rejects(createResampler(inRate, outRate), (err: unknown) => {
        assert.ok(err instanceof SpeechgateError);
        assert.equal(err.code, 'unsupported_format');
        return true;
      });
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PolyphaseResampler, polyphaseTable, type PolyphaseTable } from './polyphase.js';
import { createResampler } from './resampler.js';
import { chunkLengths, concatFloat, decibels, goertzel, sine, splitByLengths } from './test-support.js';

function table(from: number, to: number): PolyphaseTable {
  const found = polyphaseTable(from, to);
  assert.ok(found, `${from} -> ${to} has a table`);
  return found;
}

function whole(from: number, to: number, input: Float32Array): Float32Array {
  const resampler = new PolyphaseResampler(table(from, to));
  return concatFloat([resampler.process(input), resampler.flush()]);
}

/** Level in dB (re 0.5) of `frequency` in the middle of a signal. */
function level(samples: Float32Array, frequency: number, rate: number): number {
  const margin = Math.round(rate * 0.05);
  return decibels(goertzel(samples.subarray(margin, samples.length - margin), frequency, rate) / 0.5);
}

describe('polyphaseTable', () => {
  test('reduces the ratio, is shared, and has unity DC gain in every phase', () => {
    const t = table(22050, 48000);
    assert.equal(t.up, 320);
    assert.equal(t.down, 147);
    assert.equal(t.taps % 4, 0);
    assert.equal(t.coefficients.length, t.up * t.taps);
    assert.equal(polyphaseTable(22050, 48000), t, 'one table per rate pair');
    for (let p = 0; p < t.up; p++) {
      let sum = 0;
      for (let i = 0; i < t.taps; i++) sum += t.coefficients[p * t.taps + i]!;
      assert.ok(Math.abs(sum - 1) < 1e-6, `phase ${p} sums to ${sum}`);
    }
  });

  test('ratios with too many phases have no table and go to libsamplerate', async () => {
    assert.equal(polyphaseTable(44101, 48000), undefined);
    const resampler = await createResampler(44101, 48000);
    try {
      assert.ok(!(resampler instanceof PolyphaseResampler));
      const out = concatFloat([resampler.process(sine(1000, 44101, 44101)), resampler.flush()]);
      assert.equal(out.length, 48000);
    } finally {
      resampler.destroy();
    }
  });
});

describe('PolyphaseResampler', () => {
  test('is what createResampler returns for the gateway rate pairs', async () => {
    for (const to of [48000, 24000, 16000, 8000]) {
      const resampler = await createResampler(22050, to);
      assert.ok(resampler instanceof PolyphaseResampler, `22050 -> ${to}`);
      resampler.destroy();
    }
  });

  test('passes the voice band flat and removes the images above it (22050 -> 48000)', () => {
    for (const f of [300, 1000, 4000, 8000, 9000]) {
      const out = whole(22050, 48000, sine(f, 22050, 22050));
      assert.ok(Math.abs(level(out, f, 48000)) < 0.05, `${f} Hz at ${level(out, f, 48000)} dB`);
      assert.ok(level(out, 22050 - f, 48000) < -75, `image of ${f} Hz at ${level(out, 22050 - f, 48000)} dB`);
    }
  });

  test('keeps the telephone band and does not alias going to 8 kHz', () => {
    for (const f of [300, 1000, 3000, 3400]) {
      const out = whole(22050, 8000, sine(f, 22050, 22050));
      assert.ok(Math.abs(level(out, f, 8000)) < 0.1, `${f} Hz at ${level(out, f, 8000)} dB`);
    }
    for (const f of [4700, 6000, 9000]) {
      const out = whole(22050, 8000, sine(f, 22050, 22050));
      const alias = Math.abs(8000 * Math.round(f / 8000) - f);
      assert.ok(
        level(out, alias, 8000) < -70,
        `${f} Hz aliases to ${alias} Hz at ${level(out, alias, 8000)} dB`,
      );
    }
  });

  test('any chunking gives the very same samples, flushes give exact lengths', () => {
    const input = concatFloat([sine(440, 22050, 9000, 0.4), sine(2900, 22050, 13001, 0.3)]);
    for (const to of [48000, 24000, 8000]) {
      const reference = whole(22050, to, input);
      assert.equal(reference.length, Math.round((input.length * to) / 22050));
      const resampler = new PolyphaseResampler(table(22050, to));
      for (const max of [1, 97, 5000, 30000]) {
        const parts = splitByLengths(input, chunkLengths(input.length, max, max)).map((c) =>
          resampler.process(c),
        );
        parts.push(resampler.flush());
        assert.deepEqual(concatFloat(parts), reference, `22050 -> ${to} in chunks up to ${max}`);
      }
    }
  });

  test('strong decimation (192 kHz -> 8 kHz) fed a few samples at a time', () => {
    const input = sine(1000, 192000, 96000);
    const reference = whole(192000, 8000, input);
    assert.equal(reference.length, 4000);
    assert.ok(Math.abs(level(reference, 1000, 8000)) < 0.1);
    const resampler = new PolyphaseResampler(table(192000, 8000));
    const parts = splitByLengths(input, chunkLengths(input.length, 7, 3)).map((c) => resampler.process(c));
    parts.push(resampler.flush());
    assert.deepEqual(concatFloat(parts), reference);
  });

  test('matches libsamplerate\u2019s best converter on a gliding tone to within 45 dB SNR', async () => {
    const input = Float32Array.from({ length: 22050 }, (_, i) => {
      const f = 200 + 3000 * (i / 22050);
      return 0.4 * Math.sin((2 * Math.PI * f * i) / 22050);
    });
    const best = await createResampler(22050, 48000, { engine: 'libsamplerate', quality: 'best' });
    const expected = concatFloat([best.process(input), best.flush()]);
    best.destroy();
    const actual = whole(22050, 48000, input);
    assert.equal(actual.length, expected.length);
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < expected.length; i++) {
      signal += expected[i]! ** 2;
      noise += (expected[i]! - actual[i]!) ** 2;
    }
    const snr = 10 * Math.log10(signal / noise);
    assert.ok(snr > 45, `SNR ${snr.toFixed(1)} dB`);
  });
});

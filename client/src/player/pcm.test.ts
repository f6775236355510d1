import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alawToLinear, g711ToFloat, mulawToLinear, resampleLinear, s16leToFloat } from './pcm.js';

void test('G.711 mu-law decodes the reference points', () => {
  assert.equal(mulawToLinear(0xff), 0);
  assert.equal(mulawToLinear(0x7f), 0);
  assert.equal(mulawToLinear(0x80), 32124);
  assert.equal(mulawToLinear(0x00), -32124);
  assert.equal(mulawToLinear(0xfe), 8); // the smallest step above zero
});

void test('G.711 A-law decodes the reference points', () => {
  assert.equal(alawToLinear(0xd5), 8);
  assert.equal(alawToLinear(0x55), -8);
  assert.equal(alawToLinear(0xaa), 32256);
  assert.equal(alawToLinear(0x2a), -32256);
});

void test('both laws are odd-symmetric and monotonic over their codes', () => {
  const mu = Array.from({ length: 128 }, (_, i) => mulawToLinear(0x80 + i)); // positive half, descending codes
  for (let i = 1; i < mu.length; i++) assert.ok(mu[i]! < mu[i - 1]!);
  for (let b = 0; b < 128; b++) {
    assert.equal(mulawToLinear(b) + mulawToLinear(b | 0x80), 0);
    assert.equal(alawToLinear(b) + alawToLinear(b | 0x80), 0);
  }
  const f = g711ToFloat(Uint8Array.from([0x80, 0xff, 0xd5]), 'mulaw');
  assert.deepEqual([...f], [32124 / 32768, 0, mulawToLinear(0xd5) / 32768]);
});

void test('s16le PCM to float', () => {
  const bytes = Uint8Array.from([0x00, 0x80, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x40]);
  assert.deepEqual([...s16leToFloat(bytes)], [-1, 32767 / 32768, 0, 0.5]);
});

void test('linear resampling keeps duration and interpolates', () => {
  const up = resampleLinear(Float32Array.from([0, 1, 0, -1]), 24000, 48000);
  assert.equal(up.length, 8);
  assert.deepEqual([...up.subarray(0, 4)], [0, 0.5, 1, 0.5]);
  const same = Float32Array.from([1, 2]);
  assert.equal(resampleLinear(same, 8000, 8000), same);
});

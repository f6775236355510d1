import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SampleRing } from './ring.js';

const seq = (from: number, n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => from + i);

void test('SampleRing reads back what was pushed, across the wrap-around', () => {
  const ring = new SampleRing(16);
  const out = new Float32Array(10);
  ring.push(seq(0, 10));
  assert.equal(ring.read(out), 10);
  ring.push(seq(10, 12)); // wraps: 6 at the end of the buffer, 6 at the start
  assert.equal(ring.length, 12);
  assert.equal(ring.read(out), 10);
  assert.deepEqual([...out], [...seq(10, 10)]);
  assert.equal(ring.read(out), 2);
  assert.deepEqual([...out.subarray(0, 2)], [20, 21]);
  assert.equal(ring.length, 0);
});

void test('SampleRing grows instead of dropping, keeping order', () => {
  const ring = new SampleRing(16);
  ring.push(seq(0, 12));
  ring.read(new Float32Array(8)); // start is now mid-buffer
  ring.push(seq(12, 100));
  assert.equal(ring.length, 104);
  const out = new Float32Array(104);
  assert.equal(ring.read(out), 104);
  assert.deepEqual([...out], [...seq(8, 104)]);
});

void test('peek does not consume; clear empties', () => {
  const ring = new SampleRing(16);
  ring.push(seq(1, 3));
  const out = new Float32Array(3);
  assert.equal(ring.read(out, false), 3);
  assert.equal(ring.length, 3);
  ring.clear();
  assert.equal(ring.read(out), 0);
});

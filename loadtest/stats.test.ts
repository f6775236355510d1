import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentile, summarize } from './stats.js';

void test('percentile uses the nearest rank, so it is always an observed value', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 95), 95);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 100), 100);
  assert.equal(percentile(sorted, 0), 1);
  assert.equal(percentile([7, 9], 95), 9);
  assert.equal(percentile([], 50), null);
});

void test('summarize sorts, ignores non-finite values and reports nulls when empty', () => {
  const s = summarize([30, 10, Infinity, 20, NaN]);
  assert.deepEqual(s, { count: 3, min: 10, mean: 20, p50: 20, p95: 30, p99: 30, max: 30 });
  assert.deepEqual(summarize([]), {
    count: 0,
    min: null,
    mean: null,
    p50: null,
    p95: null,
    p99: null,
    max: null,
  });
});

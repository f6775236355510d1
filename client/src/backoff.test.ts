import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff.js';

void test('backoff grows exponentially up to the cap', () => {
  const noJitter = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, noJitter)),
    [100, 200, 400, 800, 1000, 1000],
  );
});

void test('jitter keeps each delay within [d × (1 - jitter), d]', () => {
  const o = { initialDelayMs: 1000, jitter: 0.5 };
  assert.equal(
    backoffDelay(0, o, () => 0),
    1000,
  );
  assert.equal(
    backoffDelay(0, o, () => 0.999999),
    500,
  );
  assert.equal(
    backoffDelay(1, o, () => 0.5),
    1500,
  );
});

void test("the server's retry-after is a floor", () => {
  assert.equal(backoffDelay(0, { initialDelayMs: 100, jitter: 0 }, Math.random, 3), 3000);
  assert.equal(backoffDelay(0, { initialDelayMs: 5000, jitter: 0 }, Math.random, 3), 5000);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameGaps, simulatePlayback } from './player.js';

const steady = (count: number, every: number, from = 0): number[] =>
  Array.from({ length: count }, (_, n) => from + n * every);

void test('frames arriving in real time or faster never starve the player', () => {
  assert.deepEqual(simulatePlayback(steady(50, 20), 0), { underruns: 0, starvedMs: 0 });
  assert.deepEqual(simulatePlayback(steady(50, 1), 0), { underruns: 0, starvedMs: 0 });
  assert.deepEqual(simulatePlayback([], 100), { underruns: 0, starvedMs: 0 });
});

void test('a late frame is one underrun, as long as the wait, and the timeline shifts by it', () => {
  // Frame 3 is needed at 100 + 60 = 160 but arrives at 200; the later frames keep pace after it.
  const arrivals = [0, 0, 0, 200, 220, 240];
  assert.deepEqual(simulatePlayback(arrivals, 100), { underruns: 1, starvedMs: 40 });
});

void test('the jitter buffer absorbs a delay shorter than itself', () => {
  const arrivals = [0, 20, 40, 130, 140, 160];
  assert.deepEqual(simulatePlayback(arrivals, 100), { underruns: 0, starvedMs: 0 });
  assert.deepEqual(simulatePlayback(arrivals, 0), { underruns: 1, starvedMs: 70 });
});

void test('a stream slower than real time starves on every frame', () => {
  const result = simulatePlayback(steady(11, 30), 0);
  assert.equal(result.underruns, 10);
  assert.equal(result.starvedMs, 100);
});

void test('frame gaps are the differences between consecutive arrivals', () => {
  assert.deepEqual(frameGaps([5, 5, 25, 100]), [0, 20, 75]);
  assert.deepEqual(frameGaps([5]), []);
});

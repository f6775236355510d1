import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Beam } from './beam.js';

const entries = (beam: Beam): [number, number, number][] =>
  Array.from({ length: beam.count }, (_, i) => [beam.state[i] ?? 0, beam.flags[i] ?? 0, beam.score[i] ?? 0]);

describe('beam', () => {
  test('keeps the best entries, best first after sorting', () => {
    const beam = new Beam(3, Infinity, 16);
    beam.clear();
    for (const [state, score] of [
      [1, -5],
      [2, -1],
      [3, -9],
      [4, -3],
      [5, -7],
    ] as const) {
      beam.add(state, 0, score);
    }
    beam.sort();
    assert.deepEqual(entries(beam), [
      [2, 0, -1],
      [4, 0, -3],
      [1, 0, -5],
    ]);
  });

  test('recombines equal state and flags, keeping the better score', () => {
    const beam = new Beam(4, Infinity, 16);
    beam.clear();
    assert.ok(beam.add(7, 1, -4) >= 0);
    assert.equal(beam.add(7, 1, -6), -1);
    assert.ok(beam.add(7, 1, -2) >= 0);
    assert.ok(beam.add(7, 0, -3) >= 0);
    beam.sort();
    assert.deepEqual(entries(beam), [
      [7, 1, -2],
      [7, 0, -3],
    ]);
  });

  test('refuses entries below the bar: the worst of a full beam, or best minus threshold', () => {
    const beam = new Beam(2, 5, 16);
    beam.clear();
    beam.add(1, 0, -1);
    assert.equal(beam.add(2, 0, -7), -1);
    assert.ok(beam.add(3, 0, -4) >= 0);
    assert.equal(beam.bar(), -4);
    assert.equal(beam.add(4, 0, -4), -1);
    assert.ok(beam.add(5, 0, -2) >= 0);
    beam.sort();
    assert.deepEqual(entries(beam), [
      [1, 0, -1],
      [5, 0, -2],
    ]);
  });

  test('an evicted entry can come back', () => {
    const beam = new Beam(2, Infinity, 16);
    beam.clear();
    beam.add(1, 0, -3);
    beam.add(2, 0, -2);
    beam.add(3, 0, -1);
    assert.ok(beam.add(1, 0, -0.5) >= 0);
    beam.sort();
    assert.deepEqual(entries(beam), [
      [1, 0, -0.5],
      [3, 0, -1],
    ]);
    beam.clear();
    assert.equal(beam.count, 0);
    assert.equal(beam.bar(), -Infinity);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzText, generateCase } from './text-fuzz.js';

test('2,000 seeded fuzz cases of the text front end: no throw, same segments however streamed, bounded output', () => {
  const summary = fuzzText({ cases: 2000, seed: 7 });
  assert.deepEqual(summary.failures, []);
  assert.equal(summary.cases, 2000);
  assert.ok(summary.segments > 2000, 'the cases are not all empty');
  assert.ok(summary.ids > 0);
});

test('cases replay from their seed and number', () => {
  assert.equal(generateCase(3, 17), generateCase(3, 17));
  assert.notEqual(generateCase(3, 17), generateCase(3, 18));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SequenceSet } from './dedupe.js';

void test('SequenceSet accepts each sequence once, in or out of order', () => {
  const s = new SequenceSet();
  assert.deepEqual(
    [0, 1, 1, 3, 2, 3, 0, 5, 4, 4].map((n) => s.add(n)),
    [true, true, false, true, true, false, false, true, true, false],
  );
  assert.equal(s.size, 6);
  assert.ok(s.has(5) && !s.has(6));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalWords, wordErrors } from './wer.js';

test('word errors count substitutions, deletions and insertions', () => {
  assert.equal(wordErrors(['a', 'b', 'c'], ['a', 'b', 'c']), 0);
  assert.equal(wordErrors(['a', 'b', 'c'], ['a', 'x', 'c']), 1);
  assert.equal(wordErrors(['a', 'b', 'c'], ['a', 'c']), 1);
  assert.equal(wordErrors(['a', 'b'], ['a', 'b', 'c', 'd']), 2);
  assert.equal(wordErrors([], ['a']), 1);
  assert.equal(wordErrors(['a'], []), 1);
});

test('canonical words expand contractions and join spelled letters', () => {
  assert.deepEqual(canonicalWords(["i'm", 'sorry']), ['i', 'am', 'sorry']);
  assert.deepEqual(canonicalWords(['a', 'photo', 'i', 'd', 'card']), ['a', 'photo', 'id', 'card']);
  assert.deepEqual(canonicalWords(['f', 'b', 'i']), ['fbi']);
  assert.deepEqual(canonicalWords(['i', 'want', 'a', 'book']), ['i', 'want', 'a', 'book']);
});

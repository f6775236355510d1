import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { editDistance, evaluate } from './metrics.js';

describe('metrics', () => {
  test('edit distance counts substitutions, insertions and deletions', () => {
    assert.equal(editDistance([], []), 0);
    assert.equal(editDistance(['K', 'AE1', 'T'], ['K', 'AE1', 'T']), 0);
    assert.equal(editDistance(['K', 'AE1', 'T'], ['K', 'AH0', 'T']), 1);
    assert.equal(editDistance(['K', 'AE1', 'T'], ['K', 'AE1', 'T', 'S']), 1);
    assert.equal(editDistance(['K', 'AE1', 'T'], ['AE1', 'T']), 1);
    assert.equal(editDistance(['K', 'AE1', 'T'], []), 3);
    assert.equal(editDistance([], ['S', 'T']), 2);
  });

  test('word and phoneme error rates, with and without stress', () => {
    const entries = [
      { word: 'cat', phonemes: ['K', 'AE1', 'T'] },
      { word: 'dog', phonemes: ['D', 'AO1', 'G'] },
      { word: 'sit', phonemes: ['S', 'IH1', 'T'] },
      { word: 'hello', phonemes: ['HH', 'AH0', 'L', 'OW1'] },
    ];
    const answers: Record<string, string[]> = {
      cat: ['K', 'AE1', 'T'],
      dog: ['D', 'AO2', 'G'],
      sit: ['S', 'IY1', 'T', 'S'],
      hello: ['HH', 'AH0', 'L', 'OW1'],
    };
    const result = evaluate(entries, (w) => answers[w] ?? []);
    assert.equal(result.words, 4);
    assert.equal(result.wordErrorRate, 2 / 4);
    assert.equal(result.wordErrorRateNoStress, 1 / 4);
    assert.equal(result.phonemeErrorRate, 3 / 13);
    assert.equal(result.phonemeErrorRateNoStress, 2 / 13);
  });
});

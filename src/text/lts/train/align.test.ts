import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stripStress } from '../arpabet.js';
import { dictionaryEntries } from '../corpus.js';
import { Aligner } from './align.js';

describe('letter-phoneme alignment', () => {
  // Every 20th dictionary word: enough for EM to find the regular correspondences, quick to train.
  const pairs = dictionaryEntries()
    .filter((_, i) => i % 20 === 0)
    .map((e) => ({ letters: e.word, phonemes: e.phonemes.map(stripStress) }));
  const aligner = new Aligner();
  aligner.train(pairs, 4);

  test('finds the natural alignment of regular words', () => {
    const takes = (letters: string, phonemes: string): string =>
      (aligner.align({ letters, phonemes: phonemes.split(' ') }) ?? []).join('');
    assert.equal(takes('box', 'B AA K S'), '112');
    assert.equal(takes('phone', 'F OW N'), '10110');
    assert.equal(takes('knight', 'N AY T'), '011001');
    assert.equal(takes('cute', 'K Y UW T'), '1210');
  });

  test('every alignment uses each phoneme exactly once, or there is none', () => {
    for (const pair of pairs.slice(0, 2000)) {
      const takes = aligner.align(pair);
      if (takes === undefined) {
        assert.ok(pair.phonemes.length > 2 * pair.letters.length, pair.letters);
        continue;
      }
      assert.equal(takes.length, pair.letters.length);
      assert.equal(
        takes.reduce((a, b) => a + b, 0),
        pair.phonemes.length,
      );
      assert.ok(takes.every((t) => t >= 0 && t <= 2));
    }
  });

  test('refuses pairs that cannot be aligned', () => {
    assert.equal(aligner.align({ letters: 'x', phonemes: ['EH', 'K', 'S'] }), undefined);
    assert.equal(aligner.align({ letters: 'a1', phonemes: ['AH'] }), undefined);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isArpabet } from './arpabet.js';
import { dictionaryEntries, heldOutSample, isHeldOut, wordHash } from './corpus.js';

describe('dictionary corpus', () => {
  const entries = dictionaryEntries();

  test('keeps plain words with their first pronunciation, notes stripped', () => {
    assert.ok(entries.length > 120_000);
    const byWord = new Map(entries.map((e) => [e.word, e.phonemes.join(' ')]));
    assert.equal(byWord.get('read'), 'R EH1 D');
    assert.equal(byWord.get('aalborg'), 'AO1 L B AO0 R G');
    assert.equal(byWord.has('read(1)'), false);
    assert.equal(byWord.has('a.m.'), false);
    for (const { word, phonemes } of entries) {
      assert.match(word, /^[a-z][a-z']*$/);
      for (const p of phonemes) assert.ok(isArpabet(p), `${word}: ${p}`);
    }
  });

  test('holds out a stable ~5% by hash of the word', () => {
    assert.equal(wordHash('hello'), 0x4f9f2cab);
    const heldOut = entries.filter((e) => isHeldOut(e.word)).length;
    assert.ok(Math.abs(heldOut / entries.length - 0.05) < 0.005, `${heldOut}`);
  });

  test('samples held-out words evenly and reproducibly', () => {
    const sample = heldOutSample(entries, 300);
    assert.equal(sample.length, 300);
    assert.ok(sample.every((e) => isHeldOut(e.word)));
    assert.equal(new Set(sample.map((e) => e.word)).size, 300);
    assert.deepEqual(heldOutSample(entries, 300), sample);
    assert.ok((sample[0]?.word ?? '') < 'b' && (sample.at(-1)?.word ?? '') > 'y');
  });
});

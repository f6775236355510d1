import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dictionary } from 'cmu-pronouncing-dictionary';
import { FrontEnd } from './frontend.js';

test('dictionary entries that carry a comment are read without it (found by the text fuzzer)', () => {
  const commented = Object.keys(dictionary).filter((w) => dictionary[w]!.includes('#'));
  assert.ok(commented.length > 0);
  const frontEnd = new FrontEnd();
  const p = frontEnd.phonemize('The GDP grew, and HIV rates fell.');
  const gdp = p.words.find((w) => w.text === 'gdp');
  assert.deepEqual(gdp?.phonemes, ['G', 'IY1', 'D', 'IY1', 'P', 'IY1']);
  for (const word of commented) assert.ok(frontEnd.phonemize(word).ids.length > 2, word);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SpeechgateError } from '../../errors.js';
import { fromRoot } from '../../util/paths.js';
import { isArpabet } from './arpabet.js';
import { dictionaryEntries, heldOutSample } from './corpus.js';
import { loadLetterToSound, MODEL_FILE } from './index.js';
import { parseModel } from './model-reader.js';
import { createLetterToSound } from './predictor.js';

/** Deterministic pseudo-random strings over [a-z'] (xorshift), so failures reproduce. */
function* randomWords(
  count: number,
  minLength: number,
  maxLength: number,
  seed = 0x2545f491,
): Generator<string> {
  let state = seed;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  const alphabet = "abcdefghijklmnopqrstuvwxyz'";
  for (let i = 0; i < count; i++) {
    const length = minLength + Math.floor(next() * (maxLength - minLength + 1));
    let word = '';
    for (let j = 0; j < length; j++) word += alphabet[Math.floor(next() * alphabet.length)] ?? 'a';
    yield word;
  }
}

describe('letter-to-sound runtime', () => {
  const lts = loadLetterToSound();

  test('is a cached singleton', () => {
    assert.equal(loadLetterToSound(), lts);
  });

  test('pronounces plain words the dictionary agrees on', () => {
    const expected: Record<string, string> = {
      cat: 'K AE1 T',
      dog: 'D AO1 G',
      stop: 'S T AA1 P',
      window: 'W IH1 N D OW0',
      nation: 'N EY1 SH AH0 N',
      making: 'M EY1 K IH0 NG',
      bright: 'B R AY1 T',
      thinking: 'TH IH1 NG K IH0 NG',
      phone: 'F OW1 N',
      quick: 'K W IH1 K',
    };
    for (const [word, phonemes] of Object.entries(expected))
      assert.equal(lts.predict(word).join(' '), phonemes, word);
  });

  test('pronounces made-up words the way English spelling suggests', () => {
    assert.equal(lts.predict('blorp').join(' '), 'B L AO1 R P');
    assert.equal(lts.predict('flurbing').join(' '), 'F L ER1 B IH0 NG');
    assert.equal(lts.predict('zorbing').join(' '), 'Z AO1 R B IH0 NG');
  });

  test('outputs only the 39 CMU phonemes, vowels with a stress digit, at most one primary stress', () => {
    const words = [
      ...randomWords(2000, 1, 30),
      ...heldOutSample(dictionaryEntries(), 300).map((e) => e.word),
    ];
    for (const word of words) {
      const phonemes = lts.predict(word);
      for (const p of phonemes) assert.ok(isArpabet(p), `${word}: ${p}`);
      assert.ok(phonemes.filter((p) => p.endsWith('1')).length <= 1, word);
    }
  });

  test('gives at least one phoneme for every word of 1 to 30 characters', () => {
    const words = [...randomWords(3000, 1, 30, 7), "'", "''", ...'abcdefghijklmnopqrstuvwxyz'];
    for (const word of words) assert.ok(lts.predict(word).length > 0, JSON.stringify(word));
  });

  test('never throws on inputs of 1 to 64 characters, odd ones included', () => {
    const words = [
      ...randomWords(1000, 1, 64, 99),
      'a'.repeat(64),
      "'".repeat(64),
      'x'.repeat(64),
      "a'".repeat(32),
      'qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq',
    ];
    for (const word of words) assert.doesNotThrow(() => lts.predict(word), JSON.stringify(word));
  });

  test('returns [] when there are no letters, and ignores case and other characters', () => {
    assert.deepEqual(lts.predict(''), []);
    assert.deepEqual(lts.predict('123 -'), []);
    assert.deepEqual(lts.predict('Blorp'), lts.predict('blorp'));
    assert.deepEqual(lts.predict('blo-rp'), lts.predict('blorp'));
  });

  test('is deterministic and independent of earlier calls and of the instance', () => {
    const words = [...randomWords(300, 1, 20, 5)];
    const first = words.map((w) => lts.predict(w).join(' '));
    const reversed = [...words]
      .reverse()
      .map((w) => lts.predict(w).join(' '))
      .reverse();
    assert.deepEqual(reversed, first);
    const fresh = createLetterToSound(parseModel(readFileSync(fromRoot('models', 'lts', MODEL_FILE))));
    assert.deepEqual(
      words.map((w) => fresh.predict(w).join(' ')),
      first,
    );
  });

  test('rejects a file that is not a model with a SpeechgateError', () => {
    const reject = (bytes: Uint8Array): void =>
      assert.throws(
        () => parseModel(bytes),
        (err) => err instanceof SpeechgateError && err.code === 'internal',
      );
    reject(gzipSync(Buffer.from('not a model at all')));
    const model = readFileSync(fromRoot('models', 'lts', MODEL_FILE));
    const raw = gunzipSync(model);
    reject(gzipSync(raw.subarray(0, raw.length - 1)));
    reject(gzipSync(Buffer.concat([raw, Buffer.from([0])])));
  });
});

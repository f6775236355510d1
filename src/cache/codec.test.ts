import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptPhraseError, decodePhrase, encodePhrase, PHRASE_CODEC_VERSION } from './codec.js';
import { phraseCacheKey } from './key.js';
import type { CachedPhrase } from './types.js';

function samplePhrase(seed = 1, frameCount = 5, frameBytes = 100): CachedPhrase {
  const frames = Array.from({ length: frameCount }, (_, i) =>
    Uint8Array.from({ length: frameBytes + i }, (_, j) => (seed * 31 + i * 7 + j) & 0xff),
  );
  return {
    frames,
    words: [
      { word: 'héllo', startMs: 0, endMs: 312.5 },
      { word: '世界', startMs: 312.5, endMs: 700 },
      { word: '', startMs: 700, endMs: 700 },
    ],
    durationMs: 812.25,
  };
}

void describe('phrase codec', () => {
  void test('round-trips binary frames, unicode words and fractional timings', () => {
    const phrase = samplePhrase();
    phrase.frames.push(new Uint8Array(0), Uint8Array.from([0, 255, 0, 255]));
    const decoded = decodePhrase(encodePhrase(phrase));
    assert.deepEqual(
      decoded.frames.map((f) => Array.from(f)),
      phrase.frames.map((f) => Array.from(f)),
    );
    assert.deepEqual(decoded.words, phrase.words);
    assert.equal(decoded.durationMs, phrase.durationMs);
  });

  void test('round-trips an empty phrase', () => {
    const decoded = decodePhrase(encodePhrase({ frames: [], words: [], durationMs: 0 }));
    assert.deepEqual(decoded, { frames: [], words: [], durationMs: 0 });
  });

  void test('decodes from a view with a non-zero offset', () => {
    const encoded = encodePhrase(samplePhrase(3));
    const padded = new Uint8Array(encoded.byteLength + 7);
    padded.set(encoded, 7);
    const decoded = decodePhrase(padded.subarray(7));
    assert.deepEqual(Array.from(decoded.frames[2] ?? []), Array.from(samplePhrase(3).frames[2] ?? []));
  });

  void test('starts with the version byte', () => {
    assert.equal(encodePhrase(samplePhrase())[0], PHRASE_CODEC_VERSION);
  });

  void test('rejects every truncation, a wrong version, trailing bytes and absurd counts', () => {
    const encoded = encodePhrase(samplePhrase());
    for (let length = 0; length < encoded.byteLength; length++) {
      assert.throws(() => decodePhrase(encoded.subarray(0, length)), CorruptPhraseError, `length ${length}`);
    }
    const wrongVersion = encoded.slice();
    wrongVersion[0] = 99;
    assert.throws(() => decodePhrase(wrongVersion), /unknown version/);

    const trailing = new Uint8Array(encoded.byteLength + 1);
    trailing.set(encoded);
    assert.throws(() => decodePhrase(trailing), /trailing bytes/);

    const hugeCount = encoded.slice();
    new DataView(hugeCount.buffer).setUint32(9, 0xffffffff, true);
    assert.throws(() => decodePhrase(hugeCount), /frame count too large/);

    assert.throws(() => decodePhrase(new TextEncoder().encode('not a phrase at all')), CorruptPhraseError);
  });
});

void describe('phraseCacheKey', () => {
  const base = { text: 'Hello there.', voiceId: 'en-1', modelHash: 'abc', speed: 1, format: 'opus_48000_32' };

  void test('is versioned, deterministic and does not contain the text', () => {
    const key = phraseCacheKey(base);
    assert.match(key, /^sg:v1:[A-Za-z0-9_-]{43}$/);
    assert.equal(phraseCacheKey({ ...base }), key);
    assert.ok(!key.includes('Hello'));
  });

  void test('changes with every input', () => {
    const key = phraseCacheKey(base);
    const variants = [
      { text: 'Hello there!' },
      { voiceId: 'en-2' },
      { modelHash: 'abd' },
      { speed: 1.25 },
      { format: 'pcm_16000' },
    ];
    const keys = new Set([key, ...variants.map((v) => phraseCacheKey({ ...base, ...v }))]);
    assert.equal(keys.size, variants.length + 1);
  });

  void test('is unambiguous when fields are shifted across boundaries', () => {
    const a = phraseCacheKey({ ...base, text: 'ab', voiceId: 'c' });
    const b = phraseCacheKey({ ...base, text: 'a', voiceId: 'bc' });
    assert.notEqual(a, b);
  });

  void test('ignores float noise in speed', () => {
    assert.equal(phraseCacheKey({ ...base, speed: 0.1 + 0.2 }), phraseCacheKey({ ...base, speed: 0.3 }));
  });
});

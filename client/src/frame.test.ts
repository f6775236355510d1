import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeAudioFrame, encodeAudioFrame, FLAG_SENTENCE_END, FLAG_SENTENCE_START } from './frame.js';

void describe('audio frames', () => {
  void test('decodes the v1 header byte for byte', () => {
    // version 1, flags 3, sequence 0x01020304, id "ab", payload ff ee
    const bytes = Uint8Array.from([1, 3, 1, 2, 3, 4, 2, 0x61, 0x62, 0xff, 0xee]);
    const frame = decodeAudioFrame(bytes.buffer);
    assert.equal(frame.contextId, 'ab');
    assert.equal(frame.sequence, 0x01020304);
    assert.equal(frame.startMs, 0x01020304 * 20);
    assert.equal(frame.flags, FLAG_SENTENCE_START | FLAG_SENTENCE_END);
    assert.ok(frame.sentenceStart && frame.sentenceEnd);
    assert.deepEqual([...frame.payload], [0xff, 0xee]);
  });

  void test('round-trips through encodeAudioFrame, with a UTF-8 id and a view into a larger buffer', () => {
    const encoded = encodeAudioFrame('ctx-é', 4294967295, FLAG_SENTENCE_START, Uint8Array.from([1, 2, 3]));
    const padded = new Uint8Array(encoded.length + 5);
    padded.set(encoded, 3);
    const frame = decodeAudioFrame(padded.subarray(3, 3 + encoded.length));
    assert.equal(frame.contextId, 'ctx-é');
    assert.equal(frame.sequence, 4294967295);
    assert.ok(frame.sentenceStart && !frame.sentenceEnd);
    assert.deepEqual([...frame.payload], [1, 2, 3]);
  });

  void test('rejects what is not a well-formed frame', () => {
    assert.throws(() => decodeAudioFrame(Uint8Array.from([1, 0, 0, 0, 0, 0, 1])), /too short/);
    assert.throws(() => decodeAudioFrame(Uint8Array.from([2, 0, 0, 0, 0, 0, 1, 0x61])), /version 2/);
    assert.throws(() => decodeAudioFrame(Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0x61])), /context id length/);
    assert.throws(() => decodeAudioFrame(Uint8Array.from([1, 0, 0, 0, 0, 0, 5, 0x61])), /context id length/);
    assert.throws(() => decodeAudioFrame(Uint8Array.from([1, 0, 0, 0, 0, 0, 1, 0xff, 0])), TypeError); // bad UTF-8
    assert.throws(() => encodeAudioFrame('x'.repeat(65), 0, 0, new Uint8Array(0)), RangeError);
  });
});

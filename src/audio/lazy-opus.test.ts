import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpeechgateError } from '../errors.js';
import { LazyOpusEncoder, opusPreSkip } from './lazy-opus.js';
import { OpusEncoder, type OpusEncoderOptions } from './opus.js';
import { sine } from './test-support.js';

const SETTINGS: OpusEncoderOptions = {
  sampleRate: 24000,
  application: 'lowdelay',
  complexity: 3,
  bitrate: 32000,
};

describe('LazyOpusEncoder', () => {
  test('creates no codec until the first audio, and then encodes exactly like OpusEncoder', () => {
    const lazy = new LazyOpusEncoder(SETTINGS);
    const eager = new OpusEncoder(SETTINGS);
    try {
      assert.equal(lazy.preSkip, eager.preSkip);
      assert.equal(lazy.preSkip, 120, 'CELT-only: 2.5 ms at 48 kHz');
      assert.deepEqual(lazy.flush(), [], 'a flush before any audio has nothing to drain');
      assert.equal(lazy.created, false);
      const input = sine(440, 24000, 5000, 0.4);
      const packets = [...lazy.encode(input), ...lazy.flush()];
      assert.equal(lazy.created, true);
      assert.ok(packets.length >= 10);
      assert.deepEqual(packets, [...eager.encode(input), ...eager.flush()]);
    } finally {
      lazy.destroy();
      eager.destroy();
    }
  });

  test('destroyed before any audio: never creates a codec, and later use fails cleanly', () => {
    const lazy = new LazyOpusEncoder(SETTINGS);
    lazy.destroy();
    lazy.destroy();
    assert.throws(() => lazy.encode(new Float32Array(480)), SpeechgateError);
    assert.throws(() => lazy.flush(), SpeechgateError);
  });

  test('settings are validated when the stream opens, not on its first audio', () => {
    assert.throws(() => opusPreSkip({ ...SETTINGS, bitrate: 100 }), SpeechgateError);
    assert.throws(() => new LazyOpusEncoder({ ...SETTINGS, complexity: 11 }), SpeechgateError);
    assert.equal(opusPreSkip({ ...SETTINGS, application: 'audio' }), 312);
  });
});

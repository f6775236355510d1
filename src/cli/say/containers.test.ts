import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OpusEncoder } from '../../audio/opus.js';
import { OggOpusContainer, WavContainer } from '../../audio/container/index.js';
import { createContainer, GATEWAY_OPUS_PRE_SKIP } from './containers.js';

void describe('say containers', () => {
  test('the assumed pre-skip is the gateway encoder delay at both Opus rates', () => {
    for (const sampleRate of [48000, 24000] as const) {
      const encoder = new OpusEncoder({ sampleRate });
      try {
        assert.equal(encoder.preSkip, GATEWAY_OPUS_PRE_SKIP);
      } finally {
        encoder.destroy();
      }
    }
  });

  test('createContainer picks by container', () => {
    assert.ok(
      createContainer('ogg', { encoding: 'opus', sampleRate: 48000 }, 22050) instanceof OggOpusContainer,
    );
    assert.ok(
      createContainer('wav', { encoding: 'pcm_s16le', sampleRate: 16000 }, 22050) instanceof WavContainer,
    );
    assert.throws(() => createContainer('wav', { encoding: 'opus', sampleRate: 48000 }, 22050), RangeError);
  });
});

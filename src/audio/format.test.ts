import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpeechgateError } from '../errors.js';
import { formatKey, frameBytes, parseAudioFormat, SUPPORTED_RATES } from './format.js';

function assertUnsupported(input: unknown, message?: RegExp): void {
  assert.throws(
    () => parseAudioFormat(input),
    (err: unknown) => {
      assert.ok(err instanceof SpeechgateError);
      assert.equal(err.code, 'unsupported_format');
      if (message) assert.match(err.message, message);
      return true;
    },
  );
}

describe('parseAudioFormat', () => {
  test('defaults to opus@48000', () => {
    assert.deepEqual(parseAudioFormat(undefined), { encoding: 'opus', sampleRate: 48000 });
    assert.deepEqual(parseAudioFormat(null), { encoding: 'opus', sampleRate: 48000 });
    assert.deepEqual(parseAudioFormat({}), { encoding: 'opus', sampleRate: 48000 });
  });

  test('fills in each encoding’s default rate', () => {
    assert.deepEqual(parseAudioFormat({ encoding: 'mulaw' }), { encoding: 'mulaw', sampleRate: 8000 });
    assert.deepEqual(parseAudioFormat('alaw'), { encoding: 'alaw', sampleRate: 8000 });
    assert.deepEqual(parseAudioFormat({ encoding: 'pcm_s16le' }), {
      encoding: 'pcm_s16le',
      sampleRate: 24000,
    });
  });

  test('accepts exactly the allowed combinations', () => {
    const allowed = [
      'opus@48000',
      'opus@24000',
      'pcm_s16le@8000',
      'pcm_s16le@16000',
      'pcm_s16le@22050',
      'pcm_s16le@24000',
      'pcm_s16le@48000',
      'mulaw@8000',
      'alaw@8000',
    ];
    const listed = Object.entries(SUPPORTED_RATES).flatMap(([e, rates]) => rates.map((r) => `${e}@${r}`));
    assert.deepEqual([...listed].sort(), [...allowed].sort());
    for (const key of allowed) {
      const [encoding, rate] = key.split('@');
      assert.equal(formatKey(parseAudioFormat(key)), key);
      assert.equal(formatKey(parseAudioFormat({ encoding, sampleRate: Number(rate) })), key);
    }
  });

  test('rejects other rates with the allowed list', () => {
    assertUnsupported({ encoding: 'opus', sampleRate: 16000 }, /opus supports sample rates 24000, 48000 Hz/);
    assertUnsupported({ encoding: 'mulaw', sampleRate: 16000 }, /mulaw supports sample rates 8000 Hz/);
    assertUnsupported('pcm_s16le@44100', /8000, 16000, 22050, 24000, 48000/);
    assertUnsupported({ encoding: 'pcm_s16le', sampleRate: 16000.5 });
    assertUnsupported({ encoding: 'pcm_s16le', sampleRate: '16k' }, /number/);
  });

  test('rejects unknown encodings without echoing client input', () => {
    assertUnsupported({ encoding: 'mp3' }, /use one of: opus, pcm_s16le, mulaw, alaw/);
    assertUnsupported('<script>', /^(?!.*script)/);
    assertUnsupported('opus@48000@1');
    assertUnsupported('opus@');
    assertUnsupported(42);
    assertUnsupported([]);
  });
});

describe('frameBytes', () => {
  test('gives 20 ms frame sizes of the sample formats', () => {
    assert.equal(frameBytes({ encoding: 'pcm_s16le', sampleRate: 22050 }, 20), 882);
    assert.equal(frameBytes({ encoding: 'mulaw', sampleRate: 8000 }, 20), 160);
    assert.equal(frameBytes({ encoding: 'opus', sampleRate: 48000 }, 20), undefined);
  });
});

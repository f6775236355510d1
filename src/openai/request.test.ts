import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeechgateError } from '../errors.js';
import { MAX_INPUT_CHARS, parseSpeechRequest, type VoiceCatalog } from './request.js';

const voices: VoiceCatalog = { ids: ['slt-en-us', 'other'], defaultVoice: 'slt-en-us' };
const body = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const parse = (value: unknown) => parseSpeechRequest(body(value), voices);

function refuses(value: unknown, code: string, messagePart?: RegExp): SpeechgateError {
  const raw = typeof value === 'string' ? new TextEncoder().encode(value) : body(value);
  try {
    parseSpeechRequest(raw, voices);
  } catch (err) {
    assert.ok(err instanceof SpeechgateError, String(err));
    assert.equal(err.code, code);
    if (messagePart) assert.match(err.message, messagePart);
    return err;
  }
  assert.fail(`expected ${code}`);
}

void describe('parseSpeechRequest', () => {
  void test('an OpenAI request maps onto the gateway', () => {
    assert.deepEqual(
      parse({ model: 'tts-1', input: 'Hello there.', voice: 'alloy', response_format: 'opus', speed: 1.5 }),
      {
        input: 'Hello there.',
        voice: 'slt-en-us',
        responseFormat: 'opus',
        speed: 1.5,
      },
    );
  });

  void test('defaults: default voice, wav, speed 1; model may be absent', () => {
    assert.deepEqual(parse({ input: 'Hi.' }), {
      input: 'Hi.',
      voice: 'slt-en-us',
      responseFormat: 'wav',
      speed: 1,
    });
  });

  void test('gateway voice ids are used as given; OpenAI names in any case map to the default', () => {
    assert.equal(parse({ input: 'x', voice: 'other' }).voice, 'other');
    assert.equal(parse({ input: 'x', voice: 'Nova' }).voice, 'slt-en-us');
    refuses({ input: 'x', voice: 'nobody' }, 'unknown_voice', /available: slt-en-us, other/);
  });

  void test('formats: opus, wav, pcm; mp3/aac/flac are named as unsupported', () => {
    assert.equal(parse({ input: 'x', response_format: 'PCM' }).responseFormat, 'pcm');
    assert.equal(parse({ input: 'x', response_format: 'wav' }).responseFormat, 'wav');
    for (const format of ['mp3', 'aac', 'flac']) {
      const err = refuses({ input: 'x', response_format: format }, 'unsupported_format', new RegExp(format));
      assert.equal(err.httpStatus, 400);
      assert.match(err.message, /opus, wav, pcm/);
    }
    const err = refuses({ input: 'x', response_format: '<script>' }, 'unsupported_format');
    assert.doesNotMatch(err.message, /script/);
    refuses({ input: 'x', stream_format: 'sse' }, 'unsupported_format');
    assert.equal(parse({ input: 'x', stream_format: 'audio' }).input, 'x');
  });

  void test('speed: 0.25..4 accepted and clamped to the engine, outside refused', () => {
    assert.equal(parse({ input: 'x', speed: 0.25 }).speed, 0.33);
    assert.equal(parse({ input: 'x', speed: 4 }).speed, 3);
    assert.equal(parse({ input: 'x', speed: 0.8 }).speed, 0.8);
    refuses({ input: 'x', speed: 0.2 }, 'bad_request', /between 0.25 and 4/);
    refuses({ input: 'x', speed: 4.5 }, 'bad_request');
    refuses({ input: 'x', speed: '1' }, 'bad_request');
  });

  void test('input must be non-empty text within the OpenAI limit', () => {
    refuses({ voice: 'alloy' }, 'bad_request', /input/);
    refuses({ input: '   ' }, 'bad_request', /empty/);
    refuses({ input: 42 }, 'bad_request');
    refuses({ input: 'a'.repeat(MAX_INPUT_CHARS + 1) }, 'bad_request', /4096/);
    assert.equal(parse({ input: 'a'.repeat(MAX_INPUT_CHARS) }).input.length, MAX_INPUT_CHARS);
  });

  void test('malformed bodies are refused without quoting them', () => {
    const err = refuses('{"input": "my secret text"', 'malformed_message');
    assert.doesNotMatch(err.message, /secret/);
    refuses('[1,2]', 'malformed_message');
    refuses('"text"', 'malformed_message');
    refuses({ input: 'x', model: 5 }, 'bad_request');
  });
});

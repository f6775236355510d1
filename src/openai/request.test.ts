import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeechgateError } from '../errors.js';
import { MAX_SPEED, MIN_SPEED } from '../protocol/parse.js';
import { ENGINE_SPEED_RANGE } from '../tts/engine.js';
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
        streamFormat: 'audio',
        speed: 1.5,
      },
    );
  });

  void test('defaults: default voice, mp3 (as OpenAI), speed 1; model may be absent', () => {
    assert.deepEqual(parse({ input: 'Hi.' }), {
      input: 'Hi.',
      voice: 'slt-en-us',
      responseFormat: 'mp3',
      streamFormat: 'audio',
      speed: 1,
    });
  });

  void test('aliases map OpenAI names to configured voices; instructions are accepted', () => {
    const aliased = { ...voices, aliases: new Map([['nova', 'other']]) };
    const voiceOf = (voice: string): string =>
      parseSpeechRequest(body({ input: 'x', voice, instructions: 'Be calm.' }), aliased).voice;
    assert.equal(voiceOf('NOVA'), 'other');
    assert.equal(voiceOf('alloy'), 'slt-en-us');
    refuses({ input: 'x', instructions: 3 }, 'bad_request', /instructions/);
  });

  void test('gateway voice ids are used as given; OpenAI names in any case map to the default', () => {
    assert.equal(parse({ input: 'x', voice: 'other' }).voice, 'other');
    assert.equal(parse({ input: 'x', voice: 'Nova' }).voice, 'slt-en-us');
    refuses({ input: 'x', voice: 'nobody' }, 'unknown_voice', /available: slt-en-us, other/);
  });

  void test('formats: mp3, opus, flac, wav, pcm; aac is named as unsupported', () => {
    assert.equal(parse({ input: 'x', response_format: 'PCM' }).responseFormat, 'pcm');
    for (const format of ['mp3', 'flac', 'wav', 'opus'] as const) {
      assert.equal(parse({ input: 'x', response_format: format }).responseFormat, format);
    }
    const err = refuses({ input: 'x', response_format: 'aac' }, 'unsupported_format', /aac/);
    assert.equal(err.httpStatus, 400);
    assert.match(err.message, /mp3, opus, flac, wav, pcm/);
    const unknown = refuses({ input: 'x', response_format: '<script>' }, 'unsupported_format');
    assert.doesNotMatch(unknown.message, /script/);
    assert.equal(parse({ input: 'x', stream_format: 'sse' }).streamFormat, 'sse');
    assert.equal(parse({ input: 'x', stream_format: 'audio' }).streamFormat, 'audio');
    refuses({ input: 'x', stream_format: 'chunks' }, 'unsupported_format', /stream_format/);
  });

  void test('speed: the protocol range (MIN_SPEED..MAX_SPEED), inside what the engine renders', () => {
    assert.ok(MIN_SPEED >= ENGINE_SPEED_RANGE.min && MAX_SPEED <= ENGINE_SPEED_RANGE.max);
    assert.equal(parse({ input: 'x', speed: MIN_SPEED }).speed, MIN_SPEED);
    assert.equal(parse({ input: 'x', speed: MAX_SPEED }).speed, MAX_SPEED);
    assert.equal(parse({ input: 'x', speed: 0.8 }).speed, 0.8);
    refuses({ input: 'x', speed: 0.25 }, 'bad_request', new RegExp(`between ${MIN_SPEED} and ${MAX_SPEED}`));
    refuses({ input: 'x', speed: 4 }, 'bad_request');
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

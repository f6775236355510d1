import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpeechgateError } from '../errors.js';
import { parseClientMessage, peekContextId } from './parse.js';

function rejects(data: string, code: string): SpeechgateError {
  try {
    parseClientMessage(data);
  } catch (err) {
    assert.ok(err instanceof SpeechgateError, `expected SpeechgateError, got ${String(err)}`);
    assert.equal(err.code, code, `${data}: ${err.message}`);
    return err;
  }
  assert.fail(`accepted ${data}`);
}

const json = (value: unknown): string => JSON.stringify(value);

void describe('parseClientMessage', () => {
  void test('accepts every message type in its minimal and full form', () => {
    assert.deepEqual(parseClientMessage(json({ type: 'start', context_id: 'a' })), {
      type: 'start',
      context_id: 'a',
    });
    assert.deepEqual(
      parseClientMessage(
        json({
          type: 'start',
          context_id: 'turn-1:a_b.c',
          voice: 'slt-en-us',
          format: { encoding: 'pcm_s16le', sample_rate: 16000 },
          speed: 1.25,
        }),
      ),
      {
        type: 'start',
        context_id: 'turn-1:a_b.c',
        voice: 'slt-en-us',
        format: { encoding: 'pcm_s16le', sample_rate: 16000 },
        speed: 1.25,
      },
    );
    assert.deepEqual(parseClientMessage(json({ type: 'text', context_id: 'a', text: '' })), {
      type: 'text',
      context_id: 'a',
      text: '',
    });
    for (const type of ['flush', 'end', 'cancel']) {
      assert.deepEqual(parseClientMessage(json({ type, context_id: 'x' })), { type, context_id: 'x' });
    }
  });

  void test('format: fills the default rate or encoding and returns the full spec', () => {
    const start = (format: unknown) => parseClientMessage(json({ type: 'start', context_id: 'a', format }));
    assert.deepEqual(start({ encoding: 'mulaw' }), {
      type: 'start',
      context_id: 'a',
      format: { encoding: 'mulaw', sample_rate: 8000 },
    });
    assert.deepEqual(start({ sample_rate: 24000 }), {
      type: 'start',
      context_id: 'a',
      format: { encoding: 'opus', sample_rate: 24000 },
    });
    assert.deepEqual(start({}), {
      type: 'start',
      context_id: 'a',
      format: { encoding: 'opus', sample_rate: 48000 },
    });
  });

  void test('not JSON, not an object, no type: malformed_message', () => {
    rejects('{', 'malformed_message');
    rejects('', 'malformed_message');
    rejects('[1,2]', 'malformed_message');
    rejects('"text"', 'malformed_message');
    rejects('null', 'malformed_message');
    rejects(json({ context_id: 'a' }), 'malformed_message');
    rejects(json({ type: 3, context_id: 'a' }), 'malformed_message');
  });

  void test('unknown types are refused without echoing them', () => {
    const err = rejects(json({ type: 'speak_secretly', context_id: 'a' }), 'unknown_message_type');
    assert.ok(!err.message.includes('secretly'));
    rejects(json({ type: 'START', context_id: 'a' }), 'unknown_message_type');
  });

  void test('context_id: type, length in bytes and alphabet', () => {
    rejects(json({ type: 'end' }), 'malformed_message');
    rejects(json({ type: 'end', context_id: 7 }), 'malformed_message');
    rejects(json({ type: 'end', context_id: '' }), 'bad_request');
    rejects(json({ type: 'end', context_id: 'a'.repeat(65) }), 'bad_request');
    parseClientMessage(json({ type: 'end', context_id: 'a'.repeat(64) }));
    for (const bad of ['a b', 'é', 'a/b', 'ctx\n', '日本'])
      rejects(json({ type: 'end', context_id: bad }), 'bad_request');
  });

  void test('fields: wrong types, ranges and unknown names', () => {
    rejects(json({ type: 'text', context_id: 'a' }), 'malformed_message');
    rejects(json({ type: 'text', context_id: 'a', text: 5 }), 'malformed_message');
    rejects(json({ type: 'text', context_id: 'a', text: ['x'] }), 'malformed_message');
    rejects(json({ type: 'start', context_id: 'a', voice: 1 }), 'malformed_message');
    rejects(json({ type: 'start', context_id: 'a', voice: '' }), 'bad_request');
    rejects(json({ type: 'start', context_id: 'a', speed: '1' }), 'malformed_message');
    for (const speed of [0.49, 2.01, 0, -1])
      rejects(json({ type: 'start', context_id: 'a', speed }), 'bad_request');
    // NaN and Infinity do not survive JSON; a huge number is just out of range.
    rejects('{"type":"start","context_id":"a","speed":1e400}', 'bad_request');
    parseClientMessage(json({ type: 'start', context_id: 'a', speed: 0.5 }));
    parseClientMessage(json({ type: 'start', context_id: 'a', speed: 2 }));

    const err = rejects(json({ type: 'end', context_id: 'a', text: 'hi' }), 'malformed_message');
    assert.match(err.message, /"text"/);
    const weird = rejects(json({ type: 'end', context_id: 'a', 'my secret words': 1 }), 'malformed_message');
    assert.ok(!weird.message.includes('secret'));
  });

  void test('format: shape errors and unsupported formats', () => {
    const start = (format: unknown) => json({ type: 'start', context_id: 'a', format });
    rejects(start('opus'), 'malformed_message');
    rejects(start([]), 'malformed_message');
    rejects(start({ encoding: 'opus', sampleRate: 48000 }), 'malformed_message');
    rejects(start({ encoding: 1 }), 'malformed_message');
    rejects(start({ sample_rate: '8000' }), 'malformed_message');
    rejects(start({ encoding: 'aac' }), 'unsupported_format');
    rejects(start({ encoding: 'mp3', sample_rate: 8000 }), 'unsupported_format');
    const mp3 = parseClientMessage(start({ encoding: 'mp3' }));
    assert.deepEqual(mp3.type === 'start' && mp3.format, { encoding: 'mp3', sample_rate: 24000 });
    rejects(start({ encoding: 'mulaw', sample_rate: 16000 }), 'unsupported_format');
    rejects(start({ encoding: 'pcm_s16le', sample_rate: 16000.5 }), 'unsupported_format');
  });

  void test('errors never contain the text', () => {
    const secret = 'my bank PIN is 1234';
    for (const data of [
      json({ type: 'text', context_id: 'a b', text: secret }),
      json({ type: 'text', context_id: 'a', text: secret, extra: true }),
      `{"type":"text","context_id":"a","text":"${secret}"`,
    ]) {
      try {
        parseClientMessage(data);
        assert.fail('accepted');
      } catch (err) {
        assert.ok(err instanceof SpeechgateError);
        assert.ok(!err.message.includes('PIN'), err.message);
      }
    }
  });

  void test('peekContextId finds a valid id, or nothing', () => {
    assert.equal(peekContextId(json({ type: 'nope', context_id: 'c1' })), 'c1');
    assert.equal(peekContextId(json({ type: 'nope', context_id: 'c 1' })), undefined);
    assert.equal(peekContextId('{'), undefined);
    assert.equal(peekContextId('[]'), undefined);
  });
});

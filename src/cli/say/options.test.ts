import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_URL, parseSayArgs, UsageError, type SayOptions } from './options.js';

function parse(argv: string[], env: NodeJS.ProcessEnv = {}): SayOptions {
  const options = parseSayArgs(argv, env);
  assert.notEqual(options, 'help');
  return options as SayOptions;
}

void describe('say options', () => {
  test('the container and format follow the output extension', () => {
    assert.deepEqual(parse(['hi', '-o', 'a.ogg']).format, { encoding: 'opus', sampleRate: 48000 });
    assert.equal(parse(['hi', '-o', 'A.OPUS']).container, 'ogg');
    const wav = parse(['hi', '-o', 'a.wav']);
    assert.equal(wav.container, 'wav');
    assert.deepEqual(wav.format, { encoding: 'pcm_s16le', sampleRate: 24000 });
    assert.deepEqual(parse(['hi', '-o', 'a.wav', '--rate', '16000']).format, {
      encoding: 'pcm_s16le',
      sampleRate: 16000,
    });
    assert.deepEqual(parse(['hi', '-o', 'a.wav', '--encoding', 'alaw']).format, {
      encoding: 'alaw',
      sampleRate: 8000,
    });
  });

  test('stdout is Ogg unless --format says otherwise; --format overrides the extension', () => {
    assert.equal(parse(['hi', '-o', '-']).container, 'ogg');
    assert.equal(parse(['hi', '-o', '-', '--format', 'wav']).container, 'wav');
    assert.equal(parse(['hi', '-o', 'speech.bin', '--format', 'ogg']).container, 'ogg');
  });

  test('text comes from the arguments, joined, or from stdin when there are none', () => {
    assert.equal(parse(['Hello', 'there.', '-o', 'a.ogg']).text, 'Hello there.');
    assert.equal(parse(['-o', 'a.ogg']).text, undefined);
  });

  test('url and token default to the environment, then to the local gateway', () => {
    const fromEnv = parse(['hi', '-o', 'a.ogg'], {
      SPEECHGATE_URL: 'wss://tts.example.com/v1/stream',
      SPEECHGATE_TOKEN: 'abc',
    });
    assert.equal(fromEnv.url, 'wss://tts.example.com/v1/stream');
    assert.equal(fromEnv.token, 'abc');
    const flags = parse(['hi', '-o', 'a.ogg', '--url', 'ws://h:1/v1/stream', '--token', 'x'], {
      SPEECHGATE_TOKEN: 'abc',
    });
    assert.equal(flags.url, 'ws://h:1/v1/stream');
    assert.equal(flags.token, 'x');
    const none = parse(['hi', '-o', 'a.ogg']);
    assert.equal(none.url, DEFAULT_URL);
    assert.equal(none.token, undefined);
  });

  test('speed, voice, quiet and json pass through', () => {
    const o = parse(['hi', '-o', 'a.ogg', '--speed', '1.5', '--voice', 'v1', '-q', '--json']);
    assert.equal(o.speed, 1.5);
    assert.equal(o.voice, 'v1');
    assert.equal(o.quiet, true);
    assert.equal(o.json, true);
  });

  test('--help', () => {
    assert.equal(parseSayArgs(['--help'], {}), 'help');
    assert.equal(parseSayArgs(['-h', '-o', 'x.mp3'], {}), 'help');
  });

  for (const [argv, pattern] of [
    [['hi'], /-o FILE is required/],
    [['hi', '-o', 'a.mp3'], /cannot tell the format/],
    [['hi', '-o', 'a.ogg', '--format', 'mp3'], /--format must be ogg or wav/],
    [
      ['hi', '-o', 'a.wav', '--rate', '44100'],
      /--rate for pcm_s16le must be one of 8000, 16000, 22050, 24000, 48000/,
    ],
    [['hi', '-o', 'a.wav', '--encoding', 'mulaw', '--rate', '16000'], /--rate for mulaw must be one of 8000/],
    [['hi', '-o', 'a.wav', '--encoding', 'opus'], /--encoding must be pcm_s16le, mulaw or alaw/],
    [['hi', '-o', 'a.ogg', '--encoding', 'mulaw'], /--encoding applies to WAV/],
    [['hi', '-o', 'a.ogg', '--rate', '8000'], /--rate for opus must be one of 24000, 48000/],
    [['hi', '-o', 'a.ogg', '--speed', '3'], /--speed must be a number from 0.5 to 2/],
    [['hi', '-o', 'a.ogg', '--speed', 'fast'], /--speed/],
    [['hi', '-o', 'a.ogg', '--url', 'http://h/v1/stream'], /--url must start with ws:\/\/ or wss:\/\//],
    [['hi', '-o', 'a.ogg', '--url', 'not a url'], /--url is not a valid URL/],
    [['  ', '-o', 'a.ogg'], /the text is empty/],
    [['hi', '-o', 'a.ogg', '--bogus'], /bogus/],
  ] as const) {
    test(`usage error: ${argv.join(' ')}`, () => {
      assert.throws(
        () => parseSayArgs([...argv], {}),
        (err: unknown) => {
          assert.ok(err instanceof UsageError);
          assert.match(err.message, pattern);
          return true;
        },
      );
    });
  }
});

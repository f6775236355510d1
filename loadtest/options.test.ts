import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_PARAGRAPHS,
  MAX_PARAGRAPHS,
  metricsUrl,
  parseBenchArgs,
  streamUrl,
  UsageError,
} from './options.js';

void test('defaults: levels 1,4,8,16, both modes, opus, own gateway on cpu without cache', () => {
  const o = parseBenchArgs([]);
  assert.deepEqual(o.streams, [1, 4, 8, 16]);
  assert.deepEqual(o.modes, ['whole', 'tokens']);
  assert.equal(o.paragraphs, DEFAULT_PARAGRAPHS);
  assert.equal(o.durationS, undefined);
  assert.equal(o.format, 'opus');
  assert.equal(o.device, 'cpu');
  assert.equal(o.cache, false);
  assert.equal(o.url, undefined);
  assert.equal(o.jitterBufferMs, 100);
  assert.deepEqual(o.pace, { minRate: 30, maxRate: 50, jitter: 0.5 });
});

void test('a short run and a duration-bounded run', () => {
  const o = parseBenchArgs([
    '--streams',
    '1, 2',
    '--paragraphs',
    '1',
    '--mode',
    'tokens',
    '--format',
    'mulaw',
  ]);
  assert.deepEqual(o.streams, [1, 2]);
  assert.deepEqual(o.modes, ['tokens']);
  assert.equal(o.paragraphs, 1);
  assert.equal(o.format, 'mulaw');
  const timed = parseBenchArgs(['--duration', '30', '--token-rate', '40', '--threads', '2', '--cache']);
  assert.equal(timed.durationS, 30);
  assert.equal(timed.paragraphs, MAX_PARAGRAPHS);
  assert.deepEqual(timed.pace, { minRate: 40, maxRate: 40, jitter: 0.5 });
  assert.equal(timed.threads, 2);
  assert.equal(timed.cache, true);
});

void test('bad values are usage errors', () => {
  for (const argv of [
    ['--streams', '0'],
    ['--streams', '1,x'],
    ['--mode', 'fast'],
    ['--format', 'mp3'],
    ['--token-rate', '50-30'],
    ['--token-jitter', '1'],
    ['--duration', '0'],
    ['--paragraphs', '1.5'],
    ['--unknown'],
    ['--url', 'ws://127.0.0.1:1/v1/stream'],
    ['--token', 'abc'],
  ]) {
    assert.throws(() => parseBenchArgs(argv), UsageError, argv.join(' '));
  }
});

void test('--url takes the token from the option or SPEECHGATE_TOKEN, and the gateway main from the env', () => {
  const o = parseBenchArgs(['--url', 'http://127.0.0.1:8080'], {
    SPEECHGATE_TOKEN: 'tok',
    SPEECHGATE_GATEWAY_MAIN: '/x/main.js',
  });
  assert.equal(o.url, 'ws://127.0.0.1:8080/v1/stream');
  assert.equal(o.token, 'tok');
  assert.equal(o.gatewayMain, '/x/main.js');
  assert.equal(
    parseBenchArgs(['--url', 'ws://h/v1/stream', '--token', 't2', '--server-pid', '42']).serverPid,
    42,
  );
});

void test('stream and metrics URLs', () => {
  assert.equal(streamUrl('https://example.test/?token=x'), 'wss://example.test/v1/stream');
  assert.equal(streamUrl('ws://127.0.0.1:9000/v1/stream'), 'ws://127.0.0.1:9000/v1/stream');
  assert.throws(() => streamUrl('ftp://h/'), UsageError);
  assert.equal(metricsUrl('wss://example.test/v1/stream'), 'https://example.test/metrics');
  assert.equal(metricsUrl('ws://127.0.0.1:9000/v1/stream'), 'http://127.0.0.1:9000/metrics');
});

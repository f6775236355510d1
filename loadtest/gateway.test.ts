import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayEnv } from './gateway.js';

void test('the own gateway gets loopback, the secret, no cache and limits that never refuse the load', () => {
  const env = gatewayEnv(4567, 's'.repeat(64), { device: 'cpu', threads: 2, cache: false });
  assert.equal(env.HOST, '127.0.0.1');
  assert.equal(env.PORT, '4567');
  assert.equal(env.NODE_ENV, 'development');
  assert.equal(env.SPEECHGATE_JWT_SECRET, 's'.repeat(64));
  assert.equal(env.SPEECHGATE_CACHE_MAX_BYTES, '0');
  assert.equal(env.SPEECHGATE_DEVICE, 'cpu');
  assert.equal(env.SPEECHGATE_THREADS, '2');
  assert.ok(Number(env.SPEECHGATE_CHARS_PER_MINUTE) >= 1e9);
  assert.ok(Number(env.SPEECHGATE_MAX_CONNECTIONS_PER_TENANT) >= 1000);
  assert.equal(env.REDIS_URL, undefined);
});

void test('--cache leaves the cache at its configured size, and no --threads leaves the default', () => {
  const env = gatewayEnv(1, 'x'.repeat(32), { device: 'webgpu', threads: undefined, cache: true });
  assert.equal(env.SPEECHGATE_CACHE_MAX_BYTES, process.env.SPEECHGATE_CACHE_MAX_BYTES);
  assert.equal(env.SPEECHGATE_THREADS, process.env.SPEECHGATE_THREADS);
  assert.equal(env.SPEECHGATE_DEVICE, 'webgpu');
});

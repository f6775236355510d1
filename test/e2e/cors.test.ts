/**
 * CORS on the HTTP API (SPEECHGATE_CORS_ORIGINS): preflights answered with the methods and headers a
 * bearer-token call needs, the allow headers on audio, JSON and error answers alike, unlisted origins
 * refused, and nothing at all when CORS is off (the production default).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { loadE2EVoices, type E2EVoices } from '../helpers/e2e-voices.js';
import { signToken, startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const APP = 'https://app.example.com';

void describe('e2e: CORS', () => {
  let voices: E2EVoices;
  let listed: TestGateway;
  let any: TestGateway;
  let off: TestGateway;
  let token: string;

  const preflight = (gw: TestGateway, origin: string): Promise<Response> =>
    fetch(`${gw.httpUrl}/v1/audio/speech`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
    });
  const speech = (gw: TestGateway, origin: string, auth = token): Promise<Response> =>
    fetch(`${gw.httpUrl}/v1/audio/speech`, {
      method: 'POST',
      headers: { Origin: origin, Authorization: `Bearer ${auth}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ input: 'Hi.', response_format: 'pcm' }),
    });

  before(async () => {
    voices = await loadE2EVoices();
    token = await signToken({ scope: 'tts:speech' });
    listed = await startTestGateway(voices.registry, {
      env: { SPEECHGATE_CORS_ORIGINS: `${APP}, http://localhost:3000` },
      warmUp: false,
    });
    any = await startTestGateway(voices.registry, { warmUp: false });
    off = await startTestGateway(voices.registry, { env: { SPEECHGATE_CORS_ORIGINS: 'off' }, warmUp: false });
  });

  after(async () => {
    await Promise.all([listed?.close(), any?.close(), off?.close()]);
  });

  void test('a listed origin: preflight 204 with methods and headers, then allowed answers', async () => {
    const pre = await preflight(listed, APP);
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), APP);
    assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(pre.headers.get('access-control-allow-methods') ?? '', /GET/);
    const allowed = (pre.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    assert.match(allowed, /authorization/);
    assert.match(allowed, /content-type/);
    assert.equal(pre.headers.get('vary'), 'Origin');

    const ok = await speech(listed, APP);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), APP);
    await ok.arrayBuffer();

    const refused = await speech(listed, APP, 'not-a-token');
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), APP, 'errors are readable too');
    await refused.arrayBuffer();

    for (const path of ['/v1/models', '/v1/voices']) {
      const res = await fetch(`${listed.httpUrl}${path}`, { headers: { Origin: APP } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), APP, path);
      await res.arrayBuffer();
    }
  });

  void test('an unlisted origin: preflight refused, no allow header on answers', async () => {
    const pre = await preflight(listed, 'https://evil.example.com');
    assert.equal(pre.status, 403);
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    await pre.arrayBuffer();
    const res = await speech(listed, 'https://evil.example.com');
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    await res.arrayBuffer();
  });

  void test('"*" outside production: any origin; "off": no CORS headers at all', async () => {
    const pre = await preflight(any, 'http://anything.test');
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    const res = await speech(any, 'http://anything.test');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    await res.arrayBuffer();

    const none = await preflight(off, APP);
    assert.equal(none.status, 403);
    assert.equal(none.headers.get('access-control-allow-origin'), null);
    await none.arrayBuffer();
    const plain = await speech(off, APP);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('access-control-allow-origin'), null);
    await plain.arrayBuffer();
  });

  void test('defaults and validation of the variable', () => {
    const base = { SPEECHGATE_JWT_SECRET: 'x'.repeat(32) };
    assert.equal(loadConfig({ ...base, NODE_ENV: 'development' }).http.corsOrigins, '*');
    assert.equal(loadConfig({ ...base, NODE_ENV: 'production' }).http.corsOrigins, undefined);
    assert.deepEqual(
      loadConfig({ ...base, NODE_ENV: 'production', SPEECHGATE_CORS_ORIGINS: APP }).http.corsOrigins,
      [APP],
    );
    assert.throws(
      () => loadConfig({ ...base, SPEECHGATE_CORS_ORIGINS: 'app.example.com/path' }),
      /SPEECHGATE_CORS_ORIGINS/,
    );
    assert.throws(
      () => loadConfig({ ...base, SPEECHGATE_VOICE_ALIASES: 'alloy' }),
      /SPEECHGATE_VOICE_ALIASES/,
    );
  });
});

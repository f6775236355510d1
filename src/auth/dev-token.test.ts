import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { loadConfig } from '../config/load.js';
import { signDevToken } from './dev-token.js';
import { createTokenVerifier } from './verifier.js';

void test('the dev token verifies in dev mode with both scopes', async () => {
  const { auth } = loadConfig({ NODE_ENV: 'development' });
  assert.equal(auth.mode, 'dev');
  if (auth.mode !== 'dev') return;
  const token = await signDevToken(auth.secret, { ttlSeconds: auth.devTokenTtlSeconds });
  assert.equal(decodeProtectedHeader(token).alg, 'HS256');
  const claims = decodeJwt(token);
  assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 86_400);

  const verifier = createTokenVerifier(auth);
  for (const scope of ['tts:stream', 'tts:speech']) {
    const principal = await verifier.verify(token, scope);
    assert.equal(principal.tenant, 'dev');
    assert.equal(principal.subject, 'dev');
  }
});

void test('the dev token honours tenant, audience and issuer', async () => {
  const env = { NODE_ENV: 'test', SPEECHGATE_JWT_AUDIENCE: 'sg', SPEECHGATE_JWT_ISSUER: 'me' };
  const { auth } = loadConfig(env);
  if (auth.mode !== 'dev') return assert.fail('expected dev mode');
  const verifier = createTokenVerifier(auth);
  const token = await signDevToken(auth.secret, {
    tenant: 'demo',
    ttlSeconds: 60,
    audience: 'sg',
    issuer: 'me',
  });
  assert.equal((await verifier.verify(token, 'tts:stream')).tenant, 'demo');
  const bare = await signDevToken(auth.secret, { ttlSeconds: 60, issuer: 'me' });
  await assert.rejects(verifier.verify(bare, 'tts:stream'), { reason: 'wrong_audience' });
});

void test('a dev token from another process (another secret) is refused', async () => {
  const a = loadConfig({}).auth;
  const b = loadConfig({}).auth;
  if (a.mode !== 'dev' || b.mode !== 'dev') return assert.fail('expected dev mode');
  const token = await signDevToken(a.secret, { ttlSeconds: 60 });
  await assert.rejects(createTokenVerifier(b).verify(token, 'tts'), { reason: 'bad_signature' });
});

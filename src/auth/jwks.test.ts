import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { loadConfig } from '../config/load.js';
import { AuthError, type AuthFailureReason } from './errors.js';
import { createTokenVerifier, type TokenVerifier } from './verifier.js';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function makeKey(kid: string, alg: 'ES256' | 'RS256' | 'EdDSA'): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function sign(key: SigningKey, withKid = true): Promise<string> {
  return new SignJWT({ scope: 'tts:stream', tenant: 'jwks-tenant' })
    .setProtectedHeader(withKid ? { alg: key.alg, kid: key.kid } : { alg: key.alg })
    .setSubject('svc')
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

/** A real JWKS endpoint on loopback whose key list and status the tests change. */
class JwksServer {
  keys: JWK[] = [];
  status = 200;
  requests = 0;
  private readonly server: Server = createServer((_req, res) => {
    this.requests++;
    res.writeHead(this.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: this.keys }));
  });

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }
}

function jwksVerifier(url: string, extra: Record<string, string> = {}): TokenVerifier {
  const env = { NODE_ENV: 'test', SPEECHGATE_JWKS_URL: url, SPEECHGATE_JWKS_COOLDOWN_S: '0', ...extra };
  return createTokenVerifier(loadConfig(env).auth);
}

async function reasonOf(promise: Promise<unknown>): Promise<AuthFailureReason> {
  const err = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`);
  return err.reason;
}

void describe('JWKS', () => {
  const jwks = new JwksServer();
  let url = '';
  let k1: SigningKey;
  let k2: SigningKey;
  let k3: SigningKey;

  before(async () => {
    url = await jwks.start();
    [k1, k2, k3] = await Promise.all([
      makeKey('k1', 'ES256'),
      makeKey('k2', 'RS256'),
      makeKey('k3', 'ES256'),
    ]);
  });
  after(() => jwks.stop());

  void test('accepts a key from the set and picks up a rotated key after refetch', async () => {
    jwks.keys = [k1.jwk];
    const verifier = jwksVerifier(url);
    try {
      assert.equal((await verifier.verify(await sign(k1), 'tts:stream')).tenant, 'jwks-tenant');
      const fetchesBefore = jwks.requests;
      assert.equal(await reasonOf(verifier.verify(await sign(k2), 'tts:stream')), 'bad_signature');

      jwks.keys = [k1.jwk, k2.jwk];
      assert.equal((await verifier.verify(await sign(k2), 'tts:stream')).subject, 'svc');
      assert.ok(jwks.requests > fetchesBefore, 'the unknown kid caused a refetch');
      // The cached set still serves the old key without another fetch being required.
      assert.ok(await verifier.verify(await sign(k1), 'tts:stream'));
    } finally {
      verifier.close?.();
    }
  });

  void test('a token without kid is tried against every matching key', async () => {
    jwks.keys = [k1.jwk, k3.jwk];
    const verifier = jwksVerifier(url);
    try {
      assert.ok(await verifier.verify(await sign(k3, false), 'tts:stream'));
      const stranger = await makeKey('k9', 'ES256');
      assert.equal(
        await reasonOf(verifier.verify(await sign(stranger, false), 'tts:stream')),
        'bad_signature',
      );
    } finally {
      verifier.close?.();
    }
  });

  void test('HMAC tokens are never accepted from a key set', async () => {
    jwks.keys = [k1.jwk, { kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url'), kid: 'hs' }];
    const verifier = jwksVerifier(url);
    try {
      const token = await new SignJWT({ scope: 'tts', sub: 'x' })
        .setProtectedHeader({ alg: 'HS256', kid: 'hs' })
        .setExpirationTime('5m')
        .sign(Buffer.alloc(32, 7));
      assert.equal(await reasonOf(verifier.verify(token, 'tts:stream')), 'alg_not_allowed');
    } finally {
      verifier.close?.();
    }
  });

  void test('an endpoint answering 500 means key_unavailable (503, retryable)', async () => {
    jwks.keys = [k1.jwk];
    jwks.status = 500;
    const verifier = jwksVerifier(url);
    try {
      const err = await verifier.verify(await sign(k1), 'tts:stream').catch((e: unknown) => e);
      assert.ok(err instanceof AuthError);
      assert.equal(err.reason, 'key_unavailable');
      assert.equal(err.httpStatus, 503);
      assert.equal(err.retryable, true);
    } finally {
      jwks.status = 200;
      verifier.close?.();
    }
  });

  void test('a JWKS server that is down means key_unavailable, not a crash, and recovers', async () => {
    const flaky = new JwksServer();
    const flakyUrl = await flaky.start();
    await flaky.stop();
    const verifier = jwksVerifier(flakyUrl);
    try {
      assert.equal(await reasonOf(verifier.verify(await sign(k1), 'tts:stream')), 'key_unavailable');
      flaky.keys = [k1.jwk];
      await flaky.start(Number(new URL(flakyUrl).port));
      assert.ok(await verifier.verify(await sign(k1), 'tts:stream'));
    } finally {
      verifier.close?.();
      await flaky.stop();
    }
  });

  void test('a closed verifier refuses further work', async () => {
    jwks.keys = [k1.jwk];
    const verifier = jwksVerifier(url);
    verifier.close?.();
    assert.equal(await reasonOf(verifier.verify(await sign(k1), 'tts:stream')), 'key_unavailable');
  });
});

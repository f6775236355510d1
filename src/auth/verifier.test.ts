import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  exportSPKI,
  generateKeyPair,
  generateSecret,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import { loadConfig } from '../config/load.js';
import type { AuthConfig } from '../config/types.js';
import { AuthError, type AuthFailureReason } from './errors.js';
import { createTokenVerifier, type TokenVerifier } from './verifier.js';

const now = () => Math.floor(Date.now() / 1000);
const SECRET = 'an-hs256-secret-that-is-long-enough-0123456789';

function authFrom(env: Record<string, string>): AuthConfig {
  return loadConfig({ NODE_ENV: 'test', ...env }).auth;
}

async function sign(
  key: CryptoKey | Uint8Array,
  alg: string,
  claims: JWTPayload = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({ scope: 'tts', tenant: 'acme', sub: 'user-1', exp: now() + 300, ...claims })
    .setProtectedHeader({ ...header, alg })
    .sign(key);
}

/** Asserts the rejection reason and that nothing of the token leaks into the error. */
async function rejects(
  verifier: TokenVerifier,
  token: string,
  reason: AuthFailureReason,
  scope = 'tts:stream',
) {
  await assert.rejects(verifier.verify(token, scope), (err: unknown) => {
    assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    const signature = token.split('.')[2] ?? '';
    if (signature.length >= 16) assert.ok(!`${err.message}${err.stack}`.includes(signature), 'token leaked');
    if (token.length >= 16) assert.ok(!JSON.stringify(err).includes(token), 'token leaked');
    return true;
  });
}

void describe('asymmetric and HMAC keys', () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    void test(`valid ${alg} token passes with a PEM public key`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const verifier = createTokenVerifier(
        authFrom({ SPEECHGATE_JWT_PUBLIC_KEY: await exportSPKI(publicKey) }),
      );
      const exp = now() + 300;
      const principal = await verifier.verify(await sign(privateKey, alg, { exp }), 'tts:stream');
      assert.equal(principal.tenant, 'acme');
      assert.equal(principal.subject, 'user-1');
      assert.deepEqual([...principal.scopes], ['tts']);
      assert.equal(principal.expiresAt, exp * 1000);
    });
  }

  void test('valid HS256 token passes with a shared secret', async () => {
    const verifier = createTokenVerifier(authFrom({ SPEECHGATE_JWT_SECRET: SECRET }));
    const token = await sign(new TextEncoder().encode(SECRET), 'HS256', { tenant: undefined, sub: 'svc' });
    const principal = await verifier.verify(token, 'tts:speech');
    assert.equal(principal.tenant, 'svc', 'sub stands in for a missing tenant');
  });
});

void describe('rejections', async () => {
  const secretKey = new TextEncoder().encode(SECRET);
  const hs = createTokenVerifier(authFrom({ SPEECHGATE_JWT_SECRET: SECRET }));
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const rsaPem = await exportSPKI(rsa.publicKey);
  const rs = createTokenVerifier(authFrom({ SPEECHGATE_JWT_PUBLIC_KEY: rsaPem }));

  void test('missing token', async () => {
    await rejects(hs, '', 'missing');
  });

  void test('malformed tokens', async () => {
    await rejects(hs, 'not-a-jwt', 'malformed');
    await rejects(hs, 'a.b.c', 'malformed');
    await rejects(hs, 'x'.repeat(20_000), 'malformed');
    await rejects(hs, await sign(secretKey, 'HS256', { exp: undefined }), 'malformed');
    await rejects(hs, await sign(secretKey, 'HS256', { tenant: undefined, sub: undefined }), 'malformed');
    await rejects(hs, await sign(secretKey, 'HS256', { tenant: 42 }), 'malformed');
    await rejects(hs, await sign(secretKey, 'HS256', { scope: 7 }), 'malformed');
  });

  void test('bad signatures', async () => {
    await rejects(hs, await sign(await generateSecret('HS256'), 'HS256'), 'bad_signature');
    const other = await generateKeyPair('RS256');
    await rejects(rs, await sign(other.privateKey, 'RS256'), 'bad_signature');
    const [h, , s] = (await sign(secretKey, 'HS256')).split('.');
    const forged = Buffer.from(JSON.stringify({ scope: 'tts', tenant: 'evil', exp: now() + 300 })).toString(
      'base64url',
    );
    await rejects(hs, `${h}.${forged}.${s}`, 'bad_signature');
  });

  void test('expired token is token_expired (401)', async () => {
    const token = await sign(secretKey, 'HS256', { exp: now() - 120 });
    await rejects(hs, token, 'expired');
    const err = await hs.verify(token, 'tts:stream').catch((e: unknown) => e);
    assert.ok(err instanceof AuthError);
    assert.equal(err.code, 'token_expired');
    assert.equal(err.httpStatus, 401);
  });

  void test('nbf in the future is not_yet_valid', async () => {
    await rejects(hs, await sign(secretKey, 'HS256', { nbf: now() + 120 }), 'not_yet_valid');
  });

  void test('exp and nbf within the clock skew pass', async () => {
    const token = await sign(secretKey, 'HS256', { exp: now() - 10, nbf: now() + 10 });
    assert.equal((await hs.verify(token, 'tts:stream')).tenant, 'acme');
    const strict = createTokenVerifier(
      authFrom({ SPEECHGATE_JWT_SECRET: SECRET, SPEECHGATE_JWT_CLOCK_SKEW_S: '0' }),
    );
    await rejects(strict, await sign(secretKey, 'HS256', { exp: now() - 10 }), 'expired');
    await rejects(strict, await sign(secretKey, 'HS256', { nbf: now() + 10 }), 'not_yet_valid');
  });

  void test('audience and issuer are checked when configured', async () => {
    const v = createTokenVerifier(
      authFrom({
        SPEECHGATE_JWT_SECRET: SECRET,
        SPEECHGATE_JWT_AUDIENCE: 'speechgate',
        SPEECHGATE_JWT_ISSUER: 'idp',
      }),
    );
    assert.ok(await v.verify(await sign(secretKey, 'HS256', { aud: 'speechgate', iss: 'idp' }), 'tts'));
    await rejects(v, await sign(secretKey, 'HS256', { aud: 'other', iss: 'idp' }), 'wrong_audience');
    await rejects(v, await sign(secretKey, 'HS256', { iss: 'idp' }), 'wrong_audience');
    await rejects(v, await sign(secretKey, 'HS256', { aud: 'speechgate', iss: 'evil' }), 'wrong_issuer');
    // Not configured: ignored.
    assert.ok(await hs.verify(await sign(secretKey, 'HS256', { aud: 'anything', iss: 'anyone' }), 'tts'));
  });

  void test('alg none is rejected', async () => {
    const unsecured = new UnsecuredJWT({ scope: 'tts', tenant: 'acme', sub: 'x' })
      .setExpirationTime('5m')
      .encode();
    await rejects(hs, unsecured, 'alg_not_allowed');
    await rejects(rs, unsecured, 'alg_not_allowed');
  });

  void test('algorithm confusion: HS256 keyed with the RSA public PEM is rejected', async () => {
    await rejects(rs, await sign(new TextEncoder().encode(rsaPem), 'HS256'), 'alg_not_allowed');
  });

  void test('an RS256 token is rejected when only a secret is configured', async () => {
    await rejects(hs, await sign(rsa.privateKey, 'RS256'), 'alg_not_allowed');
  });

  void test('an ES256 token is rejected when an RSA key is configured', async () => {
    const ec = await generateKeyPair('ES256');
    await rejects(rs, await sign(ec.privateKey, 'ES256'), 'alg_not_allowed');
  });

  void test('missing scope is forbidden (403)', async () => {
    const streamOnly = await sign(secretKey, 'HS256', { scope: 'tts:stream' });
    assert.ok(await hs.verify(streamOnly, 'tts:stream'));
    await rejects(hs, streamOnly, 'insufficient_scope', 'tts:speech');
    await rejects(hs, await sign(secretKey, 'HS256', { scope: undefined }), 'insufficient_scope');
    await rejects(hs, await sign(secretKey, 'HS256', { scope: 'ttsx admin' }), 'insufficient_scope');
    const err = await hs.verify(streamOnly, 'tts:speech').catch((e: unknown) => e);
    assert.ok(err instanceof AuthError);
    assert.equal(err.code, 'forbidden');
    assert.equal(err.httpStatus, 403);
  });

  void test('scp as an array grants scopes', async () => {
    const token = await sign(secretKey, 'HS256', { scope: undefined, scp: ['tts:speech', 'other'] });
    const principal = await hs.verify(token, 'tts:speech');
    assert.deepEqual([...principal.scopes].sort(), ['other', 'tts:speech']);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jwtVerify } from 'jose';
import { signBenchToken } from './jwt.js';

const SECRET = 'bench-test-secret-0123456789abcdef0123456789';

void test('the token verifies as HS256 with the secret and carries scope, tenant and exp', async () => {
  const now = Math.floor(Date.now() / 1000);
  const token = signBenchToken(SECRET, { tenant: 'bench', ttlSeconds: 600, now });
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), {
    algorithms: ['HS256'],
  });
  assert.equal(protectedHeader.alg, 'HS256');
  assert.equal(payload.scope, 'tts');
  assert.equal(payload.tenant, 'bench');
  assert.equal(payload.iat, now);
  assert.equal(payload.exp, now + 600);
});

void test('a token signed with another secret does not verify', async () => {
  const token = signBenchToken('another-secret-0123456789abcdef0123456789', {
    tenant: 'bench',
    ttlSeconds: 60,
  });
  await assert.rejects(jwtVerify(token, new TextEncoder().encode(SECRET)));
});

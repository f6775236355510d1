import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasScope, principalFromClaims, sanitizeTenant } from './claims.js';
import { AuthError } from './errors.js';

const SAFE = /^[A-Za-z0-9_.:-]{1,64}$/;

void test('safe tenant names pass unchanged', () => {
  for (const name of ['acme', 'org_1.eu-west:prod', 'A'.repeat(64)]) assert.equal(sanitizeTenant(name), name);
});

void test('unsafe or long tenant names are hashed into the safe alphabet, distinctly', () => {
  const inputs = ['acme corp', 'ümlaut', 'a'.repeat(65), 'x\n{label="y"}', 'h:abc', ''];
  const outputs = inputs.map(sanitizeTenant);
  for (const out of outputs) {
    assert.match(out, SAFE);
    assert.ok(out.startsWith('h:'));
  }
  assert.equal(new Set(outputs).size, inputs.length);
  assert.equal(sanitizeTenant('acme corp'), sanitizeTenant('acme corp'), 'stable across calls');
});

void test('a raw tenant cannot impersonate a hashed one', () => {
  const hashed = sanitizeTenant('acme corp');
  assert.notEqual(sanitizeTenant(hashed), hashed);
});

void test("the parent scope 'tts' grants its children, not the reverse", () => {
  const tts = new Set(['tts']);
  assert.ok(hasScope(tts, 'tts:stream'));
  assert.ok(hasScope(tts, 'tts:speech'));
  assert.ok(hasScope(new Set(['tts:stream']), 'tts:stream'));
  assert.ok(!hasScope(new Set(['tts:stream']), 'tts:speech'));
  assert.ok(!hasScope(new Set(['tts:stream']), 'tts'));
  assert.ok(!hasScope(new Set(['ttsx']), 'tts:stream'));
  assert.ok(!hasScope(new Set(), 'tts:stream'));
});

void test('principal from claims: tenant, else sub; scopes from scope and scp', () => {
  const p = principalFromClaims({ sub: 'u', tenant: 'Acme Corp', scope: 'a  b', scp: 'c', exp: 100 });
  assert.equal(p.tenant, sanitizeTenant('Acme Corp'));
  assert.equal(p.subject, 'u');
  assert.deepEqual([...p.scopes].sort(), ['a', 'b', 'c']);
  assert.equal(p.expiresAt, 100_000);
  assert.equal(principalFromClaims({ sub: 'u', tenant: '', exp: 1 }).tenant, 'u');
  assert.equal(principalFromClaims({ tenant: 't', exp: 1 }).subject, 't');
  assert.throws(
    () => principalFromClaims({ exp: 1 }),
    (e) => e instanceof AuthError && e.reason === 'malformed',
  );
  assert.throws(
    () => principalFromClaims({ sub: 'u', scp: ['a', 1], exp: 1 }),
    (e) => e instanceof AuthError && e.reason === 'malformed',
  );
});

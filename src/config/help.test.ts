import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { configHelp } from './help.js';
import { loadConfig } from './load.js';
import { VARIABLES } from './variables.js';

/** Runs loadConfig on an environment that records every variable the loader looks at. */
function variablesRead(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const spy = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name) as unknown;
    },
  });
  try {
    loadConfig(spy);
  } catch {
    // a refusal still shows which variables were consulted
  }
  return read;
}

void test('help lists every variable the loader reads, whatever the auth mode', () => {
  const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const envs: Record<string, string>[] = [
    {},
    { NODE_ENV: 'production' },
    { SPEECHGATE_JWT_SECRET: 'x'.repeat(32) },
    { SPEECHGATE_JWT_PUBLIC_KEY: pem },
    { SPEECHGATE_JWKS_URL: 'https://idp.example/jwks' },
  ];
  const read = new Set(envs.flatMap((env) => [...variablesRead(env)]));
  assert.ok(read.size >= 30, `only ${read.size} variables read`);
  const help = configHelp();
  for (const name of read)
    assert.match(help, new RegExp(`^    ${name} `, 'm'), `${name} missing from --help`);
});

void test('help shows meaning and default for each declared variable', () => {
  const help = configHelp();
  for (const v of VARIABLES) {
    const at = help.indexOf(`    ${v.name} `);
    assert.ok(at >= 0, `${v.name} missing`);
    const entry = help.slice(at, help.indexOf('\n', help.indexOf('\n', at) + 1));
    assert.ok(entry.includes(v.help), `${v.name}: meaning missing`);
    assert.match(entry, /default: \S/, `${v.name}: default missing`);
  }
  assert.match(help, /PORT\s+TCP port[^\n]*\n\s+default: 8080 /);
  assert.match(help, /SPEECHGATE_CACHE_MAX_BYTES[^\n]*\n\s+default: 67108864 = 64 MiB/);
  assert.match(help, /SPEECHGATE_DEMO[^\n]*\n\s+default: true outside production, false in production/);
});

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fromRoot } from '../util/paths.js';
import { describeConfig } from './describe.js';
import { ConfigError, loadConfig } from './load.js';
import { DEFAULT_ENCODER_THREADS, DEFAULT_WORKERS, unknownVariables } from './variables.js';

const SECRET = 'a-production-secret-of-at-least-32-bytes!';

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    for (const p of err.problems) assert.ok(err.message.includes(p), 'the message lists every problem');
    return err.problems;
  }
  return assert.fail('expected loadConfig to throw');
}

function ecPublicPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
}

void describe('defaults', () => {
  void test('an empty environment gives the documented defaults and dev auth', () => {
    const c = loadConfig({});
    assert.deepEqual(c.env, { nodeEnv: 'development', production: false });
    assert.equal(c.log.level, 'info');
    assert.deepEqual(c.server, {
      host: '0.0.0.0',
      port: 8080,
      demo: true,
      idleTimeoutSeconds: 120,
      shutdownGraceMs: 10_000,
    });
    assert.equal(c.redis.url, undefined);
    assert.deepEqual(c.tts, {
      device: 'cpu',
      threads: 1,
      workers: DEFAULT_WORKERS,
      encoderThreads: DEFAULT_ENCODER_THREADS,
      voicesDir: fromRoot('models', 'voices'),
      defaultVoice: undefined,
    });
    assert.deepEqual(c.limits, {
      maxConnectionsPerTenant: 20,
      maxContextsPerConnection: 8,
      maxContextsPerTenant: 64,
      charsPerMinute: 50_000,
      maxMessageBytes: 65_536,
      messagesPerSecond: 200,
      maxTextBufferChars: 20_000,
    });
    assert.deepEqual(c.cache, { maxBytes: 64 * 1024 * 1024, ttlSeconds: 86_400 });
    assert.deepEqual(c.backpressure, {
      highWaterBytes: 256 * 1024,
      hardLimitBytes: 4 * 1024 * 1024,
      slowConsumerTimeoutMs: 10_000,
    });
    assert.equal(c.auth.mode, 'dev');
    assert.equal(c.auth.clockSkewSeconds, 30);
    assert.equal(c.auth.devTokenTtlSeconds, 86_400);
    assert.equal(c.auth.audience, undefined);
    assert.equal(c.auth.issuer, undefined);
  });

  void test('dev mode generates a fresh random 32-byte secret per load', () => {
    const a = loadConfig({ NODE_ENV: 'test' }).auth;
    const b = loadConfig({ NODE_ENV: 'test' }).auth;
    assert.ok(a.mode === 'dev' && b.mode === 'dev');
    assert.equal(a.secret.length, 32);
    assert.notDeepEqual(a.secret, b.secret);
  });

  void test('values are parsed, trimmed, and empty strings count as unset', () => {
    const c = loadConfig({
      PORT: ' 0 ',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'DEBUG',
      SPEECHGATE_DEVICE: 'cuda',
      SPEECHGATE_THREADS: '4',
      SPEECHGATE_ENCODER_THREADS: '3',
      SPEECHGATE_VOICES_DIR: 'some/dir',
      SPEECHGATE_DEFAULT_VOICE: 'en_US-amy',
      SPEECHGATE_DEMO: 'off',
      SPEECHGATE_CACHE_MAX_BYTES: '0',
      REDIS_URL: 'redis://127.0.0.1:6379/2',
      SPEECHGATE_IDLE_TIMEOUT_S: '',
    });
    assert.equal(c.server.port, 0);
    assert.equal(c.server.host, '127.0.0.1');
    assert.equal(c.log.level, 'debug');
    assert.equal(c.tts.device, 'cuda');
    assert.equal(c.tts.threads, 4);
    assert.equal(c.tts.encoderThreads, 3);
    assert.equal(c.tts.voicesDir, resolve('some/dir'));
    assert.equal(c.tts.defaultVoice, 'en_US-amy');
    assert.equal(c.server.demo, false);
    assert.equal(c.cache.maxBytes, 0);
    assert.equal(c.redis.url, 'redis://127.0.0.1:6379/2');
    assert.equal(c.server.idleTimeoutSeconds, 120);
  });

  void test('the config is deeply frozen', () => {
    const c = loadConfig({});
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.limits) && Object.isFrozen(c.auth.jwks));
    assert.throws(() => {
      (c.limits as { charsPerMinute: number }).charsPerMinute = 1;
    }, TypeError);
  });
});

void describe('validation', () => {
  void test('all bad values are reported together, each naming its variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      HOST: 'localhost',
      NODE_ENV: 'staging',
      LOG_LEVEL: 'loud',
      SPEECHGATE_THREADS: '0',
      SPEECHGATE_DEVICE: 'tpu',
      SPEECHGATE_DEMO: 'maybe',
      SPEECHGATE_MAX_MESSAGE_BYTES: '1.5',
      SPEECHGATE_CHARS_PER_MINUTE: '-5',
      SPEECHGATE_DEFAULT_VOICE: '../etc/passwd',
      SPEECHGATE_SEND_HIGH_WATER_BYTES: '1048576',
      SPEECHGATE_SEND_HARD_LIMIT_BYTES: '1048576',
    });
    const named = problems.map((p) => p.slice(0, p.indexOf(':')));
    assert.deepEqual(named.sort(), [
      'LOG_LEVEL',
      'NODE_ENV',
      'PORT',
      'SPEECHGATE_CHARS_PER_MINUTE',
      'SPEECHGATE_DEFAULT_VOICE',
      'SPEECHGATE_DEMO',
      'SPEECHGATE_DEVICE',
      'SPEECHGATE_MAX_MESSAGE_BYTES',
      'SPEECHGATE_SEND_HARD_LIMIT_BYTES',
      'SPEECHGATE_THREADS',
    ]);
    const port = problems.find((p) => p.startsWith('PORT'));
    assert.equal(port, 'PORT: must be an integer from 0 to 65535 (got "eighty")');
  });

  void test('secret values never appear in errors', () => {
    const shortSecret = 'tiny-secret-value';
    const redis = 'http://user:hunter2-password@cache:6379';
    const problems = problemsOf({ SPEECHGATE_JWT_SECRET: shortSecret, REDIS_URL: redis });
    assert.equal(problems.length, 2);
    const text = problems.join('\n');
    assert.match(text, /SPEECHGATE_JWT_SECRET: must be at least 32 bytes long \(it has 17\)/);
    assert.match(text, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    assert.ok(!text.includes(shortSecret) && !text.includes('hunter2'));
  });

  void test('production refuses to start without real key material', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /refuses to start without real key material/);
  });

  void test('production with a secret starts, with the demo off by default', () => {
    const c = loadConfig({ NODE_ENV: 'production', SPEECHGATE_JWT_SECRET: SECRET });
    assert.equal(c.auth.mode, 'secret');
    assert.ok(c.auth.mode === 'secret' && new TextDecoder().decode(c.auth.secret) === SECRET);
    assert.equal(c.server.demo, false);
    assert.equal(
      loadConfig({ NODE_ENV: 'production', SPEECHGATE_JWT_SECRET: SECRET, SPEECHGATE_DEMO: 'true' }).server
        .demo,
      true,
    );
  });

  void test('only one source of key material may be set', () => {
    const problems = problemsOf({
      SPEECHGATE_JWT_SECRET: SECRET,
      SPEECHGATE_JWKS_URL: 'https://idp.example/jwks',
    });
    assert.deepEqual(problems, [
      'SPEECHGATE_JWT_SECRET + SPEECHGATE_JWKS_URL: set only one source of key material',
    ]);
  });

  void test('JWKS URL: https required in production except on loopback', () => {
    assert.equal(problemsOf({ SPEECHGATE_JWKS_URL: 'not a url' }).length, 1);
    assert.equal(problemsOf({ SPEECHGATE_JWKS_URL: 'ftp://idp.example/jwks' }).length, 1);
    assert.match(
      problemsOf({ NODE_ENV: 'production', SPEECHGATE_JWKS_URL: 'http://idp.example/jwks' })[0] ?? '',
      /must use https in production/,
    );
    const local = loadConfig({ NODE_ENV: 'production', SPEECHGATE_JWKS_URL: 'http://127.0.0.1:9000/jwks' });
    assert.ok(local.auth.mode === 'jwks' && local.auth.jwksUrl === 'http://127.0.0.1:9000/jwks');
    assert.ok(!local.auth.algorithms.some((alg) => alg.startsWith('HS')));
  });
});

void describe('public key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'speechgate-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  void test('inline PEM, also with literal \\n escapes, and the algorithms follow the key type', () => {
    const pem = ecPublicPem();
    for (const value of [pem, pem.trim().replaceAll('\n', '\\n')]) {
      const { auth } = loadConfig({ SPEECHGATE_JWT_PUBLIC_KEY: value });
      assert.ok(auth.mode === 'public_key');
      assert.deepEqual(auth.algorithms, ['ES256']);
      assert.equal(auth.publicKeyPem, pem);
    }
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const { auth } = loadConfig({ SPEECHGATE_JWT_PUBLIC_KEY: rsa.toString() });
    assert.ok(
      auth.mode === 'public_key' && auth.algorithms.includes('RS256') && !auth.algorithms.includes('ES256'),
    );
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const edAuth = loadConfig({ SPEECHGATE_JWT_PUBLIC_KEY: ed }).auth;
    assert.ok(edAuth.mode === 'public_key' && edAuth.algorithms.includes('EdDSA'));
  });

  void test('a path to a .pem file', () => {
    const pem = ecPublicPem();
    const path = join(dir, 'key.pem');
    writeFileSync(path, pem);
    const { auth } = loadConfig({ NODE_ENV: 'production', SPEECHGATE_JWT_PUBLIC_KEY: path });
    assert.ok(auth.mode === 'public_key' && auth.publicKeyPem === pem);
  });

  void test('bad key material is reported without echoing it', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const garbage = '-----BEGIN PUBLIC KEY-----\nAAAAsecretish\n-----END PUBLIC KEY-----';
    const cases: [string, RegExp][] = [
      [privatePem, /holds a private key/],
      [weak.toString(), /1024 bits; at least 2048/],
      [garbage, /not a valid PEM public key/],
      [join(dir, 'missing.pem'), /neither PEM text nor a readable file \(ENOENT\)/],
    ];
    for (const [value, expected] of cases) {
      const problems = problemsOf({ SPEECHGATE_JWT_PUBLIC_KEY: value });
      assert.equal(problems.length, 1);
      assert.match(problems[0] ?? '', expected);
      const body = value.split('\n')[1] ?? '';
      if (body !== '') assert.ok(!problems[0]?.includes(body), 'PEM text is not echoed');
    }
  });
});

void describe('helpers', () => {
  void test('describeConfig redacts the secret and the Redis password', () => {
    const c = loadConfig({ SPEECHGATE_JWT_SECRET: SECRET, REDIS_URL: 'redis://user:hunter2@cache:6379/0' });
    const text = JSON.stringify(describeConfig(c));
    assert.ok(!text.includes(SECRET) && !text.includes('hunter2'));
    assert.match(text, /"secret":"\[redacted\]"/);
    assert.match(text, /redis:\/\/user:%5Bredacted%5D@cache:6379\/0/);
  });

  void test('unknownVariables flags likely typos', () => {
    assert.deepEqual(
      unknownVariables({ SPEECHGATE_JWT_SECERT: 'x', SPEECHGATE_PORT: '1', PORT: '1', HOME: '/' }),
      ['SPEECHGATE_JWT_SECERT', 'SPEECHGATE_PORT'],
    );
  });
});

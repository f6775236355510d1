import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../../test/helpers/redis-server.js';
import { createPhraseCache } from './index.js';
import { RedisPhraseCache } from './redis.js';
import type { CachedPhrase, CacheOp } from './types.js';

function phrase(seed: number): CachedPhrase {
  return {
    frames: [Uint8Array.from([seed, 0, 255, 13, 10]), new Uint8Array(3000).fill(seed)],
    words: [{ word: `w${seed}`, startMs: 0, endMs: 20.5 }],
    durationMs: 40,
  };
}

/** Fails the test instead of hanging when `promise` does not settle in time. */
async function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`${what} not reached within ${ms} ms`);
}

void describe('RedisPhraseCache against a real redis-server', () => {
  let server: RedisServer;
  let admin: Redis;

  before(async () => {
    server = await startRedis();
    admin = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    admin.on('error', () => undefined);
  });

  after(async () => {
    admin.disconnect();
    await server.stop();
  });

  async function connectedCache(errors: CacheOp[] = []): Promise<RedisPhraseCache> {
    const cache = new RedisPhraseCache({
      url: server.url,
      ttlSeconds: 120,
      reconnectMaxDelayMs: 100,
      hooks: { onError: (op) => errors.push(op) },
    });
    await eventually(() => Promise.resolve(cache.connected), 5000, 'cache connected');
    return cache;
  }

  void test('round-trips a binary value and sets the TTL', async () => {
    const cache = await connectedCache();
    await cache.set('sg:v1:roundtrip', phrase(7));
    const got = await cache.get('sg:v1:roundtrip');
    assert.ok(got);
    assert.deepEqual(
      got.frames.map((f) => Array.from(f)),
      phrase(7).frames.map((f) => Array.from(f)),
    );
    assert.deepEqual(got.words, phrase(7).words);
    assert.equal(got.durationMs, 40);

    const ttl = await admin.ttl('sg:v1:roundtrip');
    assert.ok(ttl > 100 && ttl <= 120, `ttl ${ttl}`);
    assert.equal(await cache.get('sg:v1:absent'), undefined);
    assert.deepEqual({ ...cache.stats }, { hits: 1, misses: 1, errors: 0 });
    await cache.close();
  });

  void test('a corrupt value is a miss and reported as a get error', async () => {
    const errors: CacheOp[] = [];
    const cache = await connectedCache(errors);
    await admin.set('sg:v1:corrupt', Buffer.from([1, 2, 3]));
    assert.equal(await cache.get('sg:v1:corrupt'), undefined);
    await admin.set('sg:v1:foreign', 'hello world');
    assert.equal(await cache.get('sg:v1:foreign'), undefined);
    assert.deepEqual(errors, ['get', 'get']);
    assert.equal(cache.stats.misses, 2);

    // The next set() replaces it.
    await cache.set('sg:v1:corrupt', phrase(3));
    assert.equal((await cache.get('sg:v1:corrupt'))?.words[0]?.word, 'w3');
    await cache.close();
  });

  void test('an aborted get resolves undefined without an error', async () => {
    const errors: CacheOp[] = [];
    const cache = await connectedCache(errors);
    await cache.set('sg:v1:abort', phrase(1));
    const controller = new AbortController();
    controller.abort();
    assert.equal(await cache.get('sg:v1:abort', controller.signal), undefined);
    assert.deepEqual(errors, []);
    await cache.close();
  });

  void test('createPhraseCache picks Redis when a URL is given', async () => {
    const cache = createPhraseCache({ redisUrl: server.url, maxBytes: 1000, ttlSeconds: 60 });
    assert.equal(cache.backend, 'redis');
    await cache.close();
    const memory = createPhraseCache({ maxBytes: 1000, ttlSeconds: 60 });
    assert.equal(memory.backend, 'memory');
    await memory.close();
  });

  void test('Redis killed mid-run: gets miss promptly, sets are dropped, hits return after restart', async () => {
    const errors: CacheOp[] = [];
    const changes: boolean[] = [];
    const cache = new RedisPhraseCache({
      url: server.url,
      ttlSeconds: 60,
      reconnectMaxDelayMs: 100,
      hooks: { onError: (op) => errors.push(op) },
      onConnectionChange: (up) => changes.push(up),
    });
    try {
      await eventually(() => Promise.resolve(cache.connected), 5000, 'cache connected');
      await cache.set('sg:v1:before', phrase(1));
      assert.ok(await cache.get('sg:v1:before'));

      // A get in flight while the server dies must not hang either.
      const inFlight = cache.get('sg:v1:before');
      server.kill();
      const results = await settlesWithin(
        Promise.all([inFlight, cache.get('sg:v1:before'), cache.get('sg:v1:before')]),
        2000,
        'gets with Redis down',
      );
      assert.equal(results[1], undefined);
      assert.equal(results[2], undefined);
      await settlesWithin(cache.set('sg:v1:during', phrase(2)), 2000, 'set with Redis down');
      assert.ok(errors.includes('get'));
      assert.ok(errors.includes('set'));

      await server.restart(); // same port, empty dataset
      await eventually(
        async () => {
          await cache.set('sg:v1:after', phrase(4));
          return (await cache.get('sg:v1:after')) !== undefined;
        },
        10_000,
        'cache hits after Redis restart',
      );
      assert.equal((await cache.get('sg:v1:after'))?.words[0]?.word, 'w4');
      assert.deepEqual(changes.slice(0, 3), [true, false, true]);
    } finally {
      await cache.close();
    }
  });

  void test('hung Redis (SIGSTOP): one get pays the deadline, the next ones miss at once', async () => {
    const errors: string[] = [];
    const changes: boolean[] = [];
    const cache = new RedisPhraseCache({
      url: server.url,
      ttlSeconds: 60,
      slowBackoffMs: 1000,
      onConnectionChange: (up) => changes.push(up),
      hooks: { onError: (op, err) => errors.push(`${op}:${err instanceof Error ? err.name : '?'}`) },
    });
    try {
      await eventually(() => Promise.resolve(cache.connected), 5000, 'cache connected');
      await cache.set('sg:v1:hung', phrase(5));
      server.pause();
      assert.equal(await settlesWithin(cache.get('sg:v1:hung'), 2000, 'get on a hung server'), undefined);
      assert.deepEqual(errors, ['get:CacheTimeoutError']);
      // Called right after the timeout, inside the back-off: no command is sent, nothing waits.
      const skipped = await Promise.all([1, 2, 3].map(() => cache.get('sg:v1:hung')));
      await cache.set('sg:v1:hung2', phrase(6));
      assert.deepEqual(skipped, [undefined, undefined, undefined]);
      assert.equal(errors.filter((e) => e === 'get:CacheUnavailableError').length, 3);
      assert.ok(errors.includes('set:CacheUnavailableError'));

      server.resume();
      await eventually(
        async () => (await cache.get('sg:v1:hung')) !== undefined,
        10_000,
        'hits after resume',
      );
      assert.deepEqual(changes, [true, false, true]);
    } finally {
      server.resume();
      await cache.close();
    }
  });

  void test('starting with Redis unreachable is harmless', async () => {
    const cache = new RedisPhraseCache({ url: 'redis://127.0.0.1:1', ttlSeconds: 60 });
    assert.equal(await settlesWithin(cache.get('sg:v1:x'), 2000, 'get'), undefined);
    await settlesWithin(cache.set('sg:v1:x', phrase(1)), 2000, 'set');
    await cache.close();
  });
});

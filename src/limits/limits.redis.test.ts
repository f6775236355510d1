import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../../test/helpers/redis-server.js';
import { SpeechgateError } from '../errors.js';
import { createLimits, type LimitName, type LimitsConfig } from './index.js';
import { upWatcher } from '../../test/helpers/limits-watch.js';

const cfg: LimitsConfig = {
  maxConnectionsPerTenant: 3,
  maxContextsPerTenant: 2,
  charsPerMinute: 100,
};

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<SpeechgateError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof SpeechgateError, `expected SpeechgateError, got ${String(err)}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected ${code}`);
}

/** Like an application client: default ioredis options (offline queue on, many retries). */
async function appClient(url: string): Promise<Redis> {
  // disconnectTimeout: ioredis waits that long (default 2 s) on a socket that died with the server.
  const client = new Redis(url, { disconnectTimeout: 100 });
  client.on('error', () => undefined);
  // Until the client is ready, limits decide in memory (rejectIfRedisNotReady): start from ready.
  if (client.status !== 'ready') await once(client, 'ready');
  return client;
}

let prefixSeq = 0;
const uniquePrefix = (): string => `sg:test${++prefixSeq}`;

void describe('Redis-backed limits against a real redis-server', () => {
  let server: RedisServer;
  let admin: Redis;

  before(async () => {
    server = await startRedis();
    admin = await appClient(server.url);
  });

  after(async () => {
    await admin.quit();
    await server.stop();
  });

  void test('counts live in Redis: caps, error codes, retry-after, release', async () => {
    const client = await appClient(server.url);
    const keyPrefix = uniquePrefix();
    const redisErrors: LimitName[] = [];
    const up = upWatcher();
    const limits = createLimits(cfg, client, {
      keyPrefix,
      onRedisError: (l) => redisErrors.push(l),
      onRedisStateChange: up.onChange,
    });
    try {
      await up.until(true);
      const leases = await Promise.all([1, 2, 3].map(() => limits.acquireConnection('acme')));
      assert.equal(await admin.zcard(`${keyPrefix}:conn:acme`), 3);
      const ttl = await admin.pttl(`${keyPrefix}:conn:acme`);
      assert.ok(ttl > 0 && ttl <= 31_000, `lease set ttl ${ttl}`);
      const err = await rejectsWith(limits.acquireConnection('acme'), 'too_many_connections');
      assert.equal(err.retryAfterSeconds, 1);
      assert.equal(await admin.zcard(`${keyPrefix}:conn:acme`), 3, 'refused attempt not counted');

      await leases[0]?.release();
      await leases[0]?.release();
      assert.equal(await admin.zcard(`${keyPrefix}:conn:acme`), 2);

      const ctx = await Promise.all([limits.acquireContext('acme'), limits.acquireContext('acme')]);
      await rejectsWith(limits.acquireContext('acme'), 'too_many_contexts');
      await Promise.all([...ctx, ...leases].map((l) => l.release()));
      assert.equal(await admin.exists(`${keyPrefix}:conn:acme`, `${keyPrefix}:ctx:acme`), 0);

      await limits.consumeChars('acme', 100);
      assert.equal(await admin.get(`${keyPrefix}:chars:acme`), '100');
      const charsErr = await rejectsWith(limits.consumeChars('acme', 1), 'rate_limited');
      assert.ok(charsErr.retryAfterSeconds !== undefined && charsErr.retryAfterSeconds >= 1);
      assert.ok(charsErr.retryAfterSeconds <= 60);
      assert.equal(redisErrors.length, 0);
    } finally {
      await limits.close();
      await client.quit();
    }
  });

  void test('a lease whose entry vanished from Redis is released without harm', async () => {
    const client = await appClient(server.url);
    const keyPrefix = uniquePrefix();
    const up = upWatcher();
    const limits = createLimits(cfg, client, { keyPrefix, onRedisStateChange: up.onChange });
    try {
      await up.until(true);
      const lease = await limits.acquireConnection('acme');
      await admin.del(`${keyPrefix}:conn:acme`); // what expiry does
      await lease.release();
      assert.equal(await admin.zcard(`${keyPrefix}:conn:acme`), 0);
      const all = await Promise.all([1, 2, 3].map(() => limits.acquireConnection('acme')));
      await rejectsWith(limits.acquireConnection('acme'), 'too_many_connections');
      await Promise.all(all.map((l) => l.release()));
    } finally {
      await limits.close();
      await client.quit();
    }
  });

  void test('two instances on one Redis (two replicas) share the counts', async () => {
    const clientA = await appClient(server.url);
    const clientB = await appClient(server.url);
    const keyPrefix = uniquePrefix();
    const upA = upWatcher();
    const upB = upWatcher();
    const replicaA = createLimits(cfg, clientA, { keyPrefix, onRedisStateChange: upA.onChange });
    const replicaB = createLimits(cfg, clientB, { keyPrefix, onRedisStateChange: upB.onChange });
    try {
      await Promise.all([upA.until(true), upB.until(true)]);
      const onA = await Promise.all([replicaA.acquireConnection('acme'), replicaA.acquireConnection('acme')]);
      const onB = await replicaB.acquireConnection('acme');
      await rejectsWith(replicaB.acquireConnection('acme'), 'too_many_connections');
      await rejectsWith(replicaA.acquireConnection('acme'), 'too_many_connections');
      await onA[0]?.release();
      const again = await replicaB.acquireConnection('acme');

      await replicaA.consumeChars('acme', 70);
      await rejectsWith(replicaB.consumeChars('acme', 31), 'rate_limited');
      await replicaB.consumeChars('acme', 30);

      await Promise.all([onA[1], onB, again].map((l) => l?.release()));
    } finally {
      await Promise.all([replicaA.close(), replicaB.close()]);
      await Promise.all([clientA.quit(), clientB.quit()]);
    }
  });

  void test('Redis down: no crash, limits still enforced in memory, fallbacks reported', async () => {
    const client = await appClient(server.url);
    const keyPrefix = uniquePrefix();
    const redisErrors: LimitName[] = [];
    const up = upWatcher();
    const limits = createLimits(cfg, client, {
      keyPrefix,
      onRedisError: (l) => redisErrors.push(l),
      onRedisStateChange: up.onChange,
    });
    try {
      await up.until(true);
      const heldOnRedis = await limits.acquireConnection('acme');
      await limits.consumeChars('acme', 10);
      assert.equal(redisErrors.length, 0);

      server.kill();
      // Per-replica cap during the outage, counting the lease taken through Redis.
      const local = await Promise.all([1, 2].map(() => limits.acquireConnection('acme')));
      await rejectsWith(limits.acquireConnection('acme'), 'too_many_connections');
      await local[0]?.release();
      local[0] = await limits.acquireConnection('acme');

      await limits.consumeChars('acme', 100);
      await rejectsWith(limits.consumeChars('acme', 1), 'rate_limited');

      await heldOnRedis.release(); // Redis is gone: remembered for the reconciliation
      await Promise.all(local.map((l) => l?.release()));
      assert.ok(redisErrors.includes('connections'));
      assert.ok(redisErrors.includes('chars'));
    } finally {
      await limits.close();
      client.disconnect();
      await server.restart();
      await admin.ping();
    }
  });
});

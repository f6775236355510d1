/**
 * Redis faults under the lease limits, against a real redis-server: outages while leases are held,
 * restarts with and without data, a crashed replica, a hung server (SIGSTOP). Waits are on states
 * (circuit transitions, Redis's own clock), never on wall-clock durations.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { upWatcher, type UpWatcher } from '../../test/helpers/limits-watch.js';
import { startRedis, type RedisServer } from '../../test/helpers/redis-server.js';
import { SpeechgateError } from '../errors.js';
import { createLimits, type Lease, type Limits, type LimitsConfig } from './index.js';

const cfg: LimitsConfig = {
  maxConnectionsPerTenant: 3,
  maxContextsPerTenant: 2,
  charsPerMinute: 100,
};
const LEASE_MS = 3000;
const TIMEOUT_MS = 1000;

async function client(url: string): Promise<Redis> {
  const redis = new Redis(url, { disconnectTimeout: 100 });
  redis.on('error', () => undefined);
  try {
    if (redis.status !== 'ready') await once(redis, 'ready');
  } catch (err) {
    redis.disconnect(); // or it keeps reconnecting and the test process never ends
    throw err;
  }
  return redis;
}

interface Replica {
  limits: Limits;
  up: UpWatcher;
  errors: unknown[];
  redis: Redis;
}

async function replica(url: string, keyPrefix: string): Promise<Replica> {
  const redis = await client(url);
  const up = upWatcher();
  const errors: unknown[] = [];
  const limits = createLimits(cfg, redis, {
    keyPrefix,
    leaseMs: LEASE_MS,
    redisTimeoutMs: TIMEOUT_MS,
    onRedisStateChange: up.onChange,
    onRedisError: (_limit, err) => errors.push(err),
  });
  await up.until(true);
  return { limits, up, errors, redis };
}

async function closeReplica(r: Replica): Promise<void> {
  await r.limits.close();
  r.redis.disconnect();
}

async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err) => err instanceof SpeechgateError && err.code === code);
}

const acquireAll = (limits: Limits, n: number): Promise<Lease[]> =>
  Promise.all(Array.from({ length: n }, () => limits.acquireConnection('acme')));

const releaseAll = async (leases: (Lease | undefined)[]): Promise<void> => {
  for (const lease of leases) await lease?.release();
};

/** Milliseconds on Redis's clock, the one lease expiries are scored on. */
async function redisNow(admin: Redis): Promise<number> {
  const [s, us] = await admin.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

let prefixSeq = 0;
const uniquePrefix = (): string => `sg:fault${++prefixSeq}`;

void describe('lease limits under Redis faults (real redis-server, append-only file)', () => {
  let server: RedisServer;
  let admin: Redis;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'sg-redis-'));
    server = await startRedis({ dataDir });
    admin = await client(server.url);
  });

  after(async () => {
    admin.disconnect();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  void test('outage mid-hold, restart with data: released slots are free again once reconciled', async () => {
    const prefix = uniquePrefix();
    const key = `${prefix}:conn:acme`;
    const a = await replica(server.url, prefix);
    try {
      const leases = await acquireAll(a.limits, 3);
      assert.equal(await admin.zcard(key), 3);

      server.kill();
      await a.up.until(false);
      await Promise.all([leases[0]?.release(), leases[1]?.release()]);
      const duringOutage = await a.limits.acquireConnection('acme'); // decided in memory: 2 held

      await server.restart(); // with its data: the two released leases are still there
      await a.up.until(true);
      // Held: leases[2] and duringOutage, both registered; the released ones are gone.
      assert.equal(await admin.zcard(key), 2);
      const third = await a.limits.acquireConnection('acme');
      await refused(a.limits.acquireConnection('acme'), 'too_many_connections');
      assert.equal(await admin.zcard(key), 3);
      await releaseAll([leases[2], duringOutage, third]);
      assert.equal(await admin.zcard(key), 0);
      assert.deepEqual(a.up.transitions, [true, false, true]);
    } finally {
      await closeReplica(a);
    }
  });

  void test('restart empty: held leases are registered again before Redis decides (cap not doubled)', async () => {
    const prefix = uniquePrefix();
    const key = `${prefix}:conn:acme`;
    const a = await replica(server.url, prefix);
    try {
      const leases = await acquireAll(a.limits, 3);
      server.kill();
      await a.up.until(false);
      await server.restart({ empty: true });
      await a.up.until(true);
      assert.equal(await admin.zcard(key), 3);

      const b = await replica(server.url, prefix); // another replica, fresh
      try {
        await refused(b.limits.acquireConnection('acme'), 'too_many_connections');
        await refused(a.limits.acquireConnection('acme'), 'too_many_connections');
        await leases[0]?.release();
        const onB = await b.limits.acquireConnection('acme');
        await refused(a.limits.acquireConnection('acme'), 'too_many_connections');
        await releaseAll([onB, ...leases]);
      } finally {
        await closeReplica(b);
      }
      assert.equal(await admin.zcard(key), 0);
    } finally {
      await closeReplica(a);
    }
  });

  void test("a crashed replica's leases expire within one lease period", async () => {
    const prefix = uniquePrefix();
    const key = `${prefix}:conn:acme`;
    const a = await replica(server.url, prefix);
    const crashed = await replica(server.url, prefix);
    try {
      await acquireAll(crashed.limits, 3);
      await closeReplica(crashed); // no release, no more renewals: what a crash leaves behind
      await refused(a.limits.acquireConnection('acme'), 'too_many_connections');

      const scores = (await admin.zrange(key, '0', '-1', 'WITHSCORES')).filter((_, i) => i % 2 === 1);
      const latest = Math.max(...scores.map(Number));
      assert.equal(scores.length, 3);
      assert.ok(latest - (await redisNow(admin)) <= LEASE_MS, 'expiry at most one lease period ahead');
      while ((await redisNow(admin)) <= latest) await new Promise((r) => setTimeout(r, 100));

      const leases = await acquireAll(a.limits, 3);
      assert.equal(await admin.zcard(key), 3);
      await Promise.all(leases.map((l) => l.release()));
    } finally {
      await closeReplica(a);
    }
  });

  void test('hung Redis (SIGSTOP): calls end at the deadline, later ones decide locally, reconciled after', async () => {
    const prefix = uniquePrefix();
    const key = `${prefix}:conn:acme`;
    const a = await replica(server.url, prefix);
    try {
      const first = await a.limits.acquireConnection('acme');
      server.pause();
      // In flight when Redis hangs: each ends at its deadline and is decided in memory (cap 3, 1 held).
      const batch = await Promise.allSettled(
        Array.from({ length: 6 }, () => a.limits.acquireConnection('acme')),
      );
      const granted = batch.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      assert.equal(granted.length, 2);
      for (const r of batch) {
        if (r.status === 'rejected') assert.equal((r.reason as SpeechgateError).code, 'too_many_connections');
      }
      const timeouts = a.errors.filter((e) => e instanceof Error && e.name === 'RedisTimeoutError');
      assert.ok(timeouts.length >= 1, 'timeouts reported');
      assert.equal(a.up.transitions.at(-1), false);

      // The circuit is open: no call waits on Redis any more, each decision is reported as such.
      const before = a.errors.length;
      await refused(a.limits.acquireConnection('acme'), 'too_many_connections');
      await granted[0]?.release();
      const local = await a.limits.acquireConnection('acme');
      await a.limits.consumeChars('acme', 10);
      const reported = a.errors.slice(before);
      assert.ok(reported.length >= 3);
      assert.ok(reported.every((e) => e instanceof Error && e.name === 'RedisDownError'));

      server.resume(); // the timed-out scripts now run too; reconciliation undoes them
      await a.up.until(true);
      assert.equal(await admin.zcard(key), 3);
      await refused(a.limits.acquireConnection('acme'), 'too_many_connections');
      await releaseAll([first, granted[1], local]);
      assert.equal(await admin.zcard(key), 0);
    } finally {
      server.resume();
      await closeReplica(a);
    }
  });
});

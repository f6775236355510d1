/**
 * Scale-out on loopback, all real: three gateway processes sharing one redis-server, Debian's haproxy in
 * front. A tenant's connection cap and text budget hold across replicas; a phrase synthesised by one replica
 * is a cache hit on another; a replica SIGKILLed mid-stream makes @speechgate/client reconnect through the
 * balancer, where the utterance is spoken again to the end; a rolling restart (SIGTERM, one replica at a
 * time) loses no utterance. The figures are printed for the record.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { SpeechgateClient, SpeechgateError, type DoneEvent } from '@speechgate/client';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { signHs256, startGatewayCli, type GatewayCli } from '../helpers/gateway-cli.js';
import { startHaproxy, type Haproxy } from '../helpers/haproxy.js';

const CHARS_PER_MINUTE = 6000;
const ENV = {
  SPEECHGATE_MAX_CONNECTIONS_PER_TENANT: '2',
  SPEECHGATE_CHARS_PER_MINUTE: String(CHARS_PER_MINUTE),
  SPEECHGATE_SHUTDOWN_GRACE_MS: '20000',
  SPEECHGATE_ENCODER_THREADS: '0',
};
const FAST_RECONNECT = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.2, maxAttempts: 50 };

let redis: RedisServer;
const gateways: GatewayCli[] = [];
let balancer: Haproxy;
const secret = 'scale-out-test-secret-0123456789abcdef0123456789';

const startReplica = (port?: number): Promise<GatewayCli> =>
  startGatewayCli({ port, secret, env: { ...ENV, REDIS_URL: redis.url } });

function client(url: string, tenant: string, reconnect: boolean | typeof FAST_RECONNECT = false) {
  return new SpeechgateClient({ url, token: () => signHs256(secret, tenant), WebSocket, reconnect });
}

/** Speaks `text` on a new context; resolves with its done report. */
async function speak(c: SpeechgateClient, text: string): Promise<DoneEvent> {
  const ctx = c.context({ format: 'pcm_s16le' });
  ctx.sendText(text);
  const done = await ctx.end();
  assert.ok(done, 'not cancelled');
  return done;
}

/** Speaks `text`, asking again on a new context after a retryable failure (as an app would). */
async function speakAgain(
  c: SpeechgateClient,
  text: string,
  counts: { retries: number },
): Promise<DoneEvent> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await speak(c, text);
    } catch (err) {
      if (!(err instanceof SpeechgateError && err.retryable) || attempt >= 20) throw err;
      counts.retries++;
      // A context opened while the client reconnects waits for the connection; give the backoff a moment.
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** One series' value from a replica's /metrics (0 when absent). */
async function metric(g: GatewayCli, series: string): Promise<number> {
  const text = await (await fetch(`${g.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Opens a raw WebSocket to one replica: 'open', or the HTTP status the upgrade was refused with. */
function upgrade(g: GatewayCli, tenant: string): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(g.wsUrl, ['speechgate.v1', `bearer.${signHs256(secret, tenant)}`]);
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
    });
    socket.once('error', () => resolve({ status: 0 }));
  });
}

before(async () => {
  redis = await startRedis();
  // One after another: each loads the voice, and this machine may be small.
  for (let i = 0; i < 3; i++) gateways.push(await startReplica());
  balancer = await startHaproxy(gateways.map((g) => g.port));
});

after(async () => {
  await balancer?.stop();
  await Promise.all(gateways.map((g) => g.kill()));
  await redis?.stop();
});

void describe('scale-out: 3 gateways, 1 Redis, haproxy', { timeout: 900_000 }, () => {
  void test("a tenant's connection cap holds across replicas", async () => {
    const first = await upgrade(gateways[0]!, 'cap');
    const second = await upgrade(gateways[1]!, 'cap');
    assert.deepEqual([first.status, second.status], [101, 101]);
    const third = await upgrade(gateways[2]!, 'cap');
    assert.equal(third.status, 429, 'the third connection, on a third replica, is over the cap of 2');
    const other = await upgrade(gateways[2]!, 'other-tenant');
    assert.equal(other.status, 101, 'another tenant is not affected');
    for (const s of [first.socket, second.socket, other.socket]) s?.close();
    // The leases return through Redis once the sockets are closed.
    let again = 0;
    for (let i = 0; i < 50 && again !== 101; i++) {
      again = (await upgrade(gateways[2]!, 'cap')).status;
      if (again !== 101) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(again, 101);
  });

  void test("a tenant's text budget holds across replicas", async () => {
    const text = 'Budget words are counted in the shared store. '.repeat(80); // 3760 characters
    const a = client(gateways[0]!.wsUrl, 'budget');
    const b = client(gateways[1]!.wsUrl, 'budget');
    try {
      await Promise.all([a.ready, b.ready]);
      const first = a.context({ format: 'pcm_s16le' });
      const refusedA: string[] = [];
      first.on('refused', (ev) => refusedA.push(ev.error.code));
      const heard = new Promise<void>((resolve) => first.on('audio', () => resolve()));
      first.sendText(text);
      await heard; // the text was taken (and counted) by replica 1
      first.cancel();
      assert.deepEqual(refusedA, []);
      const second = b.context({ format: 'pcm_s16le' });
      const refused = new Promise<string>((resolve) => second.on('refused', (ev) => resolve(ev.error.code)));
      second.sendText(text); // 2 x 3760 > 6000 a minute
      assert.equal(await refused, 'rate_limited');
      second.cancel();
    } finally {
      a.close();
      b.close();
    }
  });

  void test('a phrase synthesised through one replica is a cache hit through another', async () => {
    const phrase = 'Shared caches make the second replica answer from Redis.';
    const a = client(gateways[0]!.wsUrl, 'cache');
    const b = client(gateways[1]!.wsUrl, 'cache');
    try {
      await Promise.all([a.ready, b.ready]);
      const hitsBefore = await metric(gateways[1]!, 'speechgate_cache_hits_total{backend="redis"}');
      const miss = await speak(a, phrase);
      assert.equal(miss.cacheHits, 0);
      const hit = await speak(b, phrase);
      assert.equal(hit.cacheHits, hit.sentences, 'every sentence came from the cache');
      assert.equal(hit.audioMs, miss.audioMs);
      const hitsAfter = await metric(gateways[1]!, 'speechgate_cache_hits_total{backend="redis"}');
      assert.ok(hitsAfter >= hitsBefore + 1);
      console.log(
        `cache: replica 2 served ${hit.cacheHits}/${hit.sentences} sentence(s) from Redis (redis hits metric ${hitsBefore} -> ${hitsAfter})`,
      );
    } finally {
      a.close();
      b.close();
    }
  });

  void test('SIGKILL of the serving replica mid-stream: the client reconnects through haproxy and finishes', async () => {
    const c = client(balancer.wsUrl, 'kill', FAST_RECONNECT);
    let readies = 0;
    c.on('ready', () => readies++);
    try {
      await c.ready;
      const text =
        'This answer is interrupted when its replica dies. It is spoken again, to the end, by another.';
      const ctx = c.context({ format: 'pcm_s16le' });
      const framed = new Promise<void>((resolve) =>
        ctx.on('audio', () => ctx.framesReceived >= 5 && resolve()),
      );
      ctx.sendText(text);
      void ctx.end().catch(() => undefined);
      await framed;
      const open = await Promise.all(gateways.map((g) => metric(g, 'speechgate_active_connections')));
      const victim = open.findIndex((n) => n >= 1);
      assert.ok(victim >= 0, `one replica holds the connection (${open.join(', ')})`);
      await gateways[victim]!.kill();
      const failure = await ctx.finished.then(
        () => undefined,
        (err: unknown) => err,
      );
      assert.ok(
        failure instanceof SpeechgateError && failure.retryable,
        `retryable failure: ${String(failure)}`,
      );
      const counts = { retries: 0 };
      const done = await speakAgain(c, text, counts); // the app asks again; the client reconnects via haproxy
      assert.ok(done.audioMs > 2000 && done.frames * 20 === done.audioMs);
      assert.ok(readies >= 2, 'reconnected');
      console.log(
        `SIGKILL: replica ${victim + 1} killed after ${ctx.framesReceived} frames; context failed with ${failure.code}; ` +
          `reconnects ${readies - 1}; asked again ${counts.retries + 1} time(s); completed with ${done.audioMs} ms of audio`,
      );
      gateways[victim] = await startReplica(gateways[victim]!.port);
    } finally {
      c.close();
    }
  });

  void test('a rolling restart (SIGTERM one replica at a time) loses no utterance', async () => {
    const stats = { requested: 0, completed: 0, retries: 0, failed: 0, reconnects: 0 };
    let rolling = true;
    const listener = async (tenant: string): Promise<void> => {
      const c = client(balancer.wsUrl, tenant, FAST_RECONNECT);
      c.on('reconnecting', () => stats.reconnects++);
      await c.ready;
      try {
        for (let n = 0; rolling || n === 0; n++) {
          stats.requested++;
          try {
            const done = await speakAgain(c, `Listener ${tenant} hears utterance number ${n + 1}.`, stats);
            stats.completed++;
            // Paced like a listener: the next utterance after this one has played.
            await new Promise((r) => setTimeout(r, done.audioMs));
          } catch (err) {
            stats.failed++;
            throw err;
          }
        }
      } finally {
        c.close();
      }
    };
    const listeners = ['roll-a', 'roll-b', 'roll-c'].map(listener);
    for (let i = 0; i < gateways.length; i++) {
      const old = gateways[i]!;
      await old.stop(60_000);
      assert.equal(await old.exited, 0, `replica ${i + 1} drained and exited 0:\n${old.output()}`);
      gateways[i] = await startReplica(old.port);
    }
    rolling = false;
    await Promise.all(listeners);
    console.log(
      `rolling restart: ${stats.completed}/${stats.requested} utterances completed, ${stats.retries} retried ` +
        `after a retryable refusal, ${stats.reconnects} reconnects, ${stats.failed} failed`,
    );
    assert.equal(stats.failed, 0);
    assert.equal(stats.completed, stats.requested);
    assert.ok(stats.completed >= 3);
  });
});

/**
 * Failure modes end to end: a client that stops reading is cut off (4008) without hurting another
 * client, and Redis dying mid-run degrades the cache and limits without failing any stream.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Redis } from 'ioredis';
import type { DoneMessage } from '../../src/protocol/messages.js';
import { loadE2EVoices, type E2EVoices } from '../helpers/e2e-voices.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { checkFrameSequence, StreamClient } from '../helpers/stream-client.js';
import { signToken, startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const SENTENCES =
  'A paused reader cannot keep up with this stream of speech, no matter how patient the server is. ' +
  'Every sentence here repeats, so after the first pass the audio comes straight from the cache. ';

async function metricSum(gw: TestGateway, name: string): Promise<number> {
  const text = (await gw.deps.metrics.render()).body;
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

async function until(what: string, probe: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function speak(client: StreamClient, contextId: string, text: string): Promise<DoneMessage> {
  client.send({ type: 'start', context_id: contextId, format: { encoding: 'opus' } });
  client.send({ type: 'text', context_id: contextId, text });
  client.send({ type: 'end', context_id: contextId });
  const done = await client.finished(contextId);
  assert.equal(done.type, 'done', JSON.stringify(done));
  assert.ok(done.frames > 0);
  assert.equal(client.framesOf(contextId).length, done.frames);
  checkFrameSequence(client.framesOf(contextId));
  return done;
}

void describe('e2e: resilience', () => {
  let voices: E2EVoices;

  before(async () => {
    voices = await loadE2EVoices();
  });

  after(async () => {
    await voices?.close();
  });

  void test('a client that stops reading is closed with 4008 while another gets all its audio', async () => {
    const gw = await startTestGateway(voices.registry, {
      env: {
        SPEECHGATE_SEND_HIGH_WATER_BYTES: '16384',
        SPEECHGATE_SEND_HARD_LIMIT_BYTES: '65536',
        SPEECHGATE_SLOW_CONSUMER_TIMEOUT_MS: '1000',
      },
    });
    try {
      const token = await signToken();
      const slow = await StreamClient.connect(gw.wsUrl, { token });
      const fast = await StreamClient.connect(gw.wsUrl, { token });
      // Far more audio than the kernel's socket buffers hold (uncompressed 48 kHz PCM), so the
      // server's own buffer must fill up once the client stops reading.
      slow.send({
        type: 'start',
        context_id: 'flood',
        format: { encoding: 'pcm_s16le', sample_rate: 48000 },
      });
      slow.send({ type: 'text', context_id: 'flood', text: SENTENCES.repeat(30) });
      slow.send({ type: 'end', context_id: 'flood' });
      (slow.ws as unknown as { _socket: Socket })._socket.pause();

      const done = await speak(fast, 'normal', 'The other client is still served in full.');
      assert.ok(done.frames > 0);

      const closedSlow = (): boolean =>
        gw.logs.records().some((r) => r.event === 'connection_closed' && r.closeCode === 4008);
      await until('the slow client to be closed', closedSlow);
      (slow.ws as unknown as { _socket: Socket })._socket.resume();
      const { code } = await slow.closed;
      assert.equal(code, 4008);
      const fatal = slow.messages.find((m) => m.type === 'error');
      assert.equal(fatal?.type === 'error' && fatal.code, 'slow_consumer');
      assert.ok((await metricSum(gw, 'speechgate_errors_total')) >= 1);

      // The fast client's connection is unaffected.
      await speak(fast, 'after', 'And it keeps working afterwards.');
      await fast.close();
    } finally {
      await gw.close();
    }
  });

  void test('a connection with no client message for the idle timeout is closed with 4000, a busy one is not', async () => {
    const gw = await startTestGateway(voices.registry, { env: { SPEECHGATE_IDLE_TIMEOUT_S: '1' } });
    try {
      const token = await signToken();
      const idle = await StreamClient.connect(gw.wsUrl, { token });
      const busy = await StreamClient.connect(gw.wsUrl, { token });
      // Sends nothing after `end`, but its context streams for longer than the idle timeout
      // (distinct sentences, so none comes from the cache).
      const many = Array.from(
        { length: 40 },
        (_, i) => `Sentence number ${i + 1} keeps the voice busy.`,
      ).join(' ');
      busy.send({ type: 'start', context_id: 'talk', format: { encoding: 'pcm_s16le' } });
      busy.send({ type: 'text', context_id: 'talk', text: many });
      busy.send({ type: 'end', context_id: 'talk' });
      const { code, reason } = await idle.closed;
      assert.equal(code, 4000);
      assert.match(reason, /idle/);
      const error = idle.messages.find((m) => m.type === 'error');
      assert.ok(error?.type === 'error' && error.code === 'idle_timeout' && error.fatal);
      assert.ok(!busy.messages.some((m) => m.type === 'done'), 'the busy context was still streaming');
      assert.ok(busy.framesOf('talk').length > 0);
      busy.send({ type: 'cancel', context_id: 'talk' });
      assert.equal((await busy.finished('talk')).type, 'cancelled', 'the busy connection is still open');
      await busy.close();
    } finally {
      await gw.close();
    }
  });

  void describe('with Redis', () => {
    let redis: RedisServer;
    let gw: TestGateway;

    before(async () => {
      redis = await startRedis();
      gw = await startTestGateway(voices.registry, { env: { REDIS_URL: redis.url } });
    });

    after(async () => {
      await gw?.close();
      await redis?.stop();
    });

    void test('streams and speech requests still complete after Redis is killed mid-run', async () => {
      assert.equal(gw.deps.cache.backend, 'redis');
      const token = await signToken();
      const client = await StreamClient.connect(gw.wsUrl, { token });
      const phrase = 'Redis holds this sentence.';
      await speak(client, 'first', phrase);
      // The cache write is not awaited by the stream: wait until it is really in Redis.
      const admin = new Redis(redis.url);
      try {
        for (let i = 0; (await admin.dbsize()) === 0; i++) {
          assert.ok(i < 500, 'the phrase never reached Redis');
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        admin.disconnect();
      }
      await speak(client, 'hit', phrase);
      assert.ok(
        client.messagesOf('hit').some((m) => m.type === 'sentence' && m.cached),
        'served from Redis',
      );

      // Kill Redis while a multi-sentence stream is playing.
      client.send({ type: 'start', context_id: 'during', format: { encoding: 'opus' } });
      client.send({
        type: 'text',
        context_id: 'during',
        text: `${phrase} Then Redis dies. ${phrase} The stream goes on.`,
      });
      client.send({ type: 'end', context_id: 'during' });
      await client.waitForFrames('during', 1);
      redis.kill();
      const during = await client.finished('during');
      assert.equal(during.type, 'done', JSON.stringify(during));
      checkFrameSequence(client.framesOf('during'));

      // New connections are admitted (limits fall back to this replica's memory)...
      const second = await StreamClient.connect(gw.wsUrl, { token });
      await speak(second, 'new', 'A new connection works too.');
      // ...and so does the speech endpoint.
      const res = await fetch(`${gw.httpUrl}/v1/audio/speech`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ input: 'Speech without Redis.', response_format: 'pcm' }),
      });
      assert.equal(res.status, 200);
      assert.ok((await res.arrayBuffer()).byteLength > 0);

      assert.ok((await metricSum(gw, 'speechgate_limit_store_errors_total')) > 0, 'limit fallbacks counted');
      assert.ok((await metricSum(gw, 'speechgate_cache_errors_total')) > 0, 'cache failures counted');
      await Promise.all([client.close(), second.close()]);
    });
  });

  void test('Redis down at start: the gateway runs degraded, then uses Redis once it is up', async () => {
    const redis = await startRedis();
    await redis.stop(); // its port is now known and closed
    const gw = await startTestGateway(voices.registry, { env: { REDIS_URL: redis.url } });
    try {
      const events = (): unknown[] => gw.logs.records().map((r) => r.event);
      assert.ok(events().includes('redis_unavailable'));
      const token = await signToken();
      const early = await StreamClient.connect(gw.wsUrl, { token });
      await speak(early, 'early', 'No Redis yet.');
      await early.close();

      await redis.restart();
      await until(
        'the gateway to reconnect to Redis',
        () => events().includes('redis_up') && events().includes('cache_up'),
      );
      const later = await StreamClient.connect(gw.wsUrl, { token });
      await speak(later, 'later', 'Redis is back.');
      const admin = new Redis(redis.url);
      try {
        const keys = await admin.keys('sg:*');
        assert.ok(
          keys.some((k) => k.startsWith('sg:lim:')),
          'limits count in Redis again',
        );
      } finally {
        admin.disconnect();
      }
      await later.close();
    } finally {
      await gw.close();
      await redis.stop();
    }
  });
});

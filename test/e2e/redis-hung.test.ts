/**
 * A hung Redis (SIGSTOP: the socket stays open, nothing answers) under the real gateway: streams
 * still complete, the limits and the cache say so in the log, and once Redis answers again the
 * connection slots held meanwhile are in Redis.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { loadE2EVoices, type E2EVoices } from '../helpers/e2e-voices.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { StreamClient } from '../helpers/stream-client.js';
import { signToken, startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

async function until(what: string, probe: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what} never happened`);
}

void describe('e2e: hung Redis', () => {
  let voices: E2EVoices;
  let redis: RedisServer;
  let gw: TestGateway;

  before(async () => {
    voices = await loadE2EVoices();
    redis = await startRedis();
    gw = await startTestGateway(voices.registry, { env: { REDIS_URL: redis.url } });
  });

  after(async () => {
    redis?.resume();
    await gw?.close();
    await redis?.stop();
    await voices?.close();
  });

  void test('streams complete while Redis hangs; degraded limits and cache are logged; slots reconciled', async () => {
    const events = (): unknown[] => gw.logs.records().map((r) => r.event);
    const admin = new Redis(redis.url);
    try {
      const token = await signToken({ tenant: 'hung' });
      await until('redis up', () => events().includes('redis_up'));
      redis.pause();
      const client = await StreamClient.connect(gw.wsUrl, { token });
      for (const id of ['a', 'b']) {
        client.send({ type: 'start', context_id: id, format: { encoding: 'opus' } });
        client.send({ type: 'text', context_id: id, text: 'Redis is not answering.' });
        client.send({ type: 'end', context_id: id });
        const done = await client.finished(id);
        assert.equal(done.type, 'done', JSON.stringify(done));
      }
      assert.ok(events().includes('limits_degraded'), 'limits_degraded logged');
      assert.ok(events().includes('cache_down'), 'cache_down logged');

      redis.resume();
      // The connection slot taken while Redis hung is registered once it answers.
      await until(
        'the held connection lease in Redis',
        async () => (await admin.zcard('sg:lim:conn:hung')) === 1,
      );
      await client.close();
    } finally {
      admin.disconnect();
    }
  });
});

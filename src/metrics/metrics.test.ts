import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics, OTHER_TENANT } from './index.js';

const OWN_METRICS = [
  'speechgate_time_to_first_audio_seconds',
  'speechgate_stage_duration_seconds',
  'speechgate_real_time_factor',
  'speechgate_event_loop_delay_seconds',
  'speechgate_active_connections',
  'speechgate_active_contexts',
  'speechgate_queued_audio_bytes',
  'speechgate_cache_hits_total',
  'speechgate_cache_misses_total',
  'speechgate_cache_errors_total',
  'speechgate_auth_failures_total',
  'speechgate_limit_rejections_total',
  'speechgate_limit_store_errors_total',
  'speechgate_errors_total',
  'speechgate_synthesized_audio_seconds_total',
  'speechgate_synthesized_characters_total',
  'speechgate_http_requests_total',
];

/** Value of one sample line, e.g. sample(body, 'x_total{a="b"}'). */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

void describe('metrics', () => {
  void test('render lists every metric, default process metrics and event-loop lag', async () => {
    const metrics = createMetrics();
    try {
      const { contentType, body } = await metrics.render();
      assert.match(contentType, /^text\/plain/);
      for (const name of OWN_METRICS) assert.ok(body.includes(`# TYPE ${name} `), `missing ${name}`);
      assert.ok(body.includes('# TYPE process_cpu_user_seconds_total counter'));
      assert.ok(body.includes('# TYPE nodejs_eventloop_lag_seconds gauge'));
      assert.ok(body.includes('# TYPE nodejs_eventloop_lag_p99_seconds gauge'));
    } finally {
      metrics.close();
    }
  });

  void test('histograms observe into the right buckets', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    try {
      metrics.timeToFirstAudio.observe(0.012);
      metrics.timeToFirstAudio.observe(0.3);
      metrics.observeStage('vocoder', 0.004);
      metrics.realTimeFactor.observe(0.2);
      const { body } = await metrics.render();
      assert.equal(sample(body, 'speechgate_time_to_first_audio_seconds_bucket{le="0.01"}'), 0);
      assert.equal(sample(body, 'speechgate_time_to_first_audio_seconds_bucket{le="0.015"}'), 1);
      assert.equal(sample(body, 'speechgate_time_to_first_audio_seconds_bucket{le="+Inf"}'), 2);
      assert.equal(sample(body, 'speechgate_time_to_first_audio_seconds_count'), 2);
      assert.ok(Math.abs((sample(body, 'speechgate_time_to_first_audio_seconds_sum') ?? 0) - 0.312) < 1e-9);
      assert.equal(sample(body, 'speechgate_stage_duration_seconds_bucket{le="0.005",stage="vocoder"}'), 1);
      assert.equal(sample(body, 'speechgate_stage_duration_seconds_bucket{le="0.0025",stage="vocoder"}'), 0);
      assert.equal(sample(body, 'speechgate_real_time_factor_count'), 1);
    } finally {
      metrics.close();
    }
  });

  void test('cache and limit hooks count by label; gauges and counters render values', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    try {
      const cache = metrics.cacheHooks();
      cache.onHit('redis');
      cache.onMiss('redis');
      cache.onMiss('memory');
      cache.onError('get', new Error('x'), 'redis');
      const limits = metrics.limitHooks();
      limits.onReject('chars');
      limits.onRedisError('connections', new Error('down'));
      metrics.activeConnections.inc(3);
      metrics.activeConnections.dec();
      metrics.errors.inc({ code: 'rate_limited' });
      metrics.authFailures.inc({ reason: 'token_expired' });
      metrics.httpRequests.inc({ route: '/metrics', status: 200 });

      const { body } = await metrics.render();
      assert.equal(sample(body, 'speechgate_cache_hits_total{backend="redis"}'), 1);
      assert.equal(sample(body, 'speechgate_cache_misses_total{backend="redis"}'), 1);
      assert.equal(sample(body, 'speechgate_cache_misses_total{backend="memory"}'), 1);
      assert.equal(sample(body, 'speechgate_cache_errors_total{backend="redis",op="get"}'), 1);
      assert.equal(sample(body, 'speechgate_limit_rejections_total{limit="chars"}'), 1);
      assert.equal(sample(body, 'speechgate_limit_store_errors_total{limit="connections"}'), 1);
      assert.equal(sample(body, 'speechgate_active_connections'), 2);
      assert.equal(sample(body, 'speechgate_errors_total{code="rate_limited"}'), 1);
      assert.equal(sample(body, 'speechgate_auth_failures_total{reason="token_expired"}'), 1);
      assert.equal(sample(body, 'speechgate_http_requests_total{route="/metrics",status="200"}'), 1);
    } finally {
      metrics.close();
    }
  });

  void test('tenant label is bounded', async () => {
    const metrics = createMetrics({ defaultMetrics: false, maxTenantLabels: 2 });
    try {
      metrics.recordSynthesis('a', { characters: 10, audioSeconds: 1.5 });
      metrics.recordSynthesis('b', { characters: 5 });
      metrics.recordSynthesis('c', { characters: 7 });
      metrics.recordSynthesis('d', { characters: 1, audioSeconds: 0.5 });
      metrics.recordSynthesis('a', { characters: 1 });
      const { body } = await metrics.render();
      assert.equal(sample(body, 'speechgate_synthesized_characters_total{tenant="a"}'), 11);
      assert.equal(sample(body, 'speechgate_synthesized_characters_total{tenant="b"}'), 5);
      assert.equal(sample(body, `speechgate_synthesized_characters_total{tenant="${OTHER_TENANT}"}`), 8);
      assert.equal(sample(body, 'speechgate_synthesized_characters_total{tenant="c"}'), undefined);
      assert.equal(sample(body, 'speechgate_synthesized_audio_seconds_total{tenant="a"}'), 1.5);
      assert.equal(sample(body, `speechgate_synthesized_audio_seconds_total{tenant="${OTHER_TENANT}"}`), 0.5);
    } finally {
      metrics.close();
    }
  });

  void test('the event-loop sampler observes a blocked loop', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    try {
      const until = performance.now() + 60;
      while (performance.now() < until) {
        // block the loop
      }
      await new Promise((r) => setTimeout(r, 50));
      const { body } = await metrics.render();
      assert.ok((sample(body, 'speechgate_event_loop_delay_seconds_count') ?? 0) >= 1);
      // The blocked stretch shows up above the 20 ms bucket.
      const upTo20ms = sample(body, 'speechgate_event_loop_delay_seconds_bucket{le="0.02"}') ?? 0;
      const all = sample(body, 'speechgate_event_loop_delay_seconds_bucket{le="+Inf"}') ?? 0;
      assert.ok(all - upTo20ms >= 1, body);
    } finally {
      metrics.close();
    }
  });

  void test('several registries coexist', async () => {
    const a = createMetrics();
    const b = createMetrics();
    try {
      a.activeContexts.set(4);
      assert.equal(sample((await b.render()).body, 'speechgate_active_contexts'), 0);
      assert.equal(sample((await a.render()).body, 'speechgate_active_contexts'), 4);
    } finally {
      a.close();
      b.close();
    }
  });
});

/**
 * Prometheus metrics on a private Registry (several can coexist, e.g. one per test).
 *
 * Label cardinality: every label has a small fixed value set (stage, backend, op, reason, limit,
 * code, route, status) except `tenant`, which only the two synthesis-volume counters carry (the
 * ones billing and capacity planning need per tenant). Even there it is capped: after
 * `maxTenantLabels` distinct tenants, the rest are counted under tenant="other".
 * Callers must pass route templates ('/v1/speak', 'ws'), never raw URLs.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PhraseCacheHooks } from '../cache/types.js';
import type { LimitsOptions } from '../limits/types.js';
import { sampleEventLoopDelay } from './event-loop.js';

export type Stage = 'frontend' | 'acoustic' | 'vocoder' | 'encode';

/** 5 ms steps where first-audio latency matters most, coarser up to 2 s. */
export const FIRST_AUDIO_BUCKETS = [
  0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.045, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.125, 0.15,
  0.175, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2,
];
const STAGE_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2,
];
const RTF_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5];
const LOOP_DELAY_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1];

export const OTHER_TENANT = 'other';

export interface MetricsOptions {
  /** Distinct tenant label values before the rest are folded into "other" (default 500). */
  maxTenantLabels?: number;
  /** Process/runtime metrics from prom-client (default true). */
  defaultMetrics?: boolean;
}

export interface Metrics {
  readonly registry: Registry;
  /** Seconds from a context's first text to its first audio byte sent. */
  readonly timeToFirstAudio: Histogram;
  /** Seconds spent per pipeline stage, label stage: use observeStage() for a typed label. */
  readonly stageLatency: Histogram<'stage'>;
  /** Compute time / audio duration per synthesized chunk (below 1 = faster than real time). */
  readonly realTimeFactor: Histogram;
  readonly eventLoopDelay: Histogram;
  readonly activeConnections: Gauge;
  readonly activeContexts: Gauge;
  /** Audio bytes waiting to be written to slow clients, summed over connections. */
  readonly queuedAudioBytes: Gauge;
  readonly cacheHits: Counter<'backend'>;
  readonly cacheMisses: Counter<'backend'>;
  readonly cacheErrors: Counter<'backend' | 'op'>;
  readonly authFailures: Counter<'reason'>;
  readonly limitRejections: Counter<'limit'>;
  /** Limit decisions taken in memory because Redis failed. */
  readonly limitStoreErrors: Counter<'limit'>;
  /** Errors sent to clients, by SpeechgateError code. */
  readonly errors: Counter<'code'>;
  readonly httpRequests: Counter<'route' | 'status'>;
  observeStage(stage: Stage, seconds: number): void;
  /** Per-tenant synthesis volume (tenant label bounded, see module comment). */
  recordSynthesis(tenant: string, volume: { characters?: number; audioSeconds?: number }): void;
  /** Spread into createPhraseCache() options. */
  cacheHooks(): Required<PhraseCacheHooks>;
  /** Spread into createLimits() options. */
  limitHooks(): Required<Pick<LimitsOptions, 'onReject' | 'onRedisError'>>;
  render(): Promise<{ contentType: string; body: string }>;
  /** Stops the event-loop sampler. */
  close(): void;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const histogram = <T extends string>(name: string, help: string, buckets: number[], labelNames: T[] = []) =>
    new Histogram<T>({ name, help, buckets, labelNames, registers });
  const counter = <T extends string>(name: string, help: string, labelNames: T[] = []) =>
    new Counter<T>({ name, help, labelNames, registers });
  const gauge = (name: string, help: string) => new Gauge({ name, help, registers });

  const stageLatency = histogram(
    'speechgate_stage_duration_seconds',
    'Time per pipeline stage.',
    STAGE_BUCKETS,
    ['stage'],
  );
  const eventLoopDelay = histogram(
    'speechgate_event_loop_delay_seconds',
    'Event-loop delay, sampled every 20 ms.',
    LOOP_DELAY_BUCKETS,
  );
  const synthesizedCharacters = counter(
    'speechgate_synthesized_characters_total',
    'Characters synthesized.',
    ['tenant'],
  );
  const synthesizedAudioSeconds = counter('speechgate_synthesized_audio_seconds_total', 'Audio produced.', [
    'tenant',
  ]);
  const cacheHits = counter('speechgate_cache_hits_total', 'Phrase cache hits.', ['backend']);
  const cacheMisses = counter('speechgate_cache_misses_total', 'Phrase cache misses.', ['backend']);
  const cacheErrors = counter(
    'speechgate_cache_errors_total',
    'Phrase cache failures (reads count as misses).',
    ['backend', 'op'],
  );
  const limitRejections = counter('speechgate_limit_rejections_total', 'Requests refused by a limit.', [
    'limit',
  ]);
  const limitStoreErrors = counter(
    'speechgate_limit_store_errors_total',
    'Redis failures in limit checks (decided in this replica instead).',
    ['limit'],
  );

  const maxTenants = options.maxTenantLabels ?? 500;
  const knownTenants = new Set<string>();
  const tenantLabel = (tenant: string): string => {
    if (knownTenants.has(tenant)) return tenant;
    if (knownTenants.size >= maxTenants) return OTHER_TENANT;
    knownTenants.add(tenant);
    return tenant;
  };

  const stopSampler = sampleEventLoopDelay(eventLoopDelay);

  return {
    registry,
    timeToFirstAudio: histogram(
      'speechgate_time_to_first_audio_seconds',
      'From the first text of a context to its first audio sent.',
      FIRST_AUDIO_BUCKETS,
    ),
    stageLatency,
    realTimeFactor: histogram(
      'speechgate_real_time_factor',
      'Synthesis compute time divided by audio duration.',
      RTF_BUCKETS,
    ),
    eventLoopDelay,
    activeConnections: gauge('speechgate_active_connections', 'Open client connections.'),
    activeContexts: gauge('speechgate_active_contexts', 'Open synthesis contexts.'),
    queuedAudioBytes: gauge('speechgate_queued_audio_bytes', 'Audio bytes queued for sending.'),
    cacheHits,
    cacheMisses,
    cacheErrors,
    authFailures: counter('speechgate_auth_failures_total', 'Rejected authentications.', ['reason']),
    limitRejections,
    limitStoreErrors,
    errors: counter('speechgate_errors_total', 'Errors reported to clients.', ['code']),
    httpRequests: counter('speechgate_http_requests_total', 'HTTP requests served.', ['route', 'status']),

    observeStage: (stage, seconds) => stageLatency.observe({ stage }, seconds),

    recordSynthesis(tenant, volume) {
      const labels = { tenant: tenantLabel(tenant) };
      if (volume.characters !== undefined && volume.characters > 0)
        synthesizedCharacters.inc(labels, volume.characters);
      if (volume.audioSeconds !== undefined && volume.audioSeconds > 0) {
        synthesizedAudioSeconds.inc(labels, volume.audioSeconds);
      }
    },

    cacheHooks: () => ({
      onHit: (backend) => cacheHits.inc({ backend }),
      onMiss: (backend) => cacheMisses.inc({ backend }),
      onError: (op, _err, backend) => cacheErrors.inc({ backend, op }),
    }),

    limitHooks: () => ({
      onReject: (limit) => limitRejections.inc({ limit }),
      onRedisError: (limit) => limitStoreErrors.inc({ limit }),
    }),

    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },

    close: stopSampler,
  };
}

/**
 * Builds the shared dependencies of a gateway process from its configuration (metrics, Redis, cache,
 * limits, voices) and closes them again in the right order. Redis is optional and never fatal: if it
 * is down the cache misses and the limits count per replica until it is back.
 */
import { Redis } from 'ioredis';
import { EncoderPool } from '../audio/encoder-pool.js';
import { LocalEncoders, type EncoderService } from '../audio/frame-encoder.js';
import { createPhraseCache, type PhraseCache } from '../cache/index.js';
import type { Config } from '../config/index.js';
import { SpeechgateError } from '../errors.js';
import { createLimits, type Limits } from '../limits/index.js';
import { errorFields, type Logger } from '../log.js';
import { createMetrics } from '../metrics/index.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { VoiceRegistry } from '../tts/registry.js';

export interface RuntimeOptions {
  /** Voices built elsewhere (tests); default: loaded from config.tts. */
  voices?: VoiceRegistry;
  /** How long to wait for Redis at start before running degraded (default 3000 ms). */
  redisConnectTimeoutMs?: number;
  /** prom-client's process metrics (default true; tests running several gateways turn them off). */
  defaultMetrics?: boolean;
}

export interface Runtime {
  deps: GatewayDeps;
  /** Closes limits, cache, Redis, voices and metrics; idempotent. */
  close(): Promise<void>;
}

export async function openRuntime(
  config: Config,
  logger: Logger,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const metrics = createMetrics({ defaultMetrics: options.defaultMetrics ?? true });
  let redis: Redis | undefined;
  let cache: PhraseCache | undefined;
  let limits: Limits | undefined;
  let voices: VoiceRegistry | undefined = options.voices;
  const encoders: EncoderService =
    config.tts.encoderThreads > 0 ? EncoderPool.create(config.tts.encoderThreads) : new LocalEncoders();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await limits?.close();
    await cache?.close();
    redis?.disconnect();
    if (options.voices === undefined) await voices?.close();
    await encoders.close();
    metrics.close();
  };

  try {
    if (config.redis.url !== undefined) {
      redis = await connectRedis(config.redis.url, logger, options.redisConnectTimeoutMs ?? 3000);
    }
    cache = createPhraseCache({
      ...metrics.cacheHooks(),
      redisUrl: config.redis.url,
      maxBytes: config.cache.maxBytes,
      ttlSeconds: config.cache.ttlSeconds,
      onConnectionChange: (up) =>
        up
          ? logger.info({ event: 'cache_up' }, 'redis cache connected')
          : logger.warn({ event: 'cache_down' }, 'redis cache unavailable: every lookup is a miss'),
    });
    const limitHooks = metrics.limitHooks();
    let storeErrorLogged = 0;
    limits = createLimits(config.limits, redis, {
      ...limitHooks,
      onRedisError: (limit, err) => {
        limitHooks.onRedisError(limit, err);
        // Once a minute at most: during an outage every decision reports.
        if (Date.now() - storeErrorLogged < 60_000) return;
        storeErrorLogged = Date.now();
        logger.warn({ event: 'limits_degraded', limit }, 'redis unavailable: limits are counted per replica');
      },
    });
    voices ??= await loadVoices(config);
  } catch (err) {
    await close();
    throw err;
  }
  return { deps: { config, voices, encoders, cache, limits, metrics, logger }, close };
}

async function loadVoices(config: Config): Promise<VoiceRegistry> {
  const { voicesDir, device, threads, defaultVoice, workers } = config.tts;
  try {
    return await VoiceRegistry.load(voicesDir, { device, threads }, defaultVoice, workers);
  } catch (err) {
    if (err instanceof SpeechgateError) throw err; // device_unavailable says it all
    throw new Error(`cannot load the voices in ${voicesDir} (SPEECHGATE_VOICES_DIR)`, { cause: err });
  }
}

/** A client for the limits; resolves even when Redis is down (the client keeps reconnecting). */
async function connectRedis(url: string, logger: Logger, timeoutMs: number): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(500, timeoutMs),
    disconnectTimeout: 200,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times - 1, 10), 2000),
  });
  let up = false;
  redis.on('error', () => undefined); // state changes are logged below; errors repeat per retry
  redis.on('ready', () => {
    up = true;
    logger.info({ event: 'redis_up' }, 'redis connected');
  });
  redis.on('close', () => {
    if (up) logger.warn({ event: 'redis_down' }, 'redis connection lost; reconnecting');
    up = false;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs))),
    ]);
  } catch (err) {
    // The URL may hold a password: it is not logged.
    logger.warn(
      { event: 'redis_unavailable', ...errorFields(err) },
      'redis is not reachable at start: the cache misses and limits count per replica until it is',
    );
  } finally {
    clearTimeout(timer);
  }
  return redis;
}

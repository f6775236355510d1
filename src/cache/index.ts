import { MemoryPhraseCache } from './memory.js';
import { RedisPhraseCache } from './redis.js';
import type { PhraseCache, PhraseCacheHooks } from './types.js';

export { phraseCacheKey, PHRASE_CACHE_KEY_PREFIX, type PhraseKeyParts } from './key.js';
export { MemoryPhraseCache, type MemoryPhraseCacheOptions } from './memory.js';
export { RedisPhraseCache, CacheTimeoutError, type RedisPhraseCacheOptions } from './redis.js';
export { encodePhrase, decodePhrase, CorruptPhraseError, PHRASE_CODEC_VERSION } from './codec.js';
export * from './types.js';

export interface CreatePhraseCacheOptions extends PhraseCacheHooks {
  /** When set, the cache lives in Redis and is shared by replicas; otherwise in process memory. */
  redisUrl?: string;
  /** Byte cap of the in-memory cache (ignored for Redis, whose memory is bounded by TTL and server policy). */
  maxBytes: number;
  /** Entry lifetime in Redis (the in-memory cache evicts by size only). */
  ttlSeconds: number;
  onConnectionChange?: (up: boolean) => void;
  getTimeoutMs?: number;
}

export function createPhraseCache(opts: CreatePhraseCacheOptions): PhraseCache {
  const hooks: PhraseCacheHooks = { onHit: opts.onHit, onMiss: opts.onMiss, onError: opts.onError };
  if (opts.redisUrl !== undefined && opts.redisUrl !== '') {
    return new RedisPhraseCache({
      url: opts.redisUrl,
      ttlSeconds: opts.ttlSeconds,
      hooks,
      onConnectionChange: opts.onConnectionChange,
      getTimeoutMs: opts.getTimeoutMs,
    });
  }
  return new MemoryPhraseCache({ maxBytes: opts.maxBytes, hooks });
}

/** One word of a cached phrase, with its timing inside the phrase audio. */
export interface CachedWord {
  word: string;
  startMs: number;
  endMs: number;
}

/** The already-encoded output of one sentence in one output format: a hit can stream at once. */
export interface CachedPhrase {
  frames: Uint8Array[];
  words: CachedWord[];
  durationMs: number;
}

export type CacheBackend = 'memory' | 'redis';
export type CacheOp = 'get' | 'set';

/**
 * Best-effort store: a cache failure must never fail synthesis, so `get` resolves `undefined` on any
 * problem and `set` swallows errors (reporting them through hooks). Values are shared, not copied,
 * on a hit: callers must treat them as immutable.
 */
export interface PhraseCache {
  readonly backend: CacheBackend;
  readonly stats: CacheStats;
  get(key: string, signal?: AbortSignal): Promise<CachedPhrase | undefined>;
  set(key: string, value: CachedPhrase): Promise<void>;
  close(): Promise<void>;
}

/** Callbacks so metrics can count cache events without the cache depending on prom-client. */
export interface PhraseCacheHooks {
  /** Every get() ends in exactly one of onHit/onMiss; onError is reported in addition. */
  onHit?: (backend: CacheBackend) => void;
  onMiss?: (backend: CacheBackend) => void;
  onError?: (op: CacheOp, err: unknown, backend: CacheBackend) => void;
}

/** Plain running counters, handy for health output and tests. */
export class CacheStats {
  hits = 0;
  misses = 0;
  errors = 0;
}

/** Counts into `stats` and forwards to the hooks; a throwing hook must not break the cache. */
export class CacheEvents {
  readonly stats = new CacheStats();

  constructor(
    private readonly backend: CacheBackend,
    private readonly hooks: PhraseCacheHooks = {},
  ) {}

  hit(): void {
    this.stats.hits++;
    guard(() => this.hooks.onHit?.(this.backend));
  }

  miss(): void {
    this.stats.misses++;
    guard(() => this.hooks.onMiss?.(this.backend));
  }

  error(op: CacheOp, err: unknown): void {
    this.stats.errors++;
    guard(() => this.hooks.onError?.(op, err, this.backend));
  }
}

function guard(fn: () => void): void {
  try {
    fn();
  } catch {
    // hooks are observers; their failures are not the cache's
  }
}

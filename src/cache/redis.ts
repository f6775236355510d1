import { Redis } from 'ioredis';
import { decodePhrase, encodePhrase } from './codec.js';
import {
  CacheEvents,
  type CachedPhrase,
  type CacheStats,
  type PhraseCache,
  type PhraseCacheHooks,
} from './types.js';

export interface RedisPhraseCacheOptions {
  /** redis://[user:pass@]host:port[/db] or rediss:// */
  url: string;
  ttlSeconds: number;
  /** A get() slower than this counts as a miss: synthesizing is better than waiting (default 80 ms). */
  getTimeoutMs?: number;
  /** Upper bound for any command, sets included (default 1000 ms). */
  commandTimeoutMs?: number;
  /**
   * After a get timed out, gets and sets skip Redis (a miss, reported as an error) for this long,
   * so a hung server costs one deadline per period rather than one per phrase (default 5000 ms).
   */
  slowBackoffMs?: number;
  /** Cap of the exponential reconnect back-off (default 2000 ms). */
  reconnectMaxDelayMs?: number;
  hooks?: PhraseCacheHooks;
  /**
   * Called on transitions only, e.g. to log "cache backend down" once rather than per request:
   * connection lost or a get timed out (down), connected or a get answered again (up).
   */
  onConnectionChange?: (up: boolean) => void;
}

export class CacheTimeoutError extends Error {
  constructor(ms: number) {
    super(`cache get timed out after ${ms} ms`);
    this.name = 'CacheTimeoutError';
  }
}

class CacheUnavailableError extends Error {
  constructor(status: string) {
    super(`redis not ready (${status})`);
    this.name = 'CacheUnavailableError';
  }
}

const DONE = Symbol('done');

/**
 * Shared cache across replicas. Availability beats completeness here: the client never queues
 * commands while disconnected (no offline queue, in-flight commands fail on disconnect), gets are
 * cut off after a short deadline, and the client keeps reconnecting in the background until close().
 */
export class RedisPhraseCache implements PhraseCache {
  readonly backend = 'redis' as const;
  private readonly client: Redis;
  private readonly events: CacheEvents;
  private readonly ttlSeconds: number;
  private readonly getTimeoutMs: number;
  private readonly slowBackoffMs: number;
  /** Until then (Date.now() ms) Redis is treated as unavailable: it was too slow. */
  private slowUntil = 0;
  private up = false;
  private closed = false;

  constructor(private readonly options: RedisPhraseCacheOptions) {
    if (!(options.ttlSeconds >= 1)) throw new RangeError('ttlSeconds must be >= 1');
    this.ttlSeconds = Math.floor(options.ttlSeconds);
    this.getTimeoutMs = options.getTimeoutMs ?? 80;
    this.slowBackoffMs = options.slowBackoffMs ?? 5000;
    this.events = new CacheEvents('redis', options.hooks);
    const maxDelay = options.reconnectMaxDelayMs ?? 2000;
    this.client = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      connectTimeout: 2000,
      // After the server died, disconnect() would otherwise hold a 2 s timer on the dead socket.
      disconnectTimeout: 200,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times - 1, 10), maxDelay),
    });
    // Without an 'error' listener ioredis prints every failed reconnect attempt.
    this.client.on('error', () => undefined);
    this.client.on('ready', () => this.setUp(true));
    this.client.on('close', () => this.setUp(false));
  }

  get stats(): CacheStats {
    return this.events.stats;
  }

  /** True while the connection is ready. */
  get connected(): boolean {
    return this.client.status === 'ready';
  }

  async get(key: string, signal?: AbortSignal): Promise<CachedPhrase | undefined> {
    if (this.closed || signal?.aborted) {
      this.events.miss();
      return undefined;
    }
    if (this.client.status !== 'ready' || this.slow()) {
      this.events.error('get', new CacheUnavailableError(this.slow() ? 'slow' : this.client.status));
      this.events.miss();
      return undefined;
    }
    try {
      const raw = await withDeadline(this.client.getBuffer(key), this.getTimeoutMs, signal);
      if (raw === DONE) {
        if (!signal?.aborted) {
          this.slowUntil = Date.now() + this.slowBackoffMs;
          this.setUp(false); // a hung server keeps its socket: no 'close' would say it
          this.events.error('get', new CacheTimeoutError(this.getTimeoutMs));
        }
        this.events.miss();
        return undefined;
      }
      if (this.client.status === 'ready') this.setUp(true);
      if (raw === null) {
        this.events.miss();
        return undefined;
      }
      const value = decodePhrase(raw);
      this.events.hit();
      return value;
    } catch (err) {
      // Includes CorruptPhraseError: a value we cannot trust is a miss; the next set() replaces it.
      this.events.error('get', err);
      this.events.miss();
      return undefined;
    }
  }

  async set(key: string, value: CachedPhrase): Promise<void> {
    if (this.closed) return;
    if (this.client.status !== 'ready' || this.slow()) {
      this.events.error('set', new CacheUnavailableError(this.slow() ? 'slow' : this.client.status));
      return;
    }
    try {
      const bytes = encodePhrase(value);
      const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      await this.client.set(key, payload, 'EX', this.ttlSeconds);
    } catch (err) {
      this.events.error('set', err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status === 'ready') {
      try {
        await this.client.quit();
        return;
      } catch {
        // fall through: drop the socket
      }
    }
    this.client.disconnect();
  }

  private slow(): boolean {
    return this.slowUntil > Date.now();
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    try {
      this.options.onConnectionChange?.(up);
    } catch {
      // observer failures are not ours
    }
  }
}

/** Resolves to the value, or DONE when the deadline passes or the signal aborts first. */
function withDeadline<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T | typeof DONE> {
  return new Promise<T | typeof DONE>((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      finish();
      resolve(DONE);
    };
    const timer = setTimeout(onAbort, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        finish();
        resolve(value);
      },
      (err: unknown) => {
        finish();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

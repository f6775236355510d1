/**
 * Concurrency caps (connections, contexts per tenant) on top of rate-limiter-flexible counters:
 * consume 1 to acquire, reward 1 to release.
 *
 * In memory the counter never expires, so it is exact. In Redis (shared by replicas) it expires
 * `leaseTtlSeconds` after it was created, which is the trade-off of this design:
 * - a replica that crashes never releases its leases; they stay counted until the counter expires,
 *   so a tenant can be locked out of those slots for at most `leaseTtlSeconds`;
 * - when the counter expires while leases are open it restarts from zero, so until it expires
 *   again the tenant may briefly hold up to twice the cap. Releases never push it below zero: a
 *   release that would is undone.
 * A shorter TTL heals leaks faster but over-admits more often; an hour favours correctness.
 *
 * Redis down or slow (timeout): the acquire is counted in this replica's memory instead and its
 * lease is released there, so the cap becomes per replica until Redis is back (each replica enforces
 * the full cap: never unlimited, at worst replicas x cap). Releasing a Redis-held lease while Redis
 * is down leaks that slot until the counter expires.
 */
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { SpeechgateError, toSpeechgateError } from '../errors.js';
import type { Lease, LimitName } from './types.js';

/** A freed slot can show up at any moment, so a short fixed hint is the honest answer. */
export const CONCURRENCY_RETRY_AFTER_SECONDS = 1;

export interface ConcurrencyLimiterOptions {
  name: Extract<LimitName, 'connections' | 'contexts'>;
  code: 'too_many_connections' | 'too_many_contexts';
  max: number;
  /** The shared (Redis) counter, already wrapped with a timeout and without insurance. */
  shared?: RateLimiterAbstract;
  keyPrefix: string;
  onReject?: (limit: LimitName) => void;
  onRedisError?: (limit: LimitName, err: unknown) => void;
}

type Store = RateLimiterAbstract | RateLimiterMemory;

export class ConcurrencyLimiter {
  private readonly local: RateLimiterMemory;

  constructor(private readonly options: ConcurrencyLimiterOptions) {
    // duration 0: never expires, because these slots are always given back by release().
    this.local = new RateLimiterMemory({ points: options.max, duration: 0, keyPrefix: options.keyPrefix });
  }

  async acquire(key: string): Promise<Lease> {
    const shared = this.options.shared;
    if (shared !== undefined) {
      try {
        await shared.consume(key, 1);
        return this.lease(shared, key);
      } catch (err) {
        if (err instanceof RateLimiterRes) return this.reject(shared, key);
        this.options.onRedisError?.(this.options.name, err);
      }
    }
    try {
      await this.local.consume(key, 1);
    } catch (err) {
      if (err instanceof RateLimiterRes) return this.reject(this.local, key);
      throw toSpeechgateError(err);
    }
    return this.lease(this.local, key);
  }

  private async reject(store: Store, key: string): Promise<never> {
    // consume() counted the refused attempt too: give it back so refusals do not eat slots.
    await this.giveBack(store, key);
    this.options.onReject?.(this.options.name);
    throw new SpeechgateError(this.options.code, `${this.options.name} limit reached`, {
      retryAfterSeconds: CONCURRENCY_RETRY_AFTER_SECONDS,
    });
  }

  private lease(store: Store, key: string): Lease {
    let released: Promise<void> | undefined;
    return {
      release: () => (released ??= this.giveBack(store, key)),
    };
  }

  private async giveBack(store: Store, key: string): Promise<void> {
    try {
      const res = await store.reward(key, 1);
      // Below zero means the counter expired and restarted since the acquire: undo our decrement.
      if (res.consumedPoints < 0) await store.penalty(key, 1);
    } catch (err) {
      this.options.onRedisError?.(this.options.name, err);
    }
  }
}

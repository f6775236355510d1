/**
 * Tenant limits, in process memory by default or shared through Redis so that replicas enforce
 * one budget together (rate-limiter-flexible in both cases).
 *
 * When Redis is unreachable, slow or not ready, nothing fails open and nothing throws: every
 * decision falls back to an in-memory limiter of this replica with the same numbers (the library's
 * insuranceLimiter for the character budget, an explicit fallback for concurrency leases, see
 * concurrency.ts), and `onRedisError` is called so it can be logged and counted. While that lasts
 * the limits hold per replica rather than cluster-wide. Message rate is per connection, which lives
 * on one replica, so it is always kept in memory.
 */
import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';
import { SpeechgateError, toSpeechgateError } from '../errors.js';
import { ConcurrencyLimiter } from './concurrency.js';
import type { Lease, Limits, LimitsConfig, LimitsOptions } from './types.js';

export type { Lease, LimitName, Limits, LimitsConfig, LimitsOptions } from './types.js';
export { CONCURRENCY_RETRY_AFTER_SECONDS } from './concurrency.js';

const CHARS_WINDOW_SECONDS = 60;

/** An in-memory limiter that reports each use: as an insurance limiter it only runs when Redis failed. */
class ReportingMemoryLimiter extends RateLimiterMemory {
  constructor(
    opts: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onUse: () => void,
  ) {
    super(opts);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): Promise<RateLimiterRes> {
    this.onUse();
    return super.consume(...args);
  }
}

function checkLimit(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1`);
}

export function createLimits(cfg: LimitsConfig, redis?: Redis, options: LimitsOptions = {}): Limits {
  checkLimit('maxConnectionsPerTenant', cfg.maxConnectionsPerTenant);
  checkLimit('maxContextsPerTenant', cfg.maxContextsPerTenant);
  checkLimit('charsPerMinute', cfg.charsPerMinute);
  checkLimit('messagesPerSecond', cfg.messagesPerSecond);
  const prefix = options.keyPrefix ?? 'sg:lim';
  const leaseTtlSeconds = options.leaseTtlSeconds ?? 3600;
  const timeoutMs = options.redisTimeoutMs ?? 250;
  checkLimit('leaseTtlSeconds', leaseTtlSeconds);

  const sharedCounter = (keyPrefix: string, points: number): RLWrapperTimeouts | undefined =>
    redis === undefined
      ? undefined
      : new RLWrapperTimeouts({
          limiter: new RateLimiterRedis({
            storeClient: redis,
            points,
            duration: leaseTtlSeconds,
            keyPrefix,
            rejectIfRedisNotReady: true,
          }),
          timeoutMs,
        });

  const connections = new ConcurrencyLimiter({
    name: 'connections',
    code: 'too_many_connections',
    max: cfg.maxConnectionsPerTenant,
    shared: sharedCounter(`${prefix}:conn`, cfg.maxConnectionsPerTenant),
    keyPrefix: `${prefix}:conn`,
    onReject: options.onReject,
    onRedisError: options.onRedisError,
  });
  const contexts = new ConcurrencyLimiter({
    name: 'contexts',
    code: 'too_many_contexts',
    max: cfg.maxContextsPerTenant,
    shared: sharedCounter(`${prefix}:ctx`, cfg.maxContextsPerTenant),
    keyPrefix: `${prefix}:ctx`,
    onReject: options.onReject,
    onRedisError: options.onRedisError,
  });

  const charsOptions = {
    points: cfg.charsPerMinute,
    duration: CHARS_WINDOW_SECONDS,
    keyPrefix: `${prefix}:chars`,
  };
  const chars =
    redis === undefined
      ? new RateLimiterMemory(charsOptions)
      : new RLWrapperTimeouts({
          limiter: new RateLimiterRedis({ ...charsOptions, storeClient: redis, rejectIfRedisNotReady: true }),
          timeoutMs,
          insuranceLimiter: new ReportingMemoryLimiter(charsOptions, () =>
            options.onRedisError?.('chars', new Error('redis unavailable, counted in memory')),
          ),
        });

  const messages = new RateLimiterMemory({
    points: cfg.messagesPerSecond,
    duration: 1,
    keyPrefix: `${prefix}:msg`,
  });

  const pending = new Set<Promise<unknown>>();
  let closed = false;
  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    const forget = (): void => void pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  };
  const guarded = <T>(work: () => Promise<T>): Promise<T> =>
    closed ? Promise.reject(new SpeechgateError('shutting_down', 'limits closed')) : track(work());
  // Releases stay possible after close() (a lease must always be returnable) and close() waits for them.
  const tracked = async (acquire: Promise<Lease>): Promise<Lease> => {
    const lease = await acquire;
    return { release: () => track(lease.release()) };
  };

  return {
    acquireConnection: (tenant: string): Promise<Lease> =>
      guarded(() => tracked(connections.acquire(tenant))),
    acquireContext: (tenant: string): Promise<Lease> => guarded(() => tracked(contexts.acquire(tenant))),

    consumeChars: (tenant: string, n: number): Promise<void> =>
      guarded(async () => {
        const points = Math.ceil(n);
        if (!(points > 0)) return;
        if (points > cfg.charsPerMinute) {
          options.onReject?.('chars');
          throw new SpeechgateError('message_too_large', 'text exceeds the per-minute character budget');
        }
        try {
          await chars.consume(tenant, points);
        } catch (err) {
          if (!(err instanceof RateLimiterRes)) throw toSpeechgateError(err);
          // Refused text was not spoken: give it back so a smaller request can still fit the window.
          await chars
            .reward(tenant, points)
            .catch((rewardErr: unknown) => options.onRedisError?.('chars', rewardErr));
          options.onReject?.('chars');
          throw new SpeechgateError('rate_limited', 'character rate limit reached', {
            retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)),
          });
        }
      }),

    consumeMessage: (connectionId: string): Promise<void> =>
      guarded(async () => {
        try {
          await messages.consume(connectionId, 1);
        } catch (err) {
          if (!(err instanceof RateLimiterRes)) throw toSpeechgateError(err);
          options.onReject?.('messages');
          throw new SpeechgateError('rate_limited', 'message rate limit reached', {
            retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)),
          });
        }
      }),

    async close(): Promise<void> {
      closed = true;
      await Promise.allSettled([...pending]);
    },
  };
}

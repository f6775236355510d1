/**
 * Tenant limits, in process memory by default or shared through Redis so that replicas enforce
 * one budget together.
 *
 * Connections and contexts are leases (leases.ts): a sorted set per tenant in Redis, renewed while
 * held, reconciled after an outage. The character budget is a rate-limiter-flexible counter. Every
 * Redis call is bounded by a deadline and goes through one circuit (redis-gate.ts): once Redis has
 * failed or timed out, decisions are taken at once in this replica's memory with the same numbers
 * (nothing throws, nothing waits) until Redis answers again; `onRedisError` reports each such
 * decision so it can be logged and counted. Message rate is per connection, which lives on one
 * replica, so it is always kept in memory.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { SpeechgateError, toSpeechgateError } from '../errors.js';
import { LeaseLimiter } from './leases.js';
import { RedisDownError, RedisGate } from './redis-gate.js';
import type { Lease, Limits, LimitsConfig, LimitsOptions } from './types.js';

export type { Lease, LimitName, Limits, LimitsConfig, LimitsOptions } from './types.js';
export { CONCURRENCY_RETRY_AFTER_SECONDS } from './leases.js';

const CHARS_WINDOW_SECONDS = 60;

function checkLimit(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1`);
}

export function createLimits(cfg: LimitsConfig, redis?: Redis, options: LimitsOptions = {}): Limits {
  checkLimit('maxConnectionsPerTenant', cfg.maxConnectionsPerTenant);
  checkLimit('maxContextsPerTenant', cfg.maxContextsPerTenant);
  checkLimit('charsPerMinute', cfg.charsPerMinute);
  const prefix = options.keyPrefix ?? 'sg:lim';
  const leaseMs = options.leaseMs ?? 30_000;
  const timeoutMs = options.redisTimeoutMs ?? 250;
  checkLimit('leaseMs', leaseMs);
  checkLimit('redisTimeoutMs', timeoutMs);
  if (leaseMs < 3 * timeoutMs) throw new RangeError('leaseMs must be at least 3 x redisTimeoutMs');

  const gate =
    redis === undefined
      ? undefined
      : new RedisGate(redis, {
          timeoutMs,
          tickMs: Math.floor(leaseMs / 3),
          reconcile: async (call) => {
            await connections.reconcile(call);
            await contexts.reconcile(call);
          },
          onError: (err) => options.onRedisError?.('connections', err),
          onStateChange: options.onRedisStateChange,
        });
  const shared = redis === undefined || gate === undefined ? undefined : { client: redis, gate, leaseMs };

  const connections = new LeaseLimiter({
    name: 'connections',
    code: 'too_many_connections',
    max: cfg.maxConnectionsPerTenant,
    keyPrefix: `${prefix}:conn`,
    shared,
    onReject: options.onReject,
    onRedisError: options.onRedisError,
  });
  const contexts = new LeaseLimiter({
    name: 'contexts',
    code: 'too_many_contexts',
    max: cfg.maxContextsPerTenant,
    keyPrefix: `${prefix}:ctx`,
    shared,
    onReject: options.onReject,
    onRedisError: options.onRedisError,
  });

  gate?.start();

  const charsOptions = {
    points: cfg.charsPerMinute,
    duration: CHARS_WINDOW_SECONDS,
    keyPrefix: `${prefix}:chars`,
  };
  const localChars = new RateLimiterMemory(charsOptions);
  const redisChars =
    redis === undefined
      ? undefined
      : new RateLimiterRedis({ ...charsOptions, storeClient: redis, rejectIfRedisNotReady: true });
  /** Resolves to the refusal instead of rejecting with it, so only real failures trip the gate. */
  const settle = async (
    work: () => Promise<RateLimiterRes>,
  ): Promise<RateLimiterRes | { refused: RateLimiterRes }> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof RateLimiterRes) return { refused: err };
      throw err;
    }
  };
  /** The character store for this decision: Redis when the gate is up and answers, else memory. */
  const charsOp = async (
    op: (store: RateLimiterMemory | RateLimiterRedis) => Promise<RateLimiterRes>,
  ): Promise<RateLimiterRes | { refused: RateLimiterRes }> => {
    if (redisChars !== undefined && gate !== undefined) {
      if (gate.up) {
        try {
          return await gate.call(() => settle(() => op(redisChars)));
        } catch (err) {
          options.onRedisError?.('chars', err);
        }
      } else {
        options.onRedisError?.('chars', new RedisDownError(redis?.status ?? 'none'));
      }
    }
    return settle(() => op(localChars)).catch((err: unknown) => {
      throw toSpeechgateError(err);
    });
  };

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
        const res = await charsOp((store) => store.consume(tenant, points));
        if (!('refused' in res)) return;
        // Refused text was not spoken: give it back so a smaller request can still fit the window.
        await charsOp((store) => store.reward(tenant, points)).catch((err: unknown) =>
          options.onRedisError?.('chars', err),
        );
        options.onReject?.('chars');
        throw new SpeechgateError('rate_limited', 'character rate limit reached', {
          retryAfterSeconds: Math.max(1, Math.ceil(res.refused.msBeforeNext / 1000)),
        });
      }),

    async close(): Promise<void> {
      closed = true;
      gate?.close();
      await Promise.allSettled([...pending]);
    },
  };
}

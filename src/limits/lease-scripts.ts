/**
 * Lua scripts over one sorted set per tenant and kind: member = lease id, score = expiry in ms on
 * Redis's clock (TIME), so replicas with skewed clocks agree on what has expired.
 */
import type { Redis } from 'ioredis';

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] set; ARGV: id, max, leaseMs. Returns 1 when granted, 0 when the cap is reached. */
const ACQUIRE = `${NOW}
local ms = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + ms, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ms + 1000)
return 1`;

/**
 * KEYS[1] set; ARGV: leaseMs, n, then n held ids (renewed, or registered again if Redis lost them:
 * they are in use, so the cap does not apply), then ids to forget (released while Redis was
 * unreachable). Returns the number of live leases.
 */
const RECONCILE = `${NOW}
local ms = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
for i = 3, 2 + n do redis.call('ZADD', KEYS[1], now + ms, ARGV[i]) end
for i = 3 + n, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local live = redis.call('ZCARD', KEYS[1])
if live > 0 then redis.call('PEXPIRE', KEYS[1], ms + 1000) end
return live`;

export async function acquireScript(
  redis: Redis,
  key: string,
  id: string,
  max: number,
  leaseMs: number,
): Promise<boolean> {
  return (await redis.eval(ACQUIRE, 1, key, id, max, leaseMs)) === 1;
}

export async function reconcileScript(
  redis: Redis,
  key: string,
  leaseMs: number,
  held: readonly string[],
  forget: readonly string[],
): Promise<number> {
  return Number(await redis.eval(RECONCILE, 1, key, leaseMs, held.length, ...held, ...forget));
}

export async function releaseLease(redis: Redis, key: string, id: string): Promise<void> {
  await redis.zrem(key, id);
}

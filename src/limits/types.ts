export interface LimitsConfig {
  maxConnectionsPerTenant: number;
  maxContextsPerTenant: number;
  charsPerMinute: number;
  messagesPerSecond: number;
}

/** A held concurrency slot. release() is idempotent and never throws. */
export interface Lease {
  release(): Promise<void>;
}

export interface Limits {
  /** Throws SpeechgateError('too_many_connections', ..., { retryAfterSeconds }). */
  acquireConnection(tenant: string): Promise<Lease>;
  /** Throws SpeechgateError('too_many_contexts', ..., { retryAfterSeconds }). */
  acquireContext(tenant: string): Promise<Lease>;
  /**
   * Per-tenant characters per minute. Throws 'rate_limited' with retryAfterSeconds, or
   * 'message_too_large' when n alone exceeds the per-minute budget (waiting would never help).
   */
  consumeChars(tenant: string, n: number): Promise<void>;
  /** Per-connection messages per second (always in process memory). Throws 'rate_limited'. */
  consumeMessage(connectionId: string): Promise<void>;
  /** Waits for operations in flight; the Redis client, if any, stays the caller's to close. */
  close(): Promise<void>;
}

export type LimitName = 'connections' | 'contexts' | 'chars' | 'messages';

export interface LimitsOptions {
  /**
   * Lifetime in Redis of a tenant's connection/context counter, counted from its creation (default
   * 3600 s). Bounds how long slots leaked by a crashed replica stay taken; see concurrency.ts.
   */
  leaseTtlSeconds?: number;
  /** A Redis call slower than this falls back to the in-memory limiter (default 250 ms). */
  redisTimeoutMs?: number;
  /** Prefix of every Redis key (default 'sg:lim'). */
  keyPrefix?: string;
  /** Every rejection, e.g. for a metrics counter. */
  onReject?: (limit: LimitName) => void;
  /**
   * Every Redis failure or timeout (the decision is then taken in this replica's memory):
   * fail-safe, but it should not be silent, so log it or count it.
   */
  onRedisError?: (limit: LimitName, err: unknown) => void;
}

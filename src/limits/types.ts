export interface LimitsConfig {
  maxConnectionsPerTenant: number;
  maxContextsPerTenant: number;
  charsPerMinute: number;
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
  /** Waits for operations in flight; the Redis client, if any, stays the caller's to close. */
  close(): Promise<void>;
}

/** 'messages': the session's own per-connection message budget (src/session/message-budget.ts). */
export type LimitName = 'connections' | 'contexts' | 'chars' | 'messages';

export interface LimitsOptions {
  /**
   * With Redis: how long a connection/context lease lives there unless renewed (default 30,000 ms).
   * Held leases are renewed every third of it, so a crashed replica's slots come back within one
   * period; see leases.ts.
   */
  leaseMs?: number;
  /** Deadline of every Redis call; slower ones are decided in this replica's memory (default 250 ms). */
  redisTimeoutMs?: number;
  /** Prefix of every Redis key (default 'sg:lim'). */
  keyPrefix?: string;
  /** Every rejection, e.g. for a metrics counter. */
  onReject?: (limit: LimitName) => void;
  /**
   * Every decision taken in this replica's memory because Redis failed, timed out or is known to be
   * down, and every failed reconciliation: fail-safe, but it should not be silent, so log it
   * (rate-limited: during an outage every decision reports) or count it.
   */
  onRedisError?: (limit: LimitName, err: unknown) => void;
  /** Redis starts or stops deciding (after a failure, or once reconciled): rare, worth a log line. */
  onRedisStateChange?: (up: boolean) => void;
}

/** Reconnection delays: exponential growth, a cap, and jitter so many clients do not retry in step. */

export interface BackoffOptions {
  /** Delay before the first retry, in ms (default 500). */
  initialDelayMs?: number;
  /** Upper bound of any delay, in ms (default 15000). */
  maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Fraction of each delay that is randomised, 0..1 (default 0.5: delays fall in [d/2, d]). */
  jitter?: number;
  /** Attempts before giving up (default Infinity). */
  maxAttempts?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 15_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Infinity,
};

/**
 * The delay before retry number `attempt` (0-based). `random` returns a value in [0, 1);
 * `retryAfterSeconds`, when the server gave one, is a floor.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
  retryAfterSeconds?: number,
): number {
  const o = { ...DEFAULT_BACKOFF, ...options };
  const ceiling = Math.min(o.maxDelayMs, o.initialDelayMs * Math.pow(o.factor, Math.max(0, attempt)));
  const jitter = Math.min(1, Math.max(0, o.jitter));
  const delay = ceiling * (1 - jitter * random());
  return Math.round(Math.max(delay, (retryAfterSeconds ?? 0) * 1000));
}

/**
 * Decides whether limit checks may ask Redis, and bounds every call that does.
 *
 * A circuit with two states. "up": calls go to Redis with a deadline; the first failure or
 * timeout trips the circuit. "down": callers decide in this replica's memory at once, so a dead or
 * hung Redis costs at most one deadline per trip rather than one per decision. While down, a
 * maintenance tick (and the client's 'ready' event) runs `reconcile` (re-registering every lease
 * this replica holds, forgetting the ones it released); only when that succeeds is the circuit up
 * again, so Redis never decides on counts that miss this replica's leases. While up, the same tick
 * renews the leases.
 */
import type { Redis } from 'ioredis';

export class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`redis call timed out after ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

export class RedisDownError extends Error {
  constructor(state: string) {
    super(`redis unavailable (${state}): decided in this replica`);
    this.name = 'RedisDownError';
  }
}

export interface RedisGateOptions {
  /** Deadline of every call (default 250 ms). */
  timeoutMs: number;
  /** Period of the maintenance tick: lease renewal while up, reconciliation while down. */
  tickMs: number;
  /** Renews (up) or re-registers (down) the leases; must only touch Redis through its argument. */
  reconcile: (call: <T>(work: () => Promise<T>) => Promise<T>) => Promise<void>;
  onError: (err: unknown) => void;
  onStateChange?: (up: boolean) => void;
}

export class RedisGate {
  private state: 'up' | 'down' = 'down';
  private maintaining: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onReady = (): void => void this.maintain();
  private readonly onClose = (): void => this.trip(new RedisDownError('connection closed'));

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisGateOptions,
  ) {}

  /** Starts the tick and follows the client; down (decide locally) until a first reconcile. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.maintain(), this.options.tickMs);
    this.timer.unref();
    this.redis.on('ready', this.onReady);
    this.redis.on('close', this.onClose);
    if (this.redis.status === 'ready') void this.maintain();
  }

  /** True when decisions may go to Redis. */
  get up(): boolean {
    return this.state === 'up' && this.redis.status === 'ready';
  }

  /** Runs one Redis call under the deadline; a failure trips the circuit and is rethrown. */
  async call<T>(work: () => Promise<T>): Promise<T> {
    if (!this.up) throw new RedisDownError(this.redis.status);
    try {
      return await this.bounded(work);
    } catch (err) {
      this.trip(err);
      throw err;
    }
  }

  /** One maintenance pass at a time; resolves when it is over (tests await it). */
  maintain(): Promise<void> {
    this.maintaining ??= this.runMaintenance().finally(() => (this.maintaining = undefined));
    return this.maintaining;
  }

  close(): void {
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
    this.redis.off('close', this.onClose);
  }

  private async runMaintenance(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    const wasUp = this.state === 'up';
    try {
      await this.options.reconcile((work) => this.bounded(work));
    } catch (err) {
      this.trip(err);
      if (!wasUp) this.options.onError(err); // trip() reports only up -> down
      return;
    }
    if (!wasUp) this.setState('up');
  }

  private trip(err: unknown): void {
    if (this.state === 'down') return;
    this.setState('down');
    this.options.onError(err);
  }

  private setState(state: 'up' | 'down'): void {
    this.state = state;
    try {
      this.options.onStateChange?.(state === 'up');
    } catch {
      // an observer's failure is not ours
    }
  }

  private bounded<T>(work: () => Promise<T>): Promise<T> {
    const ms = this.options.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new RedisTimeoutError(ms)), ms);
      work().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }
}

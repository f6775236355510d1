/**
 * Backpressure of one connection. Senders check `open` before each send and, when the socket holds
 * more than the high-water mark, await `wait()`, which the server's drain callback ends. Nothing
 * polls and nothing is shared between connections, so a slow client only ever stalls itself.
 *
 * A client is a slow consumer when its buffer stays above the high-water mark for longer than the
 * timeout, or ever exceeds the hard limit; `onSlowConsumer` is then called once.
 */
import type { OutputGate } from '../speech/index.js';
import { abortError } from '../tts/engine.js';
import type { SessionSocket } from './types.js';

export interface BackpressureLimits {
  highWaterBytes: number;
  hardLimitBytes: number;
  slowConsumerTimeoutMs: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/** The part of a gauge the gate moves: what this connection has queued. */
export interface QueuedBytesGauge {
  inc(value: number): void;
  dec(value: number): void;
}

export class SendGate implements OutputGate {
  private readonly waiters = new Set<Waiter>();
  private slowTimer: NodeJS.Timeout | undefined;
  /** What this connection currently contributes to the queued-bytes gauge. */
  private reported = 0;
  private closeReason: Error | undefined;

  constructor(
    private readonly socket: SessionSocket,
    private readonly limits: BackpressureLimits,
    private readonly onSlowConsumer: (reason: string) => void,
    private readonly queuedBytes?: QueuedBytesGauge,
  ) {}

  /** True when a send may go now. */
  get open(): boolean {
    return !this.closeReason && this.socket.bufferedAmount() <= this.limits.highWaterBytes;
  }

  /** Resolves once the buffer is at or below the high-water mark; rejects when `signal` aborts. */
  wait(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    if (this.open) return Promise.resolve();
    this.afterSend();
    if (this.closeReason) return Promise.reject(this.closeReason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiters.delete(waiter);
          reject(abortError(signal));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** After every send (and before a wait): enforces the hard limit, starts the slow-consumer clock. */
  afterSend(): void {
    if (this.closeReason) return;
    const buffered = this.report();
    if (buffered > this.limits.hardLimitBytes) this.slow('send buffer over the hard limit');
    else if (buffered > this.limits.highWaterBytes) this.armSlowTimer();
  }

  /** The socket wrote some of its buffer (uWS drain). */
  drained(): void {
    if (this.closeReason) return;
    const buffered = this.report();
    if (buffered > this.limits.highWaterBytes) return;
    this.disarmSlowTimer();
    for (const waiter of this.waiters) this.release(waiter).resolve();
  }

  /** Ends all waits (they reject as aborted by their own signals, or with `reason`) and timers. */
  close(reason: Error): void {
    if (this.closeReason) return;
    this.closeReason = reason;
    this.disarmSlowTimer();
    for (const waiter of this.waiters) this.release(waiter).reject(reason);
    this.queuedBytes?.dec(this.reported);
    this.reported = 0;
  }

  private release(waiter: Waiter): Waiter {
    this.waiters.delete(waiter);
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    return waiter;
  }

  private report(): number {
    const buffered = this.socket.bufferedAmount();
    if (buffered !== this.reported) {
      this.queuedBytes?.inc(buffered - this.reported);
      this.reported = buffered;
    }
    return buffered;
  }

  private armSlowTimer(): void {
    if (this.slowTimer !== undefined || this.closeReason) return;
    this.slowTimer = setTimeout(() => {
      this.slowTimer = undefined;
      if (this.report() > this.limits.highWaterBytes)
        this.slow('send buffer above the high-water mark too long');
      else this.drained(); // it went down without a drain callback: do not leave senders waiting
    }, this.limits.slowConsumerTimeoutMs);
  }

  private disarmSlowTimer(): void {
    clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
  }

  private slow(reason: string): void {
    if (this.closeReason) return;
    this.onSlowConsumer(reason);
  }
}

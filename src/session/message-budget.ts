/**
 * A connection's message rate, checked synchronously on arrival so that a message over the budget costs
 * O(1): no copy, no decoding, no promise, and, within one window, one reply in all rather than one per
 * message. Control messages (cancel, flush, end) are never charged.
 */
export type Verdict = 'ok' | 'refused' | 'dropped';

const WINDOW_MS = 1000;

export class MessageBudget {
  private windowStart = -Infinity;
  private used = 0;
  private told = false;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** ok: take the message; refused: the first one over the budget in this window (tell the client); dropped: already told. */
  take(): Verdict {
    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.used = 0;
      this.told = false;
    }
    if (this.used < this.perSecond) {
      this.used++;
      return 'ok';
    }
    if (this.told) return 'dropped';
    this.told = true;
    return 'refused';
  }

  /** Whole seconds until the budget refills (at least 1). */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.windowStart + WINDOW_MS - this.now()) / 1000));
  }
}

/**
 * The order in which ready steps get a free runner. Plain earliest-deadline-first put a new stream's first
 * audio behind every stream that was already late: under overload, every late stream stays late, so a
 * newcomer waited for all of them (first audio of 2.6 to 8.3 s on 2 cores in issue 10). Here:
 *
 * 1. Live streams before downloads (`live: false`, e.g. HTTP speech requests), unless a download has had no
 *    step for `batchMaxWaitMs`: it then competes as if live, so it is slowed, never starved.
 * 2. Earliest deadline first, but lateness counts only up to `lateCapMs`: every step overdue by more ties.
 * 3. Among ties, the tenant served least recently, then the job served least recently. A tenant with many
 *    late streams thus takes turns with one that has a single new stream, instead of going first with all.
 */
import type { ScheduledJob } from './scheduler.js';

export interface OrderOptions {
  /** How much lateness counts in the order (ms); past it, all late steps are equal. Default 0. */
  lateCapMs?: number;
  /** A download that has waited this long for a step competes with live streams (ms). Default 2000. */
  batchMaxWaitMs?: number;
}

export interface Ranked {
  job: ScheduledJob;
  /** The job's deadline as given. */
  deadline: number;
  /** 0 live, 1 download. */
  band: number;
  /** The deadline with lateness capped. */
  key: number;
  tenantServed: number;
  jobServed: number;
}

export class StepOrder {
  private readonly lateCapMs: number;
  private readonly batchMaxWaitMs: number;
  /** A counter bumped at each dispatch: what "least recently served" compares. */
  private turn = 0;
  private readonly tenantTurn = new Map<string, number>();
  private readonly jobTurn = new WeakMap<ScheduledJob, { turn: number; at: number }>();

  constructor(options: OrderOptions = {}) {
    this.lateCapMs = Math.max(0, options.lateCapMs ?? 0);
    this.batchMaxWaitMs = options.batchMaxWaitMs ?? 2000;
  }

  /** The job joins: its wait as a download counts from now. */
  added(job: ScheduledJob, now: number): void {
    this.jobTurn.set(job, { turn: -1, at: now });
  }

  rank(job: ScheduledJob, deadline: number, now: number): Ranked {
    const served = this.jobTurn.get(job);
    const waited = now - (served?.at ?? now);
    const band = job.live === false && waited < this.batchMaxWaitMs ? 1 : 0;
    return {
      job,
      deadline,
      band,
      key: Math.max(deadline, now - this.lateCapMs),
      tenantServed: this.tenantTurn.get(job.tenant ?? '') ?? -1,
      jobServed: served?.turn ?? -1,
    };
  }

  /** Orders ranked steps, first to run first. */
  sort<T extends Ranked>(ready: T[]): T[] {
    return ready.sort(
      (a, b) =>
        a.band - b.band ||
        a.key - b.key ||
        a.tenantServed - b.tenantServed ||
        a.jobServed - b.jobServed ||
        a.deadline - b.deadline,
    );
  }

  /** These jobs got a runner now. */
  served(jobs: readonly ScheduledJob[], now: number): void {
    this.turn++;
    for (const job of jobs) {
      this.jobTurn.set(job, { turn: this.turn, at: now });
      this.tenantTurn.set(job.tenant ?? '', this.turn);
    }
  }

  /** Forgets tenants with no job left, so the table stays as small as the tenants present. */
  prune(present: ReadonlySet<string>): void {
    for (const tenant of this.tenantTurn.keys()) if (!present.has(tenant)) this.tenantTurn.delete(tenant);
  }
}

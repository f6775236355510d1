/**
 * Earliest deadline first across all workers, made fair under overload (see step-order.ts). Every phrase in
 * progress, of every stream, offers its next inference step (an acoustic run or one vocoder chunk) with the
 * time a listener will need that step's audio; whenever a worker is free it gets the most urgent step. A new
 * stream's first audio thus goes before audio that would only be buffered, whichever worker is free, and a
 * stream about to run dry goes before both; streams that are already late take turns, tenant by tenant, with
 * newcomers; downloads yield to live streams.
 *
 * Where a runner can batch (a GPU), vocoder steps of the same length from other phrases join the most urgent
 * one in a single call.
 */
import type { Step, StepResult } from './messages.js';
import { StepOrder, type OrderOptions, type Ranked } from './step-order.js';

/**
 * Mel frames in one batched vocoder call: about 10 ms on an H200 through WebGPU (32 x 64 frames took 8.9 ms,
 * 64 x 64 took 27 ms; ../shared/gpu/README.md).
 */
export const MAX_BATCH_FRAMES = 2048;

export interface StepRunner {
  readonly alive: boolean;
  /** Vocoder steps this runner takes in one call (1: no batching). */
  readonly maxBatch: number;
  /** Step kinds this runner takes; default every kind. */
  readonly kinds?: ReadonlySet<Step['kind']>;
  run(step: Step): Promise<StepResult>;
}

export interface ScheduledJob {
  /** The step this job would run now; undefined while it waits for its consumer or has finished. */
  next(): Step | undefined;
  /** When a listener needs the next step's audio (performance.now() time). */
  deadline(): number;
  /** Whose work this is, for fair turns among tenants (default: one shared tenant). */
  readonly tenant?: string | undefined;
  /** false: nobody listens as it is made (a download); it yields to live streams. Default true. */
  readonly live?: boolean | undefined;
  done(result: StepResult): void;
  failed(err: unknown): void;
}

export interface SchedulerOptions extends OrderOptions {
  /**
   * Runners kept free for urgent steps: while no more than this many are idle, they take only steps due
   * within `urgentMs`. A step runs to its end once started, so without a free runner a new stream's first
   * audio waits for someone else's chunk of buffered audio (up to 100 ms on a CPU core).
   */
  reserved?: number;
  urgentMs?: number;
  /**
   * Overload: the live work ready to run would keep every runner busy for more than this many seconds
   * (ready steps due within that many seconds, times the mean step time, per runner), or a live step is
   * later than `overloadLateMs`.
   * Defaults 1 s and 1500 ms.
   */
  overloadBacklogS?: number;
  overloadLateMs?: number;
}

interface ReadyStep extends Ranked {
  step: Step;
}

/** What is waiting, for the admission decision and metrics. */
export interface Backlog {
  /** Live steps ready to run now, and the runner-seconds they are expected to take. */
  liveSteps: number;
  liveSeconds: number;
  /** How late the latest ready live step is (ms; 0 when none is late). */
  maxLateMs: number;
  overloaded: boolean;
}

/** Mean step time assumed before any step has been measured (a CPU vocoder chunk takes about this). */
const INITIAL_STEP_S = 0.05;

export class StepScheduler {
  private readonly jobs = new Set<ScheduledJob>();
  private readonly inFlight = new Set<ScheduledJob>();
  private readonly busy = new Set<StepRunner>();
  private readonly reserved: number;
  private readonly urgentMs: number;
  private readonly overloadBacklogS: number;
  private readonly overloadLateMs: number;
  private readonly order: StepOrder;
  /** Moving mean of measured step times (s), for the backlog estimate. */
  private meanStepS = INITIAL_STEP_S;
  private dispatching = false;

  constructor(
    private readonly runners: StepRunner[],
    options: SchedulerOptions = {},
  ) {
    this.reserved = options.reserved ?? 0;
    this.urgentMs = options.urgentMs ?? 500;
    this.overloadBacklogS = options.overloadBacklogS ?? 1;
    this.overloadLateMs = options.overloadLateMs ?? 1500;
    this.order = new StepOrder(options);
  }

  add(job: ScheduledJob): void {
    this.jobs.add(job);
    this.order.added(job, performance.now());
    this.poke();
  }

  /** The live work waiting now; `overloaded` says new live streams should be refused (retryably). */
  backlog(): Backlog {
    const now = performance.now();
    let liveSteps = 0;
    let maxLateMs = 0;
    // Only work due within the backlog horizon counts: look-ahead sentences due seconds from now are
    // synthesis running ahead of playback, not pressure (counting them refused streams at 8 on 2 cores).
    const horizon = now + this.overloadBacklogS * 1000;
    for (const job of this.jobs) {
      if (job.live === false || this.inFlight.has(job) || !job.next()) continue;
      const deadline = job.deadline();
      if (deadline > horizon) continue;
      liveSteps++;
      maxLateMs = Math.max(maxLateMs, now - deadline);
    }
    const runners = Math.max(1, this.runners.filter((r) => r.alive).length);
    const liveSeconds = (liveSteps * this.meanStepS) / runners;
    return {
      liveSteps,
      liveSeconds,
      maxLateMs,
      overloaded: liveSeconds > this.overloadBacklogS || maxLateMs > this.overloadLateMs,
    };
  }

  isOverloaded(): boolean {
    return this.backlog().overloaded;
  }

  /** The job ends (finished, failed or cancelled); a step in flight still completes but is not reported. */
  remove(job: ScheduledJob): void {
    this.jobs.delete(job);
    if (this.jobs.size === 0 || this.jobs.size % 64 === 0) {
      this.order.prune(new Set([...this.jobs].map((j) => j.tenant ?? '')));
    }
  }

  addRunner(runner: StepRunner): void {
    this.runners.push(runner);
    this.poke();
  }

  removeRunner(runner: StepRunner): void {
    const i = this.runners.indexOf(runner);
    if (i >= 0) this.runners.splice(i, 1);
  }

  /** No runner is left to run anything: every job fails now rather than wait for ever. */
  failAll(err: unknown): void {
    for (const job of [...this.jobs]) {
      this.jobs.delete(job);
      job.failed(err);
    }
  }

  get queued(): number {
    return this.jobs.size;
  }

  /** Something changed (a job added, a consumer took a chunk, a runner came free): hand out work. */
  poke(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (;;) {
        const idle = this.runners.filter((r) => r.alive && !this.busy.has(r));
        if (idle.length === 0) return;
        // Keep the reserve only where there is something besides it to run the rest.
        const reserve = Math.min(this.reserved, this.runners.length - 1);
        const now = performance.now();
        const dueBy = idle.length <= reserve ? now + this.urgentMs : Infinity;
        const ready = this.readySteps(now);
        let started = false;
        for (const runner of idle) {
          const batch = this.pick(runner, ready, dueBy);
          if (batch.length === 0) continue;
          this.start(runner, batch);
          started = true;
          break;
        }
        if (!started) return;
      }
    } finally {
      this.dispatching = false;
    }
  }

  /** Every job's next step that can run now, first to run first. */
  private readySteps(now: number): ReadyStep[] {
    const ready: ReadyStep[] = [];
    for (const job of this.jobs) {
      if (this.inFlight.has(job)) continue;
      const step = job.next();
      if (step) ready.push({ ...this.order.rank(job, job.deadline(), now), step });
    }
    return this.order.sort(ready);
  }

  /**
   * The most urgent of `ready` that this runner takes (if due by `dueBy`), and same-length vocoder steps to run
   * with it where the runner batches.
   */
  private pick(runner: StepRunner, ready: readonly ReadyStep[], dueBy: number): ReadyStep[] {
    const { maxBatch, kinds } = runner;
    const first = kinds ? ready.find((r) => kinds.has(r.step.kind)) : ready[0];
    // The reserve is for live work that is due: a download never takes it.
    if (!first || first.key > dueBy || (dueBy !== Infinity && first.band > 0)) return [];
    if (maxBatch <= 1 || first.step.kind !== 'vocode') return [first];
    const frames = first.step.frames;
    // A call runs to its end, so its size bounds how long an urgent step may wait behind it.
    const limit = Math.max(1, Math.min(maxBatch, Math.floor(MAX_BATCH_FRAMES / frames)));
    return ready.filter((r) => r.step.kind === 'vocode' && r.step.frames === frames).slice(0, limit);
  }

  private start(runner: StepRunner, batch: ReadyStep[]): void {
    this.order.served(
      batch.map((b) => b.job),
      performance.now(),
    );
    this.busy.add(runner);
    for (const { job } of batch) this.inFlight.add(job);
    void this.execute(runner, batch).finally(() => {
      this.busy.delete(runner);
      for (const { job } of batch) this.inFlight.delete(job);
      this.poke();
    });
  }

  private async execute(runner: StepRunner, batch: ReadyStep[]): Promise<void> {
    let parts: StepResult[];
    try {
      parts = split(await runner.run(merge(batch.map((b) => b.step))), batch.length);
    } catch (err) {
      for (const { job } of batch) if (this.jobs.has(job)) job.failed(err);
      return;
    }
    const seconds = parts[0]?.seconds;
    if (seconds !== undefined && Number.isFinite(seconds) && seconds > 0) {
      this.meanStepS += (seconds - this.meanStepS) / 16;
    }
    batch.forEach(({ job }, i) => {
      if (this.jobs.has(job)) job.done(parts[i]!);
    });
  }
}

/** One runner call from several single-phrase steps (only vocoder steps of one length are ever merged). */
function merge(steps: Step[]): Step {
  if (steps.length === 1) return steps[0]!;
  const vocode = steps.filter((s) => s.kind === 'vocode');
  return {
    kind: 'vocode',
    frames: vocode[0]!.frames,
    mels: vocode.flatMap((s) => s.mels),
    keep: vocode.flatMap((s) => s.keep),
  };
}

function split(result: StepResult, parts: number): StepResult[] {
  if (parts === 1) return [result];
  if (result.kind !== 'vocode') throw new Error('only vocoder steps are batched');
  return result.pcm.map((pcm) => ({ kind: 'vocode', seconds: result.seconds, pcm: [pcm] }));
}

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Step, StepResult } from './messages.js';
import { MAX_BATCH_FRAMES, StepScheduler, type ScheduledJob, type StepRunner } from './scheduler.js';

/** A runner whose calls finish when the test says so. */
class ManualRunner implements StepRunner {
  alive = true;
  readonly calls: { step: Step; finish: (result?: StepResult) => void; fail: (err: Error) => void }[] = [];

  constructor(
    readonly maxBatch = 1,
    readonly kinds?: ReadonlySet<Step['kind']>,
  ) {}

  run(step: Step): Promise<StepResult> {
    return new Promise((resolve, reject) => {
      this.calls.push({
        step,
        finish: (result) => resolve(result ?? echo(step)),
        fail: reject,
      });
    });
  }

  /** Finishes the oldest unfinished call and lets the scheduler react. */
  async finishNext(): Promise<void> {
    const call = this.calls.find((c) => !('done' in c));
    assert.ok(call, 'no call to finish');
    Object.assign(call, { done: true });
    call.finish();
    await settle();
  }
}

/** A vocoder result whose every sample is the first mel value of its input: shows which input it came from. */
function echo(step: Step): StepResult {
  if (step.kind === 'acoustic') {
    return { kind: 'acoustic', seconds: 0, mel: new Float32Array(0), frames: 0, durations: [] };
  }
  return { kind: 'vocode', seconds: 0, pcm: step.mels.map((m) => new Float32Array(2).fill(m[0]!)) };
}

function vocode(tag: number, frames = 4): Step {
  return { kind: 'vocode', mels: [new Float32Array(frames).fill(tag)], frames, keep: [{ from: 0, to: 2 }] };
}

class FakeJob implements ScheduledJob {
  readonly results: StepResult[] = [];
  error: unknown;

  constructor(
    readonly name: string,
    private readonly steps: Step[],
    private readonly due: number,
    readonly tenant?: string,
    readonly live?: boolean,
  ) {}

  next(): Step | undefined {
    return this.error === undefined ? this.steps[this.results.length] : undefined;
  }
  deadline(): number {
    return this.due;
  }
  done(result: StepResult): void {
    this.results.push(result);
  }
  failed(err: unknown): void {
    this.error = err;
  }
}

const totalCalls = (runners: ManualRunner[]): number => runners.reduce((n, r) => n + r.calls.length, 0);
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const now = (): number => performance.now();
const tagOf = (step: Step): number => (step.kind === 'vocode' ? step.mels[0]![0]! : -1);

describe('StepScheduler', () => {
  test('a free runner takes the step with the earliest deadline, whoever submitted it', async () => {
    const runner = new ManualRunner();
    const scheduler = new StepScheduler([runner]);
    const blocker = new FakeJob('blocker', [vocode(0)], now());
    scheduler.add(blocker);
    const jobs = [
      new FakeJob('late', [vocode(3)], now() + 3000),
      new FakeJob('soon', [vocode(1)], now() + 1000),
      new FakeJob('middle', [vocode(2)], now() + 2000),
    ];
    for (const job of jobs) scheduler.add(job);
    for (let i = 0; i < 4; i++) await runner.finishNext();
    assert.deepEqual(
      runner.calls.map((c) => tagOf(c.step)),
      [0, 1, 2, 3],
    );
    for (const job of jobs) assert.equal(job.results.length, 1);
  });

  test('a job has one step in flight at a time, even with runners free', async () => {
    const runners = [new ManualRunner(), new ManualRunner()];
    const scheduler = new StepScheduler(runners);
    const job = new FakeJob('two steps', [vocode(1), vocode(2)], now());
    scheduler.add(job);
    assert.equal(totalCalls(runners), 1);
    await runners[0]!.finishNext();
    assert.equal(job.results.length, 1);
    assert.equal(totalCalls(runners), 2);
  });

  test('a reserved runner takes only urgent steps, and takes them at once', async () => {
    const runners = [new ManualRunner(), new ManualRunner()];
    const scheduler = new StepScheduler(runners, { reserved: 1, urgentMs: 500 });
    scheduler.add(new FakeJob('buffering A', [vocode(1)], now() + 5000));
    scheduler.add(new FakeJob('buffering B', [vocode(2)], now() + 5000));
    assert.equal(runners[0]!.calls.length, 1);
    assert.equal(runners[1]!.calls.length, 0, 'the second runner stays free for urgent work');
    scheduler.add(new FakeJob('first audio', [vocode(3)], now()));
    assert.equal(runners[1]!.calls.length, 1);
    assert.equal(tagOf(runners[1]!.calls[0]!.step), 3);
    // While the urgent step runs, the runner that comes free is the one held in reserve.
    await runners[0]!.finishNext();
    assert.equal(runners[0]!.calls.length, 1);
    await runners[1]!.finishNext();
    assert.equal(totalCalls(runners), 3);
    const last = runners[0]!.calls[1] ?? runners[1]!.calls[1];
    assert.equal(last && tagOf(last.step), 2);
  });

  test('a single runner is never held in reserve', () => {
    const runner = new ManualRunner();
    const scheduler = new StepScheduler([runner], { reserved: 1, urgentMs: 500 });
    scheduler.add(new FakeJob('buffering', [vocode(1)], now() + 60_000));
    assert.equal(runner.calls.length, 1);
  });

  test('where a runner batches, same-length vocoder steps share one call and each job gets its own audio', async () => {
    const runner = new ManualRunner(8);
    const scheduler = new StepScheduler([runner]);
    const blocker = new FakeJob('blocker', [vocode(9, 2)], now() - 1);
    scheduler.add(blocker);
    const same = [1, 2, 3].map((tag) => new FakeJob(`same ${tag}`, [vocode(tag, 4)], now() + tag));
    const other = new FakeJob('other length', [vocode(7, 6)], now() + 10);
    for (const job of [...same, other]) scheduler.add(job);
    await runner.finishNext(); // the blocker; then one batch of the three
    const batch = runner.calls[1]!.step;
    assert.equal(batch.kind, 'vocode');
    assert.equal(batch.kind === 'vocode' && batch.mels.length, 3);
    await runner.finishNext();
    same.forEach((job, i) => {
      const result = job.results[0];
      assert.equal(result?.kind, 'vocode');
      assert.equal(result?.kind === 'vocode' && result.pcm[0]![0], i + 1);
    });
    assert.equal(tagOf(runner.calls[2]!.step), 7, 'the other length runs on its own');
  });

  test('a runner limited to some kinds takes the most urgent step of those kinds only', () => {
    const gpu = new ManualRunner(8);
    const acousticOnly = new ManualRunner(1, new Set(['acoustic']));
    const scheduler = new StepScheduler([gpu, acousticOnly]);
    const acoustic: Step = { kind: 'acoustic', ids: [1, 2, 3], speed: 1 };
    scheduler.add(new FakeJob('gpu busy', [vocode(1)], now() - 10));
    scheduler.add(new FakeJob('urgent chunk', [vocode(2)], now()));
    scheduler.add(new FakeJob('acoustic', [acoustic], now() + 50));
    assert.equal(gpu.calls.length, 1);
    assert.deepEqual(
      acousticOnly.calls.map((c) => c.step.kind),
      ['acoustic'],
    );
  });

  test('a batch holds at most MAX_BATCH_FRAMES mel frames', async () => {
    const runner = new ManualRunner(64);
    const scheduler = new StepScheduler([runner]);
    scheduler.add(new FakeJob('blocker', [vocode(9, 2)], now() - 1));
    const frames = 512;
    const jobs = [1, 2, 3, 4, 5, 6].map(
      (tag) => new FakeJob(`big ${tag}`, [vocode(tag, frames)], now() + tag),
    );
    for (const job of jobs) scheduler.add(job);
    await runner.finishNext();
    const batch = runner.calls[1]!.step;
    assert.equal(batch.kind === 'vocode' && batch.mels.length, MAX_BATCH_FRAMES / frames);
  });

  test('a failed call fails the jobs in it, and the others go on', async () => {
    const runner = new ManualRunner();
    const scheduler = new StepScheduler([runner]);
    const doomed = new FakeJob('doomed', [vocode(1)], now());
    const fine = new FakeJob('fine', [vocode(2)], now() + 100);
    scheduler.add(doomed);
    scheduler.add(fine);
    runner.calls[0]!.fail(new Error('device lost'));
    Object.assign(runner.calls[0]!, { done: true });
    await settle();
    assert.match(String(doomed.error), /device lost/);
    await runner.finishNext();
    assert.equal(fine.results.length, 1);
  });

  test('a removed job gets no result; failAll ends every job', async () => {
    const runner = new ManualRunner();
    const scheduler = new StepScheduler([runner]);
    const removed = new FakeJob('removed', [vocode(1)], now());
    const waiting = new FakeJob('waiting', [vocode(2)], now() + 100);
    scheduler.add(removed);
    scheduler.add(waiting);
    scheduler.remove(removed);
    await runner.finishNext();
    assert.equal(removed.results.length, 0);
    scheduler.failAll(new Error('no workers'));
    assert.match(String(waiting.error), /no workers/);
    assert.equal(scheduler.queued, 0);
  });

  test('a new stream waits at most one step behind streams that are already late', async () => {
    const runner = new ManualRunner();
    const scheduler = new StepScheduler([runner]);
    scheduler.add(new FakeJob('blocker', [vocode(99)], now() - 10_000, 'heavy'));
    for (let k = 0; k < 5; k++) {
      const steps = [vocode(10 + k), vocode(10 + k), vocode(10 + k)];
      scheduler.add(new FakeJob(`late ${k}`, steps, now() - 5000 + k, 'heavy'));
    }
    scheduler.add(new FakeJob('newcomer', [vocode(1)], now(), 'healthy'));
    for (let k = 0; k < 3; k++) await runner.finishNext();
    const order = runner.calls.map((c) => tagOf(c.step));
    // Earliest deadline first would run all 15 late steps first.
    assert.ok(order.slice(0, 3).includes(1), `order ${order.join(' ')}`);
  });

  test('tenants with late work take turns instead of the busiest going first', async () => {
    const runner = new ManualRunner();
    const scheduler = new StepScheduler([runner]);
    scheduler.add(new FakeJob('blocker', [vocode(99)], now() - 10_000, 'a'));
    for (let k = 0; k < 4; k++)
      scheduler.add(new FakeJob(`a${k}`, [vocode(10), vocode(10)], now() - 4000, 'a'));
    scheduler.add(new FakeJob('b', [vocode(20), vocode(20), vocode(20)], now() - 100, 'b'));
    for (let k = 0; k < 6; k++) await runner.finishNext();
    const order = runner.calls.slice(1, 7).map((c) => tagOf(c.step));
    assert.deepEqual(order, [20, 10, 20, 10, 20, 10]);
  });

  test('a download yields to live streams, and is served once it has waited long enough', async () => {
    const runner = new ManualRunner();
    const scheduler = new StepScheduler([runner], { batchMaxWaitMs: 60_000 });
    scheduler.add(new FakeJob('blocker', [vocode(99)], now() - 1));
    scheduler.add(new FakeJob('download', [vocode(1)], now() - 5000, 'x', false));
    scheduler.add(new FakeJob('live', [vocode(2)], now() + 200, 'y'));
    await runner.finishNext();
    await runner.finishNext();
    assert.deepEqual(
      runner.calls.map((c) => tagOf(c.step)),
      [99, 2, 1],
    );

    const patient = new ManualRunner();
    const waitedEnough = new StepScheduler([patient], { batchMaxWaitMs: 0 });
    waitedEnough.add(new FakeJob('blocker', [vocode(99)], now() - 1));
    waitedEnough.add(new FakeJob('download', [vocode(1)], now() - 5000, 'x', false));
    waitedEnough.add(new FakeJob('live', [vocode(2)], now() + 200, 'y'));
    await patient.finishNext();
    assert.equal(tagOf(patient.calls[1]!.step), 1);
  });

  test('a download never takes the runner held in reserve', () => {
    const runners = [new ManualRunner(), new ManualRunner()];
    const scheduler = new StepScheduler(runners, { reserved: 1, batchMaxWaitMs: 60_000 });
    scheduler.add(new FakeJob('download 1', [vocode(1)], now() - 1000, 'x', false));
    scheduler.add(new FakeJob('download 2', [vocode(2)], now() - 1000, 'x', false));
    assert.equal(totalCalls(runners), 1);
    scheduler.add(new FakeJob('live', [vocode(3)], now(), 'y'));
    assert.equal(totalCalls(runners), 2);
  });

  test('overload: live work waiting beyond a second of runner time, or a live step far behind', () => {
    const runner = new ManualRunner();
    const scheduler = new StepScheduler([runner]);
    assert.equal(scheduler.isOverloaded(), false);
    scheduler.add(new FakeJob('busy', [vocode(0)], now() + 1000));
    // Downloads never count.
    for (let k = 0; k < 100; k++) scheduler.add(new FakeJob(`dl${k}`, [vocode(1)], now() + 1000, 'x', false));
    assert.equal(scheduler.backlog().liveSteps, 0);
    assert.equal(scheduler.isOverloaded(), false);
    // Look-ahead due seconds from now is synthesis running ahead, not pressure.
    for (let k = 0; k < 100; k++) scheduler.add(new FakeJob(`ahead${k}`, [vocode(1)], now() + 5000));
    assert.equal(scheduler.backlog().liveSteps, 0);
    assert.equal(scheduler.isOverloaded(), false);
    // 0.05 s assumed per step before any is measured: 21 waiting steps are more than a second.
    for (let k = 0; k < 20; k++) scheduler.add(new FakeJob(`live${k}`, [vocode(2)], now() + 1000));
    assert.equal(scheduler.backlog().liveSteps, 20);
    assert.equal(scheduler.isOverloaded(), false);
    scheduler.add(new FakeJob('one more', [vocode(2)], now() + 1000));
    assert.equal(scheduler.isOverloaded(), true);

    const late = new StepScheduler([new ManualRunner()]);
    late.add(new FakeJob('busy', [vocode(0)], now()));
    late.add(new FakeJob('behind', [vocode(1)], now() - 2000));
    assert.equal(late.backlog().liveSteps, 1);
    assert.ok(late.backlog().maxLateMs >= 2000);
    assert.equal(late.isOverloaded(), true);
  });
});

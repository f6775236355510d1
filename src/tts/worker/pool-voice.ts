import { SpeechgateError } from '../../errors.js';
import { FrontEnd } from '../../text/frontend.js';
import { DEFAULT_CHUNKING } from '../chunking.js';
import type { SessionOptions } from '../device.js';
import {
  abortError,
  isSilent,
  preparePhrase,
  type PreparedPhrase,
  type SynthesisChunk,
  type Synthesizer,
  type SynthesizeOptions,
} from '../engine.js';
import type { Step, VoiceInfo } from './messages.js';
import { PhraseJob, type JobEvent } from './phrase-job.js';
import { StepScheduler, type Backlog } from './scheduler.js';
import { SynthProcess } from './synth-process.js';

const ACOUSTIC_ONLY: ReadonlySet<Step['kind']> = new Set(['acoustic']);

/**
 * A voice whose inference runs on a pool of synthesis processes, so that several streams use several cores and
 * the event loop stays free for sockets. The steps of all phrases are ordered by one scheduler (see
 * scheduler.ts); the front end and chunk planning run here, on the main thread: they are cheap, and the
 * front end's output is the cache key. A worker that dies is replaced.
 */
export class WorkerPoolVoice implements Synthesizer {
  private readonly frontEnd = new FrontEnd();
  private readonly scheduler: StepScheduler;
  private closed = false;
  /** Workers being started in place of dead ones. */
  private replacing = 0;

  private constructor(
    private readonly workers: SynthProcess[],
    private readonly info: VoiceInfo,
    private readonly dir: string,
    session: SessionOptions,
  ) {
    // On CPUs one worker stays free for urgent work (a new stream's first audio, a stream about to run dry):
    // a GPU worker's steps are short enough not to need it.
    this.scheduler = new StepScheduler([...workers], { reserved: session.device === 'cpu' ? 1 : 0 });
  }

  get id(): string {
    return this.info.id;
  }
  get name(): string {
    return this.info.name;
  }
  get language(): string {
    return this.info.language;
  }
  get sampleRate(): number {
    return this.info.sampleRate;
  }
  get modelHash(): string {
    return this.info.modelHash;
  }

  /**
   * `workers` processes. On a CPU each runs every step. On a GPU one process drives the GPU (WebGPU sessions in
   * several threads crashed onnxruntime-node 1.30 with SIGSEGV) and the others run the acoustic model on the
   * CPU, so that many streams' acoustic runs need not all queue on that one thread.
   */
  static async load(dir: string, session: SessionOptions, workers: number): Promise<WorkerPoolVoice> {
    const roles: { session: SessionOptions; kinds?: ReadonlySet<Step['kind']> }[] =
      session.device === 'cpu'
        ? Array.from({ length: Math.max(1, workers) }, () => ({ session }))
        : [
            { session },
            ...Array.from({ length: Math.max(0, workers - 1) }, () => ({
              session: { ...session, device: 'cpu' as const },
              kinds: ACOUSTIC_ONLY,
            })),
          ];
    // Workers exist before their pool does: an early crash finds no pool and is left to the checks below.
    const owner: { pool?: WorkerPoolVoice } = {};
    const started = await Promise.allSettled(
      roles.map((role) =>
        SynthProcess.start(dir, role.session, role.kinds, (dead) => owner.pool?.replace(dead)),
      ),
    );
    const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed || ok.length === 0) {
      await Promise.all(ok.map((s) => s.worker.stop()));
      throw failed?.reason ?? new Error('no synthesis worker started');
    }
    owner.pool = new WorkerPoolVoice(
      ok.map((s) => s.worker),
      ok[0]!.info,
      dir,
      session,
    );
    return owner.pool;
  }

  prepare(text: string): PreparedPhrase {
    return preparePhrase(this.frontEnd, text);
  }

  async *synthesize(phrase: PreparedPhrase, options: SynthesizeOptions = {}): AsyncIterable<SynthesisChunk> {
    const { signal } = options;
    if (isSilent(phrase)) return;
    if (signal?.aborted) throw abortError(signal);
    if (this.closed || (!this.workers.some((w) => w.vocodes) && this.replacing === 0)) {
      throw new SpeechgateError('synthesis_failed', 'no synthesis worker is running');
    }
    const inbox: JobEvent[] = [];
    let wake: (() => void) | undefined;
    const createdAt = performance.now();
    const job = new PhraseJob({
      phrase,
      speed: options.speed ?? 1,
      shape: this.info.shape,
      chunking: DEFAULT_CHUNKING,
      neededAt: options.neededAt ?? (() => createdAt),
      tenant: options.tenant,
      live: options.live,
      ...(options.onStage ? { onStage: options.onStage } : {}),
      sink: (event) => {
        inbox.push(event);
        wake?.();
      },
    });
    const onAbort = (): void => wake?.();
    signal?.addEventListener('abort', onAbort);
    this.scheduler.add(job);
    try {
      for (;;) {
        while (inbox.length === 0 && !signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
        if (signal?.aborted) throw abortError(signal);
        const event = inbox.shift()!;
        if (event.type === 'end') return;
        if (event.type === 'failed') throw event.error;
        yield event.chunk;
        job.consumed();
        this.scheduler.poke();
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.scheduler.remove(job);
    }
  }

  /** A worker crashed: its step failed its phrase; a new worker takes its place for the phrases to come. */
  private replace(dead: SynthProcess): void {
    if (this.closed) return;
    this.scheduler.removeRunner(dead);
    const i = this.workers.indexOf(dead);
    if (i >= 0) this.workers.splice(i, 1);
    this.replacing++;
    SynthProcess.start(this.dir, dead.session, dead.kinds, (next) => this.replace(next)).then(
      ({ worker }) => {
        this.replacing--;
        if (this.closed) return void worker.stop();
        this.workers.push(worker);
        this.scheduler.addRunner(worker);
      },
      (err: unknown) => {
        this.replacing--;
        // The voice goes on with the workers it has left; with none that vocodes, phrases fail rather than wait.
        if (!this.workers.some((w) => w.vocodes)) {
          this.scheduler.failAll(
            new SpeechgateError('synthesis_failed', 'no synthesis worker is running', { cause: err }),
          );
        }
      },
    );
  }

  /** See Synthesizer.isOverloaded; backlog() has the numbers behind it. */
  isOverloaded(): boolean {
    return this.scheduler.isOverloaded();
  }

  backlog(): Backlog {
    return this.scheduler.backlog();
  }

  /** For tests: kills synthesis process `i` as a native crash would. */
  killWorkerForTest(i: number): Promise<void> {
    const worker = this.workers[i];
    if (!worker) throw new RangeError(`no worker ${i}`);
    return worker.kill();
  }

  /** Resident memory in bytes: this process and each synthesis process (Linux). */
  memory(): { main: number; workers: number[]; total: number } {
    const main = process.memoryUsage().rss;
    const workers = this.workers.map((w) => w.rss);
    return { main, workers, total: workers.reduce((a, b) => a + b, main) };
  }

  get workerCount(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}

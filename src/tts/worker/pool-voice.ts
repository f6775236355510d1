import { Worker } from 'node:worker_threads';
import { SpeechgateError, type ErrorCode, ERROR_CODES } from '../../errors.js';
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
import type { FromWorker, Step, StepResult, ToWorker, VoiceInfo } from './messages.js';
import { PhraseJob, type JobEvent } from './phrase-job.js';
import { StepScheduler, type StepRunner } from './scheduler.js';

const WORKER_URL = new URL('./synth-worker.js', import.meta.url);
/** Nice value of synthesis threads (see lowerPriority in synth-worker.ts). */
const WORKER_NICE = 10;
/** Vocoder chunks of one length a GPU runs in one call. */
const GPU_MAX_BATCH = 64;
const ACOUSTIC_ONLY: ReadonlySet<Step['kind']> = new Set(['acoustic']);

interface Pending {
  resolve: (result: StepResult) => void;
  reject: (err: unknown) => void;
}

/** One worker thread holding its own ONNX sessions for a voice; runs one step at a time. */
class SynthWorker implements StepRunner {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;
  private stopping = false;

  private constructor(
    private readonly worker: Worker,
    readonly session: SessionOptions,
    readonly kinds: ReadonlySet<Step['kind']> | undefined,
    onUnexpectedExit: (dead: SynthWorker) => void,
  ) {
    worker.on('message', (message: FromWorker) => {
      if (message.type !== 'result' && message.type !== 'failed') return;
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'result') pending?.resolve(message.result);
      else pending?.reject(workerError(message, 'synthesis_failed', 'synthesis failed'));
    });
    worker.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) {
        p.reject(new SpeechgateError('synthesis_failed', 'synthesis worker exited'));
      }
      this.pending.clear();
      if (!this.stopping) onUnexpectedExit(this);
    });
  }

  static start(
    dir: string,
    session: SessionOptions,
    kinds: ReadonlySet<Step['kind']> | undefined,
    onUnexpectedExit: (dead: SynthWorker) => void,
  ): Promise<{ worker: SynthWorker; info: VoiceInfo }> {
    const worker = new Worker(WORKER_URL);
    return new Promise((resolve, reject) => {
      const onExit = (): void =>
        reject(new SpeechgateError('internal', 'synthesis worker exited while loading'));
      const onMessage = (message: FromWorker): void => {
        if (message.type === 'loaded') {
          worker.off('message', onMessage).off('error', reject).off('exit', onExit);
          const { type: _, ...info } = message;
          resolve({ worker: new SynthWorker(worker, session, kinds, onUnexpectedExit), info });
        } else if (message.type === 'load_failed') {
          worker.off('exit', onExit);
          worker.postMessage({ type: 'close' } satisfies ToWorker);
          reject(workerError(message, 'internal', message.message));
        }
      };
      worker.on('message', onMessage).once('error', reject).once('exit', onExit);
      worker.postMessage({ type: 'load', dir, session, nice: WORKER_NICE } satisfies ToWorker);
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  get maxBatch(): number {
    return this.session.device === 'cpu' ? 1 : GPU_MAX_BATCH;
  }

  get vocodes(): boolean {
    return !this.kinds || this.kinds.has('vocode');
  }

  run(step: Step): Promise<StepResult> {
    if (this.exited)
      return Promise.reject(new SpeechgateError('synthesis_failed', 'synthesis worker exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const transfer = step.kind === 'vocode' ? step.mels.map((m) => m.buffer as ArrayBuffer) : [];
      this.worker.postMessage({ type: 'run', id, step } satisfies ToWorker, transfer);
    });
  }

  /** Asks the worker to release its sessions and end; terminates it only if it does not within a few seconds. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    const timer = setTimeout(() => void this.worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** For tests: the thread dies as if it had crashed. */
  kill(): Promise<number> {
    return this.worker.terminate();
  }
}

/** A worker's failure as a SpeechgateError: its code if it sent a known one, else `fallback`. */
function workerError(
  message: { message: string; code?: string },
  fallback: ErrorCode,
  publicMessage: string,
): Error {
  const code = message.code && message.code in ERROR_CODES ? (message.code as ErrorCode) : fallback;
  return new SpeechgateError(code, publicMessage, { cause: new Error(message.message) });
}

/**
 * A voice whose inference runs on a pool of worker threads, so that several streams use several cores and
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
    private readonly workers: SynthWorker[],
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
   * `workers` threads. On a CPU each runs every step. On a GPU one thread drives the GPU (WebGPU sessions in
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
        SynthWorker.start(dir, role.session, role.kinds, (dead) => owner.pool?.replace(dead)),
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
  private replace(dead: SynthWorker): void {
    if (this.closed) return;
    this.scheduler.removeRunner(dead);
    const i = this.workers.indexOf(dead);
    if (i >= 0) this.workers.splice(i, 1);
    this.replacing++;
    SynthWorker.start(this.dir, dead.session, dead.kinds, (next) => this.replace(next)).then(
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

  /** For tests: kills worker `i` as a crash would. */
  killWorkerForTest(i: number): Promise<number> {
    const worker = this.workers[i];
    if (!worker) throw new RangeError(`no worker ${i}`);
    return worker.kill();
  }

  get workerCount(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}

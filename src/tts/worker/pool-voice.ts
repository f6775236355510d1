import { Worker } from 'node:worker_threads';
import { SpeechgateError, type ErrorCode, ERROR_CODES } from '../../errors.js';
import { FrontEnd } from '../../text/frontend.js';
import type { SessionOptions } from '../device.js';
import {
  abortError,
  type PreparedPhrase,
  type SynthesisChunk,
  type Synthesizer,
  type SynthesizeOptions,
} from '../engine.js';
import type { FromWorker, ToWorker } from './messages.js';

/** Chunks a worker may produce ahead of the consumer: enough to hide a message round trip, no more. */
const PREFETCH_CHUNKS = 2;
const WORKER_URL = new URL('./synth-worker.js', import.meta.url);

type Loaded = Extract<FromWorker, { type: 'loaded' }>;

interface JobSink {
  push(message: FromWorker): void;
}

/** One worker thread holding its own ONNX sessions for a voice. */
class SynthWorker {
  readonly jobs = new Map<number, JobSink>();
  private readonly worker: Worker;
  private exited = false;

  private constructor(worker: Worker) {
    this.worker = worker;
    this.worker.on('message', (message: FromWorker) => {
      if ('job' in message) this.jobs.get(message.job)?.push(message);
    });
    this.worker.on('exit', () => {
      this.exited = true;
      for (const [job, sink] of this.jobs) {
        sink.push({ type: 'failed', job, message: 'synthesis worker exited' });
      }
      this.jobs.clear();
    });
  }

  static start(dir: string, session: SessionOptions): Promise<{ worker: SynthWorker; info: Loaded }> {
    const worker = new Worker(WORKER_URL);
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        if (message.type === 'loaded') {
          worker.off('message', onMessage);
          worker.off('error', reject);
          resolve({ worker: new SynthWorker(worker), info: message });
        } else if (message.type === 'load_failed') {
          worker.postMessage({ type: 'close' } satisfies ToWorker);
          const code = message.code && message.code in ERROR_CODES ? (message.code as ErrorCode) : 'internal';
          reject(new SpeechgateError(code, message.message));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.postMessage({ type: 'load', dir, session } satisfies ToWorker);
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  send(message: ToWorker): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  /** Asks the worker to release its sessions and end; terminates it only if it does not within a few seconds. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.send({ type: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * A voice whose inference runs on a pool of worker threads, so that several streams use several cores and
 * the event loop stays free for sockets. Each sentence goes to the worker with the fewest in progress; a worker
 * runs one inference step at a time, earliest deadline first (see synth-worker.ts). The front end runs here,
 * on the main thread: it is cheap and its output is the cache key.
 */
export class WorkerPoolVoice implements Synthesizer {
  private readonly frontEnd = new FrontEnd();
  private nextJob = 1;

  private constructor(
    private readonly workers: SynthWorker[],
    private readonly info: Loaded,
  ) {}

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

  static async load(dir: string, session: SessionOptions, workers: number): Promise<WorkerPoolVoice> {
    const started = await Promise.allSettled(
      Array.from({ length: Math.max(1, workers) }, () => SynthWorker.start(dir, session)),
    );
    const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed || ok.length === 0) {
      await Promise.all(ok.map((s) => s.worker.stop()));
      throw failed?.reason ?? new Error('no synthesis worker started');
    }
    return new WorkerPoolVoice(
      ok.map((s) => s.worker),
      ok[0]!.info,
    );
  }

  prepare(text: string): PreparedPhrase {
    const p = this.frontEnd.phonemize(text);
    return { text, spoken: p.spoken, ids: p.ids, words: p.words };
  }

  async *synthesize(phrase: PreparedPhrase, options: SynthesizeOptions = {}): AsyncIterable<SynthesisChunk> {
    const { signal, onStage } = options;
    if (signal?.aborted) throw abortError(signal);
    const worker = this.leastBusy();
    const job = this.nextJob++;
    const inbox: FromWorker[] = [];
    let wake: (() => void) | undefined;
    worker.jobs.set(job, {
      push: (message) => {
        inbox.push(message);
        wake?.();
      },
    });
    const onAbort = (): void => wake?.();
    signal?.addEventListener('abort', onAbort);
    let finished = false;
    try {
      worker.send({
        type: 'synthesize',
        job,
        phrase,
        speed: options.speed ?? 1,
        credit: PREFETCH_CHUNKS,
        startAt: options.startAt ?? Date.now(),
      });
      for (;;) {
        while (inbox.length === 0 && !signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
        if (signal?.aborted) throw abortError(signal);
        const message = inbox.shift()!;
        if (message.type === 'chunk' || message.type === 'end') {
          for (const [stage, seconds] of message.stages) onStage?.(stage, seconds);
        }
        if (message.type === 'end') {
          finished = true;
          return;
        }
        if (message.type === 'failed') {
          finished = true;
          const code =
            message.code && message.code in ERROR_CODES ? (message.code as ErrorCode) : 'synthesis_failed';
          throw new SpeechgateError(code, 'synthesis failed', { cause: new Error(message.message) });
        }
        if (message.type === 'chunk') {
          yield message.chunk;
          worker.send({ type: 'credit', job, n: 1 });
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      worker.jobs.delete(job);
      if (!finished) worker.send({ type: 'cancel', job });
    }
  }

  /** Fewest sentences in progress; a worker busy with one long sentence does not delay another stream. */
  private leastBusy(): SynthWorker {
    let best: SynthWorker | undefined;
    for (const w of this.workers) {
      if (w.alive && (!best || w.jobs.size < best.jobs.size)) best = w;
    }
    if (!best) throw new SpeechgateError('synthesis_failed', 'no synthesis worker is running');
    return best;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}

/**
 * The gateway's handle on one synthesis process (synth-worker.ts). A process, not a worker thread: stopping
 * a thread while it is inside onnxruntime aborted the whole gateway ("terminate called after throwing an
 * instance of 'Napi::Error'"), and a native crash in a thread ends every stream. A process can be killed at
 * any moment and can crash alone; its steps in flight fail, and the pool starts another.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SpeechgateError, type ErrorCode, ERROR_CODES } from '../../errors.js';
import type { SessionOptions } from '../device.js';
import type { FromWorker, Step, StepResult, ToWorker, VoiceInfo } from './messages.js';
import type { StepRunner } from './scheduler.js';

const WORKER_PATH = fileURLToPath(new URL('./synth-worker.js', import.meta.url));
/** Nice value of synthesis processes: the gateway's event loop wins when the cores are busy. */
const WORKER_NICE = 10;
/** Vocoder chunks of one length a GPU runs in one call. */
const GPU_MAX_BATCH = 64;
/** How long a process may take to release its sessions and end before it is killed. */
const STOP_GRACE_MS = 5000;

/**
 * glibc's allocator keeps freed memory for reuse, in one arena per thread and, past its adaptive mmap
 * threshold, in the heap: after one long input the process stayed at its peak. Fixed thresholds return
 * blocks over 16 MB (and free heap tops over 32 MB) to the system; two arenas suffice for one inference
 * thread. A 256 KB threshold did the same but mapped every tensor afresh: synthesis ran 3-4x slower
 * (1-stream RTF 4.2 vs 16.4 in npm run bench, 2-core dev machine); step caps bound the rest.
 */
const ALLOCATOR_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: String(16 * 1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(32 * 1024 * 1024),
};

interface Pending {
  resolve: (result: StepResult) => void;
  reject: (err: unknown) => void;
}

export class SynthProcess implements StepRunner {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly session: SessionOptions,
    readonly kinds: ReadonlySet<Step['kind']> | undefined,
    onUnexpectedExit: (dead: SynthProcess) => void,
  ) {
    child.on('message', (message: FromWorker) => {
      if (message.type !== 'result' && message.type !== 'failed') return;
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'result') pending?.resolve(message.result);
      else pending?.reject(workerError(message, 'synthesis_failed', 'synthesis failed'));
    });
    // A send to a process that just died fails; its 'exit' below is what counts.
    child.on('error', () => undefined);
    child.on('exit', () => {
      this.exited = true;
      this.failPending();
      if (!this.stopping) onUnexpectedExit(this);
    });
  }

  static start(
    dir: string,
    session: SessionOptions,
    kinds: ReadonlySet<Step['kind']> | undefined,
    onUnexpectedExit: (dead: SynthProcess) => void,
  ): Promise<{ worker: SynthProcess; info: VoiceInfo }> {
    const child = fork(WORKER_PATH, [], {
      serialization: 'advanced',
      execArgv: [],
      env: { ...process.env, ...ALLOCATOR_ENV },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const cleanUp = (): void => {
        child.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      const onExit = (): void => {
        cleanUp();
        reject(new SpeechgateError('internal', 'synthesis process exited while loading'));
      };
      const onError = (err: Error): void => {
        cleanUp();
        child.kill('SIGKILL');
        reject(new SpeechgateError('internal', 'synthesis process could not start', { cause: err }));
      };
      const onMessage = (message: FromWorker): void => {
        if (message.type === 'loaded') {
          cleanUp();
          const { type: _, ...info } = message;
          resolve({ worker: new SynthProcess(child, session, kinds, onUnexpectedExit), info });
        } else if (message.type === 'load_failed') {
          cleanUp();
          child.send({ type: 'close' } satisfies ToWorker, () => undefined);
          reject(workerError(message, 'internal', message.message));
        }
      };
      child.on('message', onMessage).on('error', onError).on('exit', onExit);
      child.send({ type: 'load', dir, session, nice: WORKER_NICE } satisfies ToWorker);
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

  /** Resident memory of the process in bytes (Linux; 0 elsewhere or once it has ended). */
  get rss(): number {
    if (this.exited || this.child.pid === undefined) return 0;
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+)/m.exec(status)?.[1];
      return kb === undefined ? 0 : Number(kb) * 1024;
    } catch {
      return 0;
    }
  }

  run(step: Step): Promise<StepResult> {
    if (this.exited)
      return Promise.reject(new SpeechgateError('synthesis_failed', 'synthesis process exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ type: 'run', id, step } satisfies ToWorker, (err) => {
        if (!err) return;
        this.pending.delete(id);
        reject(new SpeechgateError('synthesis_failed', 'synthesis process unreachable', { cause: err }));
      });
    });
  }

  /** Asks the process to release its sessions and end; kills it if it has not within a few seconds. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'close' } satisfies ToWorker, () => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  /** For tests: the process dies at once, as in a native crash; resolves once the pool has seen it go. */
  kill(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (!this.exited) this.child.kill('SIGKILL');
    return this.exited ? Promise.resolve() : exited;
  }

  private failPending(): void {
    for (const p of this.pending.values()) {
      p.reject(new SpeechgateError('synthesis_failed', 'synthesis process exited'));
    }
    this.pending.clear();
  }
}

/** A process's failure as a SpeechgateError: its code if it sent a known one, else `fallback`. */
function workerError(
  message: { message: string; code?: string },
  fallback: ErrorCode,
  publicMessage: string,
): Error {
  const code = message.code && message.code in ERROR_CODES ? (message.code as ErrorCode) : fallback;
  return new SpeechgateError(code, publicMessage, { cause: new Error(message.message) });
}

/**
 * Opus encoding (and resampling) on worker threads. One opus@48000 stream costs about 0.35 % of a core
 * (`npm run bench:cost`; 2.4 % before CELT-only Opus and the polyphase resampler), which on many-core hosts
 * with hundreds of streams is still worth taking off the thread that serves every socket. Each stream's encoder lives
 * on one thread (codec state cannot move); streams are spread over threads by how many each holds. A thread
 * that dies fails its streams' pending calls, and streams opened later go to the others, or to this thread
 * when none is left.
 */
import { Worker } from 'node:worker_threads';
import { SpeechgateError, ERROR_CODES, type ErrorCode } from '../errors.js';
import type { FromEncoder, ToEncoder } from './encoder-messages.js';
import type { AudioFormat } from './format.js';
import { LocalEncoders, type EncoderService, type FrameEncoder } from './frame-encoder.js';

const WORKER_URL = new URL('./encoder-worker.js', import.meta.url);

interface Pending {
  resolve: (message: FromEncoder) => void;
  reject: (err: unknown) => void;
}

class EncoderThread {
  streams = 0;
  private readonly pending = new Map<number, Pending>();
  private nextReq = 1;
  private exited = false;

  constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromEncoder) => {
      const pending = this.pending.get(message.req);
      this.pending.delete(message.req);
      if (message.type === 'failed') pending?.reject(encoderError(message));
      else pending?.resolve(message);
    });
    worker.on('error', () => undefined); // followed by 'exit'
    worker.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values())
        p.reject(new SpeechgateError('internal', 'encoder thread exited'));
      this.pending.clear();
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  request(message: ToEncoder & { req: number }): Promise<FromEncoder> {
    if (this.exited) return Promise.reject(new SpeechgateError('internal', 'encoder thread exited'));
    return new Promise((resolve, reject) => {
      this.pending.set(message.req, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  newReq(): number {
    return this.nextReq++;
  }

  post(message: ToEncoder): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    await this.worker.terminate();
  }
}

function encoderError(message: { message: string; code?: string }): Error {
  const code = message.code && message.code in ERROR_CODES ? (message.code as ErrorCode) : 'internal';
  return new SpeechgateError(code, message.message);
}

function framesOf(message: FromEncoder): Uint8Array[] {
  if (message.type !== 'frames')
    throw new SpeechgateError('internal', `unexpected encoder reply ${message.type}`);
  const frames: Uint8Array[] = [];
  let offset = 0;
  for (const size of message.sizes) {
    frames.push(message.data.subarray(offset, offset + size));
    offset += size;
  }
  return frames;
}

class RemoteFrameEncoder implements FrameEncoder {
  private destroyed = false;

  constructor(
    private readonly thread: EncoderThread,
    private readonly id: number,
    readonly format: AudioFormat,
    readonly preSkip: number,
  ) {}

  async encode(pcm: Float32Array): Promise<Uint8Array[]> {
    this.live();
    return framesOf(
      await this.thread.request({ type: 'encode', req: this.thread.newReq(), id: this.id, pcm }),
    );
  }

  async flush(): Promise<Uint8Array[]> {
    this.live();
    return framesOf(await this.thread.request({ type: 'flush', req: this.thread.newReq(), id: this.id }));
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.thread.streams--;
    this.thread.post({ type: 'destroy', id: this.id });
  }

  private live(): void {
    if (this.destroyed) throw new SpeechgateError('internal', 'stream encoder used after destroy()');
  }
}

export class EncoderPool implements EncoderService {
  private readonly fallback = new LocalEncoders();
  private nextId = 1;

  private constructor(private readonly threads: EncoderThread[]) {}

  static create(count: number): EncoderPool {
    return new EncoderPool(
      Array.from({ length: Math.max(1, count) }, () => new EncoderThread(new Worker(WORKER_URL))),
    );
  }

  async open(format: AudioFormat, inputRate: number): Promise<FrameEncoder> {
    const thread = this.leastBusy();
    if (!thread) return this.fallback.open(format, inputRate);
    const id = this.nextId++;
    thread.streams++;
    try {
      const reply = await thread.request({ type: 'open', req: thread.newReq(), id, format, inputRate });
      if (reply.type !== 'opened')
        throw new SpeechgateError('internal', `unexpected encoder reply ${reply.type}`);
      return new RemoteFrameEncoder(thread, id, format, reply.preSkip);
    } catch (err) {
      thread.streams--;
      throw err;
    }
  }

  async prewarm(count: number, inputRate: number): Promise<void> {
    const each = Math.ceil(count / this.threads.length);
    await Promise.all(
      this.threads.map((t) => t.request({ type: 'prewarm', req: t.newReq(), count: each, inputRate })),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.stop()));
  }

  private leastBusy(): EncoderThread | undefined {
    let best: EncoderThread | undefined;
    for (const t of this.threads) if (t.alive && (!best || t.streams < best.streams)) best = t;
    return best;
  }
}

/**
 * A synthesis worker thread. onnxruntime-node runs inference on the calling thread, so inference on the
 * main thread would stall every socket while a model runs; each worker owns its own ONNX sessions instead.
 * Chunks flow back under a credit scheme (the main thread grants one credit per chunk it consumes), so a
 * paused stream also pauses its inference here.
 */
import { parentPort } from 'node:worker_threads';
import { SpeechgateError } from '../../errors.js';
import type { Stage, SynthesisChunk } from '../engine.js';
import { OnnxVoice } from '../onnx-voice.js';
import type { FromWorker, ToWorker } from './messages.js';

interface Job {
  id: number;
  controller: AbortController;
  iterator: AsyncIterator<SynthesisChunk>;
  credit: number;
  /** When this job's next chunk will be needed by a listener: its start plus the audio it has produced. */
  deadline: number;
  msPerSample: number;
  stages: [Stage, number][];
}

const port = parentPort;
if (!port) throw new Error('synth-worker must run in a worker thread');
let voice: OnnxVoice | undefined;
const jobs = new Map<number, Job>();
let stepping = false;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

async function load(dir: string, session: Extract<ToWorker, { type: 'load' }>['session']): Promise<void> {
  try {
    voice = await OnnxVoice.load(dir, session);
    // The first runs of a session allocate and optimise; pay for that before the first listener does.
    for await (const _ of voice.synthesize(voice.prepare('Ready.'))) {
      // drain
    }
    post({
      type: 'loaded',
      id: voice.id,
      name: voice.name,
      language: voice.language,
      sampleRate: voice.sampleRate,
      modelHash: voice.modelHash,
    });
  } catch (err) {
    post({ type: 'load_failed', message: errorMessage(err), ...errorCode(err) });
  }
}

function submit(message: Extract<ToWorker, { type: 'synthesize' }>): void {
  if (!voice) {
    post({ type: 'failed', job: message.job, message: 'voice not loaded' });
    return;
  }
  const controller = new AbortController();
  const stages: [Stage, number][] = [];
  const chunks = voice.synthesize(message.phrase, {
    signal: controller.signal,
    speed: message.speed,
    onStage: (stage, seconds) => stages.push([stage, seconds]),
  });
  const job: Job = {
    id: message.job,
    controller,
    iterator: chunks[Symbol.asyncIterator](),
    credit: message.credit,
    deadline: message.startAt,
    msPerSample: 1000 / voice.sampleRate,
    stages,
  };
  jobs.set(job.id, job);
  schedule();
}

/**
 * Earliest deadline first, one inference step (an acoustic run or a vocoder chunk) at a time: a new
 * stream's first audio, or a stream about to run dry, goes before audio that would only be buffered.
 */
function schedule(): void {
  if (stepping) return;
  let next: Job | undefined;
  for (const job of jobs.values()) {
    if (job.credit > 0 && (!next || job.deadline < next.deadline)) next = job;
  }
  if (!next) return;
  stepping = true;
  void step(next).finally(() => {
    stepping = false;
    schedule();
  });
}

async function step(job: Job): Promise<void> {
  try {
    const result = await job.iterator.next();
    if (job.controller.signal.aborted) return;
    const stages = job.stages.splice(0);
    if (result.done) {
      jobs.delete(job.id);
      post({ type: 'end', job: job.id, stages });
      return;
    }
    const chunk = result.value;
    job.credit--;
    job.deadline += chunk.pcm.length * job.msPerSample;
    const pcm = chunk.pcm.slice(); // a view into the vocoder's output: copy so the buffer can be transferred
    const out: SynthesisChunk = chunk.timing ? { pcm, timing: chunk.timing } : { pcm };
    post({ type: 'chunk', job: job.id, chunk: out, stages }, [pcm.buffer]);
  } catch (err) {
    jobs.delete(job.id);
    if (!job.controller.signal.aborted) {
      post({ type: 'failed', job: job.id, message: errorMessage(err), ...errorCode(err) });
    }
  }
}

function cancel(id: number): void {
  const job = jobs.get(id);
  if (!job) return;
  jobs.delete(id);
  job.controller.abort();
  void job.iterator.return?.().catch(() => undefined);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errorCode(err: unknown): { code?: string } {
  return err instanceof SpeechgateError ? { code: err.code } : {};
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'load':
      void load(message.dir, message.session);
      break;
    case 'synthesize':
      submit(message);
      break;
    case 'credit': {
      const job = jobs.get(message.job);
      if (!job) break;
      job.credit += message.n;
      schedule();
      break;
    }
    case 'cancel':
      cancel(message.job);
      break;
    case 'close':
      // Release the sessions before the thread ends: terminating a thread that still holds them aborts the
      // process inside onnxruntime's native teardown.
      for (const id of [...jobs.keys()]) cancel(id);
      void (voice?.close() ?? Promise.resolve()).finally(() => port.close());
      break;
  }
});

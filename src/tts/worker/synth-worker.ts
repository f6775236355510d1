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
  controller: AbortController;
  credit: number;
  wake: (() => void) | undefined;
}

const port = parentPort;
if (!port) throw new Error('synth-worker must run in a worker thread');
let voice: OnnxVoice | undefined;
const jobs = new Map<number, Job>();

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
    post({
      type: 'load_failed',
      message: err instanceof Error ? err.message : String(err),
      ...(err instanceof SpeechgateError ? { code: err.code } : {}),
    });
  }
}

async function run(message: Extract<ToWorker, { type: 'synthesize' }>): Promise<void> {
  const job: Job = { controller: new AbortController(), credit: message.credit, wake: undefined };
  jobs.set(message.job, job);
  let stages: [Stage, number][] = [];
  try {
    if (!voice) throw new Error('voice not loaded');
    const chunks = voice.synthesize(message.phrase, {
      signal: job.controller.signal,
      speed: message.speed,
      onStage: (stage, seconds) => stages.push([stage, seconds]),
    });
    for await (const chunk of chunks) {
      while (job.credit <= 0 && !job.controller.signal.aborted) {
        await new Promise<void>((resolve) => (job.wake = resolve));
      }
      if (job.controller.signal.aborted) return;
      job.credit--;
      const pcm = chunk.pcm.slice(); // a view into the vocoder's output: copy so the buffer can be transferred
      const out: SynthesisChunk = chunk.timing ? { pcm, timing: chunk.timing } : { pcm };
      post({ type: 'chunk', job: message.job, chunk: out, stages }, [pcm.buffer]);
      stages = [];
    }
    post({ type: 'end', job: message.job, stages });
  } catch (err) {
    if (job.controller.signal.aborted) return;
    post({
      type: 'failed',
      job: message.job,
      message: err instanceof Error ? err.message : String(err),
      ...(err instanceof SpeechgateError ? { code: err.code } : {}),
    });
  } finally {
    jobs.delete(message.job);
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'load':
      void load(message.dir, message.session);
      break;
    case 'synthesize':
      void run(message);
      break;
    case 'credit': {
      const job = jobs.get(message.job);
      if (!job) break;
      job.credit += message.n;
      job.wake?.();
      break;
    }
    case 'close':
      // Release the sessions before the thread ends: terminating a thread that still holds them aborts the
      // process inside onnxruntime's native teardown.
      for (const job of jobs.values()) job.controller.abort();
      void (voice?.close() ?? Promise.resolve()).finally(() => port.close());
      break;
    case 'cancel': {
      const job = jobs.get(message.job);
      if (!job) break;
      job.controller.abort();
      job.wake?.();
      break;
    }
  }
});

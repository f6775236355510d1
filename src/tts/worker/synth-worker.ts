/**
 * A synthesis worker thread: it owns a voice's ONNX sessions and runs the steps the main thread's scheduler
 * sends, one at a time. onnxruntime-node runs inference on the calling thread, so inference on the main
 * thread would stall every socket while a model runs.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { SpeechgateError } from '../../errors.js';
import { OnnxVoice } from '../onnx-voice.js';
import type { FromWorker, Step, StepResult, ToWorker } from './messages.js';

const port = parentPort;
if (!port) throw new Error('synth-worker must run in a worker thread');
let voice: OnnxVoice | undefined;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

/**
 * Lowers this thread's CPU priority so that the event loop (sockets, encoding) wins whenever the cores are
 * busy: a late frame on the wire hurts every stream, a few ms more of inference hurts none. Linux applies
 * setpriority() to one thread when given its id; elsewhere this is skipped.
 */
function lowerPriority(nice: number): void {
  if (nice <= 0 || process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // not permitted or no procfs: run at the default priority
  }
}

async function load(message: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  try {
    lowerPriority(message.nice);
    voice = await OnnxVoice.load(message.dir, message.session);
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
      shape: voice.shape,
    });
  } catch (err) {
    post({ type: 'load_failed', message: errorMessage(err), ...errorCode(err) });
  }
}

async function execute(v: OnnxVoice, step: Step): Promise<{ result: StepResult; transfer: ArrayBuffer[] }> {
  const started = performance.now();
  if (step.kind === 'acoustic') {
    const out = await v.acousticModel({ ids: step.ids }, step.speed);
    const seconds = (performance.now() - started) / 1000;
    const mel = out.mel.slice(); // its own buffer, which can be transferred whatever backs the tensor's
    return {
      result: { kind: 'acoustic', seconds, mel, frames: out.frames, durations: out.durations },
      transfer: [mel.buffer],
    };
  }
  const audio = await v.vocodeBatch(step.mels, step.frames);
  const seconds = (performance.now() - started) / 1000;
  // Copies of the kept samples only: the context frames never cross the thread boundary.
  const pcm = audio.map((a, i) => a.slice(step.keep[i]!.from, step.keep[i]!.to));
  return { result: { kind: 'vocode', seconds, pcm }, transfer: pcm.map((p) => p.buffer) };
}

/** Steps arrive one at a time (the scheduler waits for each result), so no queue is needed here. */
async function run(id: number, step: Step): Promise<void> {
  try {
    if (!voice) throw new Error('voice not loaded');
    const { result, transfer } = await execute(voice, step);
    post({ type: 'result', id, result }, transfer);
  } catch (err) {
    post({ type: 'failed', id, message: errorMessage(err), ...errorCode(err) });
  }
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
      void load(message);
      break;
    case 'run':
      void run(message.id, message.step);
      break;
    case 'close':
      // Release the sessions before the thread ends: terminating a thread that still holds them aborts the
      // process inside onnxruntime's native teardown.
      void (voice?.close() ?? Promise.resolve()).finally(() => port.close());
      break;
  }
});

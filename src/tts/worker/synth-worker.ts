/**
 * A synthesis process: it owns a voice's ONNX sessions and runs the steps the gateway's scheduler sends, one
 * at a time. It is a child process, not a thread, so that the gateway never has to stop a thread that may be
 * inside onnxruntime (that aborted the whole process), and so that a native crash here ends only this
 * process: the gateway fails the step it was running and starts another (see synth-process.ts).
 */
import { setPriority } from 'node:os';
import { SpeechgateError } from '../../errors.js';
import { MAX_ACOUSTIC_TOKENS } from '../acoustic-pieces.js';
import { OnnxVoice } from '../onnx-voice.js';
import type { FromWorker, Step, StepResult, ToWorker } from './messages.js';
import { MAX_BATCH_FRAMES } from './scheduler.js';

if (!process.send) throw new Error('synth-worker must run as a child process with an IPC channel');
let voice: OnnxVoice | undefined;

function post(message: FromWorker): void {
  // A failed send means the gateway is gone; 'disconnect' ends this process.
  process.send?.(message, undefined, undefined, () => undefined);
}

/**
 * Lowers this process's CPU priority so that the gateway's event loop (sockets, encoding) wins whenever the
 * cores are busy: a late frame on the wire hurts every stream, a few ms more of inference hurts none.
 */
function lowerPriority(nice: number): void {
  if (nice <= 0) return;
  try {
    setPriority(nice);
  } catch {
    // not permitted: run at the default priority
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

/**
 * The scheduler never sends more than this (acoustic-pieces.ts, chunking.ts); a step beyond it is refused
 * rather than allowed to take the machine's memory.
 */
const MAX_STEP_TOKENS = MAX_ACOUSTIC_TOKENS;
const MAX_STEP_FRAMES = MAX_BATCH_FRAMES;

async function execute(v: OnnxVoice, step: Step): Promise<StepResult> {
  const started = performance.now();
  if (step.kind === 'acoustic') {
    if (step.ids.length > MAX_STEP_TOKENS)
      throw new SpeechgateError('synthesis_failed', 'acoustic step too long');
    const out = await v.acousticModel({ ids: step.ids }, step.speed);
    const seconds = (performance.now() - started) / 1000;
    // Its own buffer: a view would send the whole buffer behind it.
    return { kind: 'acoustic', seconds, mel: out.mel.slice(), frames: out.frames, durations: out.durations };
  }
  if (step.frames * step.mels.length > MAX_STEP_FRAMES)
    throw new SpeechgateError('synthesis_failed', 'vocoder step too long');
  const audio = await v.vocodeBatch(step.mels, step.frames);
  const seconds = (performance.now() - started) / 1000;
  // Copies of the kept samples only: the context frames never cross the process boundary.
  const pcm = audio.map((a, i) => a.slice(step.keep[i]!.from, step.keep[i]!.to));
  return { kind: 'vocode', seconds, pcm };
}

/** Steps arrive one at a time (the scheduler waits for each result), so no queue is needed here. */
async function run(id: number, step: Step): Promise<void> {
  try {
    if (!voice) throw new Error('voice not loaded');
    post({ type: 'result', id, result: await execute(voice, step) });
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

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'load':
      void load(message);
      break;
    case 'run':
      void run(message.id, message.step);
      break;
    case 'close':
      void (voice?.close() ?? Promise.resolve()).finally(() => process.disconnect());
      break;
  }
});

// The gateway is gone (it ended, or crashed): nobody is left to serve.
process.on('disconnect', () => process.exit(0));

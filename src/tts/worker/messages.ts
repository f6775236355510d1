import type { SessionOptions } from '../device.js';
import type { AcousticOutput, VoiceShape } from '../phrase-plan.js';

/**
 * One inference step. Workers hold no per-phrase state: the main thread's scheduler decides which step of
 * which phrase runs next, on whichever worker is free.
 */
export type Step =
  | { kind: 'acoustic'; ids: readonly number[]; speed: number }
  /** `mels` are [nMels, frames] each, run as one batch; each output is cut to samples [keepFrom, keepTo). */
  | { kind: 'vocode'; mels: Float32Array[]; frames: number; keep: { from: number; to: number }[] };

export type StepResult =
  | ({ kind: 'acoustic'; seconds: number } & AcousticOutput)
  | { kind: 'vocode'; seconds: number; pcm: Float32Array[] };

/** Main thread → synthesis worker. */
export type ToWorker =
  | { type: 'load'; dir: string; session: SessionOptions; nice: number }
  | { type: 'run'; id: number; step: Step }
  | { type: 'close' };

export interface VoiceInfo {
  id: string;
  name: string;
  language: string;
  sampleRate: number;
  modelHash: string;
  shape: VoiceShape;
}

/** Synthesis worker → main thread. */
export type FromWorker =
  | ({ type: 'loaded' } & VoiceInfo)
  | { type: 'load_failed'; message: string; code?: string }
  | { type: 'result'; id: number; result: StepResult }
  | { type: 'failed'; id: number; message: string; code?: string };

import type { SessionOptions } from '../device.js';
import type { PreparedPhrase, Stage, SynthesisChunk } from '../engine.js';

/** Main thread → synthesis worker. */
export type ToWorker =
  | { type: 'load'; dir: string; session: SessionOptions }
  | {
      type: 'synthesize';
      job: number;
      phrase: PreparedPhrase;
      speed: number;
      credit: number;
      startAt: number;
    }
  | { type: 'credit'; job: number; n: number }
  | { type: 'cancel'; job: number }
  | { type: 'close' };

/** Synthesis worker → main thread. */
export type FromWorker =
  | { type: 'loaded'; id: string; name: string; language: string; sampleRate: number; modelHash: string }
  | { type: 'load_failed'; message: string; code?: string }
  | { type: 'chunk'; job: number; chunk: SynthesisChunk; stages: [Stage, number][] }
  | { type: 'end'; job: number; stages: [Stage, number][] }
  | { type: 'failed'; job: number; message: string; code?: string };

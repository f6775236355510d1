import type { AudioFormat } from './format.js';

/** Main thread → encoder thread. Every request but `destroy` is answered, in order. */
export type ToEncoder =
  | { type: 'open'; req: number; id: number; format: AudioFormat; inputRate: number }
  | { type: 'encode'; req: number; id: number; pcm: Float32Array }
  | { type: 'flush'; req: number; id: number }
  | { type: 'prewarm'; req: number; count: number; inputRate: number }
  | { type: 'destroy'; id: number };

/** Encoder thread → main thread. Frames travel packed in one buffer: `sizes` cuts it into frames. */
export type FromEncoder =
  | { type: 'opened'; req: number; preSkip: number }
  | { type: 'frames'; req: number; data: Uint8Array; sizes: number[] }
  | { type: 'done'; req: number }
  | { type: 'failed'; req: number; message: string; code?: string };

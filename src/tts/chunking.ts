/**
 * How a sentence's mel is cut for the vocoder: a small first chunk so the first audio leaves quickly, then
 * growing chunks (fewer calls, better throughput). Each chunk is vocoded with `context` extra frames on both
 * sides and those frames' samples are dropped, so the pieces join into the same waveform as one whole call
 * (within the tolerance measured in vocoder.test.ts) and chunk edges do not click.
 */
export interface ChunkPlanOptions {
  firstFrames: number;
  maxFrames: number;
  context: number;
}

/**
 * 12 context frames reproduce whole-sentence vocoding to within about 1e-6 (8 do not: errors of 0.4); see
 * `npm run bench:voice`. Chunks grow to 128 frames so the context costs under a fifth of the work.
 */
export const DEFAULT_CHUNKING: ChunkPlanOptions = { firstFrames: 8, maxFrames: 128, context: 12 };

export interface ChunkSpan {
  /** Frames [start, end) whose audio this chunk delivers. */
  start: number;
  end: number;
  /** Frames [inputStart, inputEnd) fed to the vocoder (the span plus context, clipped to the sentence). */
  inputStart: number;
  inputEnd: number;
}

export function planChunks(totalFrames: number, options: ChunkPlanOptions = DEFAULT_CHUNKING): ChunkSpan[] {
  const spans: ChunkSpan[] = [];
  let size = Math.max(1, options.firstFrames);
  for (let start = 0; start < totalFrames;) {
    let end = Math.min(totalFrames, start + size);
    // A tiny tail costs a whole vocoder call; fold it into this chunk instead.
    if (totalFrames - end < Math.ceil(size / 4)) end = totalFrames;
    spans.push({
      start,
      end,
      inputStart: Math.max(0, start - options.context),
      inputEnd: Math.min(totalFrames, end + options.context),
    });
    start = end;
    size = Math.min(options.maxFrames, size * 2);
  }
  return spans;
}

/** Copies mel frames [from, to) out of a [nMels, totalFrames] row-major mel. */
export function sliceMel(
  mel: Float32Array,
  nMels: number,
  totalFrames: number,
  from: number,
  to: number,
): Float32Array {
  const frames = to - from;
  const out = new Float32Array(nMels * frames);
  for (let m = 0; m < nMels; m++) {
    out.set(mel.subarray(m * totalFrames + from, m * totalFrames + to), m * frames);
  }
  return out;
}

/**
 * Continuous batching of vocoder calls for GPUs. A GPU call costs a few milliseconds whatever its size, so the
 * chunks that several streams need at the same moment are run as one batch: requests wait only while the
 * previous batch runs (plus one event-loop turn), never for a timer. Only inputs of the same length share a
 * batch, so every chunk is vocoded exactly as it would be alone; in steady state the chunk plan makes most
 * inputs the same length.
 */
export type RunBatch = (mel: Float32Array, batch: number, frames: number) => Promise<Float32Array>;

interface Pending {
  mel: Float32Array;
  resolve: (audio: Float32Array) => void;
  reject: (err: unknown) => void;
}

export class VocoderBatcher {
  private readonly groups = new Map<number, Pending[]>();
  private running = false;
  private scheduled = false;
  /** Sizes of the batches run so far, for tests and benchmarks. */
  readonly batchSizes: number[] = [];

  constructor(
    private readonly run: RunBatch,
    private readonly nMels: number,
    private readonly hop: number,
    private readonly maxBatch = 64,
  ) {}

  /** Vocodes one [nMels, frames] mel; resolves with frames × hop samples. */
  vocode(mel: Float32Array, frames: number): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      const group = this.groups.get(frames) ?? [];
      group.push({ mel, resolve, reject });
      this.groups.set(frames, group);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // One turn of the event loop lets every stream that is ready right now add its chunk.
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.largestGroup(); next; next = this.largestGroup()) {
        const [frames, group] = next;
        const batch = group.splice(0, this.maxBatch);
        if (group.length === 0) this.groups.delete(frames);
        await this.runBatch(frames, batch);
      }
    } finally {
      this.running = false;
    }
  }

  private largestGroup(): [number, Pending[]] | undefined {
    let best: [number, Pending[]] | undefined;
    for (const entry of this.groups) if (!best || entry[1].length > best[1].length) best = entry;
    return best;
  }

  private async runBatch(frames: number, batch: Pending[]): Promise<void> {
    const size = this.nMels * frames;
    const input = new Float32Array(size * batch.length);
    batch.forEach((p, i) => input.set(p.mel, i * size));
    this.batchSizes.push(batch.length);
    try {
      const audio = await this.run(input, batch.length, frames);
      const samples = frames * this.hop;
      batch.forEach((p, i) => p.resolve(audio.slice(i * samples, (i + 1) * samples)));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}

/**
 * Cuts a stream of float samples, arriving in chunks of any length, into fixed-size frames. Every
 * returned frame is a fresh array the caller may keep.
 */
export class FrameBuffer {
  private pending: Float32Array;
  private fill = 0;

  constructor(readonly frameSamples: number) {
    if (!Number.isInteger(frameSamples) || frameSamples <= 0)
      throw new RangeError('frameSamples must be > 0');
    this.pending = new Float32Array(frameSamples);
  }

  /** Samples waiting for a frame to complete. */
  get buffered(): number {
    return this.fill;
  }

  push(samples: Float32Array): Float32Array[] {
    const frames: Float32Array[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.frameSamples - this.fill, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.fill);
      this.fill += take;
      offset += take;
      if (this.fill === this.frameSamples) {
        frames.push(this.pending);
        this.pending = new Float32Array(this.frameSamples);
        this.fill = 0;
      }
    }
    return frames;
  }

  /** The partial frame padded with silence, or undefined when nothing is buffered. */
  drainPadded(): Float32Array | undefined {
    if (this.fill === 0) return undefined;
    const frame = this.pending; // the unused tail is still zero: frames are allocated zeroed and never reused
    this.pending = new Float32Array(this.frameSamples);
    this.fill = 0;
    return frame;
  }
}

/**
 * A growable ring buffer of float samples: the jitter buffer inside the AudioWorklet. The gateway
 * synthesises faster than real time, so a whole utterance may arrive long before it is played; the
 * ring doubles instead of dropping. The class is self-contained on purpose: worklet.ts embeds its
 * source text in the worklet module, so the code unit-tested here is the code that runs there.
 */
export class SampleRing {
  buffer: Float32Array;
  start = 0;
  size = 0;

  constructor(capacity = 16384) {
    this.buffer = new Float32Array(Math.max(16, capacity));
  }

  get length(): number {
    return this.size;
  }

  push(samples: Float32Array): void {
    if (this.size + samples.length > this.buffer.length) {
      let capacity = this.buffer.length * 2;
      while (capacity < this.size + samples.length) capacity *= 2;
      const grown = new Float32Array(capacity);
      this.read(grown.subarray(0, this.size), false);
      this.buffer = grown;
      this.start = 0;
    }
    const cap = this.buffer.length;
    const end = (this.start + this.size) % cap;
    const first = Math.min(samples.length, cap - end);
    this.buffer.set(samples.subarray(0, first), end);
    if (first < samples.length) this.buffer.set(samples.subarray(first), 0);
    this.size += samples.length;
  }

  /** Copies up to out.length samples into `out` and returns how many; `consume` false only peeks. */
  read(out: Float32Array, consume = true): number {
    const n = Math.min(out.length, this.size);
    const cap = this.buffer.length;
    const first = Math.min(n, cap - this.start);
    out.set(this.buffer.subarray(this.start, this.start + first), 0);
    if (first < n) out.set(this.buffer.subarray(0, n - first), first);
    if (consume) {
      this.start = (this.start + n) % cap;
      this.size -= n;
    }
    return n;
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
  }
}

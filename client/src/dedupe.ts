/**
 * Which frame sequence numbers of one context have been delivered. Frames normally arrive in order,
 * so the set is a low-water mark plus the few numbers seen above it: memory stays constant.
 */
export class SequenceSet {
  /** Every sequence below this has been seen. */
  private floor = 0;
  private readonly above = new Set<number>();

  /** True if `sequence` is new (and records it); false for a duplicate. */
  add(sequence: number): boolean {
    if (sequence < this.floor || this.above.has(sequence)) return false;
    this.above.add(sequence);
    while (this.above.delete(this.floor)) this.floor++;
    return true;
  }

  has(sequence: number): boolean {
    return sequence < this.floor || this.above.has(sequence);
  }

  /** Sequences seen so far. */
  get size(): number {
    return this.floor + this.above.size;
  }
}

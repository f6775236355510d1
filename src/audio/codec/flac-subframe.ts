/**
 * One FLAC subframe for a block of 16-bit mono samples: CONSTANT for a flat block (silence), else the
 * cheapest FIXED predictor (orders 0-4) with partitioned Rice coding of its residual, else VERBATIM when
 * prediction does not pay. Sizes are estimated before anything is written, so each block is coded once.
 */
import type { BitWriter } from './bit-writer.js';

const BITS_PER_SAMPLE = 16;
const MAX_ORDER = 4;
const MAX_PARTITION_ORDER = 8;
/** Residual coding method 0 has 4-bit Rice parameters; 15 is the escape to raw bits. */
const MAX_RICE = 14;
const ESCAPE = 15;

/** Residual of the fixed predictor of `order` for samples[order..]. */
function fixedResidual(x: Int16Array, order: number, out: Int32Array): void {
  const n = x.length;
  for (let i = order; i < n; i++) {
    let e: number;
    switch (order) {
      case 0:
        e = x[i]!;
        break;
      case 1:
        e = x[i]! - x[i - 1]!;
        break;
      case 2:
        e = x[i]! - 2 * x[i - 1]! + x[i - 2]!;
        break;
      case 3:
        e = x[i]! - 3 * x[i - 1]! + 3 * x[i - 2]! - x[i - 3]!;
        break;
      default:
        e = x[i]! - 4 * x[i - 1]! + 6 * x[i - 2]! - 4 * x[i - 3]! + x[i - 4]!;
    }
    out[i - order] = e;
  }
}

/** The order whose residual has the smallest absolute sum (compared over the same samples). */
function bestFixedOrder(x: Int16Array): number {
  const n = x.length;
  const maxOrder = Math.min(MAX_ORDER, n - 1);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = MAX_ORDER; i < n; i++) {
    const e0 = x[i]!;
    const e1 = e0 - x[i - 1]!;
    const e2 = e1 - (x[i - 1]! - x[i - 2]!);
    const e3 = e2 - (x[i - 1]! - 2 * x[i - 2]! + x[i - 3]!);
    const e4 = e3 - (x[i - 1]! - 3 * x[i - 2]! + 3 * x[i - 3]! - x[i - 4]!);
    s0 += Math.abs(e0);
    s1 += Math.abs(e1);
    s2 += Math.abs(e2);
    s3 += Math.abs(e3);
    s4 += Math.abs(e4);
  }
  const sums = [s0, s1, s2, s3, s4];
  let best = 0;
  for (let o = 1; o <= maxOrder; o++) if (sums[o]! < sums[best]!) best = o;
  return best;
}

const zigzag = (e: number): number => (e >= 0 ? 2 * e : -2 * e - 1);

/** Estimated bits of `count` zigzagged values summing to `sum` with the best Rice parameter. */
function riceCost(sum: number, count: number): { bits: number; param: number } {
  let best = { bits: Infinity, param: 0 };
  for (let k = 0; k <= MAX_RICE; k++) {
    const bits = count * (k + 1) + Math.floor(sum / 2 ** k);
    if (bits < best.bits) best = { bits, param: k };
  }
  return best;
}

interface Partitioning {
  order: number;
  params: number[];
  bits: number;
}

/** Chooses the partition order and Rice parameters for `residual` (length blockSize - predictorOrder). */
function partition(u: Float64Array, blockSize: number, predictorOrder: number): Partitioning {
  let best: Partitioning = { order: 0, params: [], bits: Infinity };
  for (let p = 0; p <= MAX_PARTITION_ORDER; p++) {
    const parts = 1 << p;
    if (blockSize % parts !== 0 || blockSize / parts <= predictorOrder) break;
    const per = blockSize / parts;
    const params: number[] = [];
    let bits = 4; // partition order field
    let start = 0;
    for (let j = 0; j < parts; j++) {
      const count = j === 0 ? per - predictorOrder : per;
      let sum = 0;
      for (let i = start; i < start + count; i++) sum += u[i]!;
      const cost = riceCost(sum, count);
      params.push(cost.param);
      bits += 4 + cost.bits;
      start += count;
    }
    if (bits < best.bits) best = { order: p, params, bits };
  }
  return best;
}

/** Scratch buffers sized for the largest block seen. */
export class SubframeCoder {
  private residual = new Int32Array(0);
  private zig = new Float64Array(0);

  /** Writes the subframe for `x` (one block) to `w`. */
  write(w: BitWriter, x: Int16Array): void {
    const n = x.length;
    let flat = true;
    for (let i = 1; i < n && flat; i++) flat = x[i] === x[0];
    if (flat) {
      w.write(0b00000000, 8); // pad bit, CONSTANT, no wasted bits
      w.write(x[0]!, BITS_PER_SAMPLE);
      return;
    }
    if (this.residual.length < n) {
      this.residual = new Int32Array(n);
      this.zig = new Float64Array(n);
    }
    const order = n > MAX_ORDER ? bestFixedOrder(x) : 0;
    fixedResidual(x, order, this.residual);
    const count = n - order;
    for (let i = 0; i < count; i++) this.zig[i] = zigzag(this.residual[i]!);
    const plan = partition(this.zig, n, order);
    const predictedBits = 8 + order * BITS_PER_SAMPLE + 2 + plan.bits;
    if (predictedBits >= 8 + n * BITS_PER_SAMPLE) {
      w.write(0b00000010, 8); // VERBATIM
      for (let i = 0; i < n; i++) w.write(x[i]!, BITS_PER_SAMPLE);
      return;
    }
    w.write((0b001000 | order) << 1, 8); // FIXED, order in the low 3 bits of the type
    for (let i = 0; i < order; i++) w.write(x[i]!, BITS_PER_SAMPLE);
    w.write(0, 2); // residual coding method 0: 4-bit Rice parameters
    w.write(plan.order, 4);
    const per = n >> plan.order;
    let start = 0;
    plan.params.forEach((param, j) => {
      const end = start + (j === 0 ? per - order : per);
      this.writePartition(w, start, end, param);
      start = end;
    });
  }

  private writePartition(w: BitWriter, start: number, end: number, param: number): void {
    // A parameter of 14 with huge quotients means a burst (a click); raw bits bound its cost.
    let maxU = 0;
    for (let i = start; i < end; i++) maxU = Math.max(maxU, this.zig[i]!);
    if (maxU / 2 ** param > 64) {
      let width = 1;
      for (let i = start; i < end; i++) {
        const e = this.residual[i]!;
        while (e < -(2 ** (width - 1)) || e >= 2 ** (width - 1)) width++;
      }
      w.write(ESCAPE, 4);
      w.write(width, 5);
      for (let i = start; i < end; i++) w.write(this.residual[i]!, width);
      return;
    }
    w.write(param, 4);
    const mask = (1 << param) - 1;
    for (let i = start; i < end; i++) {
      const u = this.zig[i]!;
      w.unary(Math.floor(u / 2 ** param));
      if (param > 0) w.write(u & mask, param);
    }
  }
}

/**
 * Rational-ratio polyphase resampling in plain TypeScript: out/in = up/down (reduced), one Kaiser-windowed
 * sinc cut into `up` phases of `taps` coefficients. The table depends only on the two rates, so it is built
 * once and shared by every stream; a stream holds only a few KB of input history. That makes creating one
 * free (no WASM instance per stream) and each output sample costs `taps` multiply-adds.
 *
 * Design (see scripts/bench-cost.ts for the measured response): cut-off at half the lower of the two rates,
 * transition band ±15 % around it (22.05 -> 48 kHz: flat to 9.4 kHz, images above 12.7 kHz removed; -> 8 kHz:
 * flat to 3.4 kHz, which is the telephone band), Kaiser beta 8 (about 80 dB of stopband).
 */
import { SpeechgateError } from '../errors.js';
import type { Resampler } from './resampler.js';

/** Half-width of the transition band, as a fraction of the lower rate's Nyquist frequency. */
const TRANSITION = 0.15;
const KAISER_BETA = 8;
/** Largest `up` (phases) worth a table; other ratios go to libsamplerate. */
const MAX_PHASES = 1024;
/** Input is taken in slices of this many samples, which bounds a stream's history buffer. */
const SLICE = 1024;

export interface PolyphaseTable {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly up: number;
  readonly down: number;
  readonly taps: number;
  /** `up` rows of `taps` coefficients; row p weighs the input around time q + p/up. */
  readonly coefficients: Float32Array;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series; converges fast for beta <= 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

const tables = new Map<string, PolyphaseTable>();

/** The shared table for a rate pair, or undefined when the reduced ratio has too many phases. */
export function polyphaseTable(inputRate: number, outputRate: number): PolyphaseTable | undefined {
  const key = `${inputRate}>${outputRate}`;
  const cached = tables.get(key);
  if (cached) return cached;
  const divisor = gcd(inputRate, outputRate);
  const up = outputRate / divisor;
  const down = inputRate / divisor;
  if (up > MAX_PHASES) return undefined;
  // Everything in input samples: the cut-off (cycles per input sample) and the transition width.
  const cutoff = Math.min(inputRate, outputRate) / 2 / inputRate;
  const transition = 2 * TRANSITION * cutoff;
  // Kaiser's estimate for beta 8 (A ~ 80 dB): N ~ (A - 8) / (2.285 * 2 pi * width).
  const taps = 4 * Math.ceil((80 - 8) / (2.285 * 2 * Math.PI * transition) / 4);
  const half = taps / 2;
  const coefficients = new Float32Array(up * taps);
  const norm = besselI0(KAISER_BETA);
  for (let p = 0; p < up; p++) {
    const row = p * taps;
    let sum = 0;
    for (let i = 0; i < taps; i++) {
      // Distance (input samples) from output time q + p/up to input q - (half - 1) + i.
      const t = p / up + half - 1 - i;
      const x = 2 * cutoff * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const r = t / half;
      const window = Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / norm;
      const c = 2 * cutoff * sinc * window;
      coefficients[row + i] = c;
      sum += c;
    }
    // Unity gain at DC in every phase: no ripple at the output rate from phase-to-phase gain differences.
    for (let i = 0; i < taps; i++) coefficients[row + i] = coefficients[row + i]! / sum;
  }
  const table: PolyphaseTable = { inputRate, outputRate, up, down, taps, coefficients };
  tables.set(key, table);
  return table;
}

/**
 * One stream's converter. Output sample j (counted from the last flush) is the input interpolated at time
 * j * down / up, so audio stays time-aligned and any chunking of the input gives the same samples.
 */
export class PolyphaseResampler implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  private readonly table: PolyphaseTable;
  /** Input history; history[0] is input sample `start` (negative: the zeros before a segment). */
  private readonly history: Float32Array;
  private fill = 0;
  private start = 0;
  /** Next output: input index q and phase p of its time q + p/up. */
  private q = 0;
  private p = 0;
  private inSinceFlush = 0;
  private outSinceFlush = 0;
  private destroyed = false;

  constructor(table: PolyphaseTable) {
    this.table = table;
    this.inputRate = table.inputRate;
    this.outputRate = table.outputRate;
    this.history = new Float32Array(table.taps + SLICE);
    this.reset();
  }

  process(input: Float32Array): Float32Array {
    this.live();
    if (input.length === 0) return new Float32Array(0);
    this.inSinceFlush += input.length;
    const out = new Float32Array(this.expectedOutputs(this.inSinceFlush) - this.outSinceFlush + 2);
    let produced = 0;
    for (let offset = 0; offset < input.length; offset += SLICE) {
      this.append(input, offset, Math.min(SLICE, input.length - offset));
      produced = this.run(out, produced, out.length);
    }
    this.outSinceFlush += produced;
    return produced === out.length ? out : out.slice(0, produced);
  }

  flush(): Float32Array {
    this.live();
    if (this.inSinceFlush === 0) return new Float32Array(0);
    const missing = Math.round((this.inSinceFlush * this.outputRate) / this.inputRate) - this.outSinceFlush;
    const out = new Float32Array(Math.max(0, missing));
    let produced = 0;
    const silence = new Float32Array(SLICE);
    // Silence after the end releases the last outputs; the history's bound is kept by appending in slices.
    for (let round = 0; produced < out.length; round++) {
      if (round > this.table.taps + 4) throw new SpeechgateError('internal', 'resampler did not drain');
      this.append(silence, 0, Math.min(SLICE, this.table.taps));
      produced = this.run(out, produced, out.length);
    }
    this.reset();
    return out;
  }

  destroy(): void {
    this.destroyed = true;
  }

  /** Upper bound on outputs whose inputs have arrived, for sizing the result of process(). */
  private expectedOutputs(inputs: number): number {
    return Math.floor(((inputs + 1) * this.table.up) / this.table.down) + 1;
  }

  private live(): void {
    if (this.destroyed) throw new SpeechgateError('internal', 'resampler used after destroy()');
  }

  private reset(): void {
    const half = this.table.taps / 2;
    this.history.fill(0);
    this.fill = half - 1; // the zeros before the segment's first sample
    this.start = -(half - 1);
    this.q = 0;
    this.p = 0;
    this.inSinceFlush = 0;
    this.outSinceFlush = 0;
  }

  /** Drops history no output needs any more, then appends `count` samples (non-finite ones as silence). */
  private append(input: Float32Array, offset: number, count: number): void {
    const history = this.history;
    // Clamped: when decimating, the next output may need nothing that is buffered yet.
    const keepFrom = Math.min(this.fill, this.q - (this.table.taps / 2 - 1) - this.start);
    if (keepFrom > 0) {
      history.copyWithin(0, keepFrom, this.fill);
      this.fill -= keepFrom;
      this.start += keepFrom;
    }
    for (let i = 0; i < count; i++) {
      const x = input[offset + i]!;
      history[this.fill + i] = Number.isFinite(x) ? x : 0;
    }
    this.fill += count;
  }

  /** Writes outputs from `at` (below `limit`) while every input they weigh is in the history. */
  private run(out: Float32Array, at: number, limit: number): number {
    const { taps, up, down, coefficients } = this.table;
    const history = this.history;
    const qStep = Math.floor(down / up);
    const pStep = down % up;
    const lead = taps / 2 - 1;
    const start = this.start;
    // Output (q, p) weighs inputs q - lead .. q + taps / 2.
    const lastQ = start + this.fill - 1 - taps / 2;
    let q = this.q;
    let p = this.p;
    let j = at;
    while (q <= lastQ && j < limit) {
      const base = q - lead - start;
      const row = p * taps;
      // Four accumulators (taps is a multiple of 4): shorter dependency chains, measurably faster in V8.
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let i = 0; i < taps; i += 4) {
        const c = row + i;
        const h = base + i;
        a0 += coefficients[c]! * history[h]!;
        a1 += coefficients[c + 1]! * history[h + 1]!;
        a2 += coefficients[c + 2]! * history[h + 2]!;
        a3 += coefficients[c + 3]! * history[h + 3]!;
      }
      out[j++] = a0 + a1 + (a2 + a3);
      q += qStep;
      p += pStep;
      if (p >= up) {
        p -= up;
        q++;
      }
    }
    this.q = q;
    this.p = p;
    return j;
  }
}

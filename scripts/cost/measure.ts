/**
 * Deterministic-ish measures for the cost bench: CPU time of this thread's work (process.cpuUsage, not
 * wall-clock, so a busy machine inflates it less), and quality measures of decoded audio against a reference.
 */
import { fft } from '../voice-measures.js';

/** CPU milliseconds one run of `work` takes: the least of `reps` runs after one warm-up run. */
export function cpuMs(work: () => void, reps = 3): number {
  work();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/** Power spectra (Hann window, hop = size / 2), bins 0..size/2. */
function spectra(signal: Float32Array, size: number): Float64Array[] {
  const out: Float64Array[] = [];
  const window = Float64Array.from(
    { length: size },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size),
  );
  for (let at = 0; at + size <= signal.length; at += size / 2) {
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    for (let i = 0; i < size; i++) re[i] = signal[at + i]! * window[i]!;
    fft(re, im);
    const power = new Float64Array(size / 2 + 1);
    for (let k = 0; k <= size / 2; k++) power[k] = re[k]! ** 2 + im[k]! ** 2;
    out.push(power);
  }
  return out;
}

export interface Distance {
  /** Log-spectral distance in dB (RMS over bins up to `maxHz`, mean over active frames). */
  lsdDb: number;
  /**
   * The same over 40 mel bands (50 Hz to `maxHz`), each floored 60 dB below the frame's loudest band: closer to
   * what a listener hears than per-bin distance, which codec noise filling in empty bins dominates.
   */
  melDb: number;
  /** Segmental SNR in dB (20 ms segments, each clamped to -10..35 dB, active segments only). */
  segSnrDb: number;
}

/**
 * How far `test` is from `reference` (same rate, already time-aligned). Frames quieter than 50 dB below the
 * loudest are left out of both measures: pauses would dominate them otherwise.
 */
export function distance(reference: Float32Array, test: Float32Array, rate: number, maxHz: number): Distance {
  const length = Math.min(reference.length, test.length);
  const size = rate >= 32000 ? 1024 : 512;
  const a = spectra(reference.subarray(0, length), size);
  const b = spectra(test.subarray(0, length), size);
  const energies = a.map((p) => p.reduce((s, x) => s + x, 0));
  const floor = Math.max(...energies) * 1e-5;
  const maxBin = Math.min(size / 2, Math.floor((maxHz * size) / rate));
  const tiny = floor / size / 1e4; // keeps log() finite without letting empty bins dominate
  const bands = melBands(size, rate, maxHz);
  let lsd = 0;
  let mel = 0;
  let frames = 0;
  a.forEach((pa, f) => {
    if (energies[f]! < floor) return;
    const pb = b[f]!;
    let sum = 0;
    for (let k = 1; k <= maxBin; k++) sum += (10 * Math.log10((pa[k]! + tiny) / (pb[k]! + tiny))) ** 2;
    lsd += Math.sqrt(sum / maxBin);
    const ma = bands.map((w) => w.reduce((s, [k, g]) => s + g * pa[k]!, 0));
    const mb = bands.map((w) => w.reduce((s, [k, g]) => s + g * pb[k]!, 0));
    const bandFloor = Math.max(...ma) * 1e-6;
    let melSum = 0;
    ma.forEach(
      (x, i) => (melSum += (10 * Math.log10(Math.max(x, bandFloor) / Math.max(mb[i]!, bandFloor))) ** 2),
    );
    mel += Math.sqrt(melSum / bands.length);
    frames++;
  });
  const segment = Math.round(rate * 0.02);
  let snr = 0;
  let segments = 0;
  let loudest = 0;
  for (let at = 0; at + segment <= length; at += segment) {
    let e = 0;
    for (let i = at; i < at + segment; i++) e += reference[i]! ** 2;
    loudest = Math.max(loudest, e);
  }
  for (let at = 0; at + segment <= length; at += segment) {
    let signal = 0;
    let noise = 0;
    for (let i = at; i < at + segment; i++) {
      signal += reference[i]! ** 2;
      noise += (reference[i]! - test[i]!) ** 2;
    }
    if (signal < loudest * 1e-5) continue;
    snr += Math.max(-10, Math.min(35, 10 * Math.log10(signal / Math.max(noise, 1e-20))));
    segments++;
  }
  return {
    lsdDb: lsd / Math.max(1, frames),
    melDb: mel / Math.max(1, frames),
    segSnrDb: snr / Math.max(1, segments),
  };
}

/** Triangular mel filters as (bin, weight) lists. */
function melBands(size: number, rate: number, maxHz: number, count = 40): [number, number][][] {
  const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
  const hz = (m: number) => 700 * (10 ** (m / 2595) - 1);
  const edges = Array.from({ length: count + 2 }, (_, i) =>
    hz(mel(50) + ((mel(maxHz) - mel(50)) * i) / (count + 1)),
  );
  return Array.from({ length: count }, (_, band) => {
    const [lo, mid, hi] = [edges[band]!, edges[band + 1]!, edges[band + 2]!];
    const weights: [number, number][] = [];
    for (let k = Math.floor((lo * size) / rate); k <= Math.ceil((hi * size) / rate); k++) {
      const f = (k * rate) / size;
      const w = f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid);
      if (w > 0 && k <= size / 2) weights.push([k, w]);
    }
    return weights;
  });
}

/** SNR in dB of `test` against `reference` over their common length. */
export function snrDb(reference: Float32Array, test: Float32Array): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < Math.min(reference.length, test.length); i++) {
    signal += reference[i]! ** 2;
    noise += (reference[i]! - test[i]!) ** 2;
  }
  return 10 * Math.log10(signal / Math.max(noise, 1e-30));
}

/** Level (dB re `amplitude`) of a sine of `frequency` in a signal, by correlation (the middle, edges dropped). */
export function toneLevelDb(
  signal: Float32Array,
  frequency: number,
  rate: number,
  amplitude: number,
): number {
  const margin = Math.round(rate * 0.05);
  let c = 0;
  let s = 0;
  const n = signal.length - 2 * margin;
  for (let i = margin; i < signal.length - margin; i++) {
    c += signal[i]! * Math.cos((2 * Math.PI * frequency * i) / rate);
    s += signal[i]! * Math.sin((2 * Math.PI * frequency * i) / rate);
  }
  return 20 * Math.log10((2 * Math.hypot(c, s)) / n / amplitude);
}

/**
 * Objective measures of synthetic speech against a recording of the same sentence, for eval-voice: log mel
 * (the voices' own definition, as models/recipe/mel.py), mel cepstra, dynamic time warping, mel-cepstral
 * distortion and F0 (YIN, as models/recipe/npmel.py) error and correlation along the warping path.
 */

export const SAMPLE_RATE = 22050;
const N_FFT = 1024;
const HOP = 256;
const N_MELS = 80;
const F_MAX = 8000;

/** In-place iterative radix-2 FFT of (re, im); length a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

const hzToMel = (f: number): number =>
  f >= 1000 ? 15 + Math.log(f / 1000) / (Math.log(6.4) / 27) : f / (200 / 3);
const melToHz = (m: number): number =>
  m >= 15 ? 1000 * Math.exp((Math.log(6.4) / 27) * (m - 15)) : m * (200 / 3);

/** Slaney-normalised triangular filters [80][513], as torchaudio's melscale_fbanks(norm='slaney'). */
function melBasis(): Float64Array[] {
  const bins = N_FFT / 2 + 1;
  const top = hzToMel(F_MAX);
  const pts = Array.from({ length: N_MELS + 2 }, (_, i) => melToHz((top * i) / (N_MELS + 1)));
  return Array.from({ length: N_MELS }, (_, m) => {
    const row = new Float64Array(bins);
    const [lo, mid, hi] = [pts[m]!, pts[m + 1]!, pts[m + 2]!];
    const norm = 2 / (hi - lo);
    for (let k = 0; k < bins; k++) {
      const f = (k * SAMPLE_RATE) / 2 / (bins - 1);
      row[k] = Math.max(0, Math.min((f - lo) / (mid - lo), (hi - f) / (hi - mid))) * norm;
    }
    return row;
  });
}

const BASIS = melBasis();
const WINDOW = Float64Array.from(
  { length: N_FFT },
  (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N_FFT),
);

/** Log mel frames [T][80] of 22050 Hz audio: reflect padding of 384, magnitude, ln(max(x, 1e-5)). */
export function logMel(audio: Float32Array): Float64Array[] {
  const pad = (N_FFT - HOP) / 2;
  const n = audio.length;
  const at = (i: number): number => {
    const j = i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
    return audio[Math.min(n - 1, Math.max(0, j))] ?? 0;
  };
  const frames = Math.floor(n / HOP);
  const out: Float64Array[] = [];
  const re = new Float64Array(N_FFT);
  const im = new Float64Array(N_FFT);
  const mag = new Float64Array(N_FFT / 2 + 1);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < N_FFT; i++) {
      re[i] = at(t * HOP - pad + i) * WINDOW[i]!;
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k < mag.length; k++) mag[k] = Math.sqrt(re[k]! ** 2 + im[k]! ** 2 + 1e-9);
    out.push(
      Float64Array.from(BASIS, (row) => {
        let s = 0;
        for (let k = 0; k < row.length; k++) s += row[k]! * mag[k]!;
        return Math.log(Math.max(s, 1e-5));
      }),
    );
  }
  return out;
}

/**
 * Cepstral coefficients 1..order of each log mel frame (c0, the level, left out): c_k = (1/M) sum_m x_m
 * cos(pi k (m + 1/2) / M), the real cepstrum of the band log-magnitudes taken as an even spectrum, which is the
 * scaling the usual MCD formula assumes.
 */
export function melCepstra(mel: readonly Float64Array[], order = 24): Float64Array[] {
  const m = N_MELS;
  const cos = Array.from({ length: order }, (_, k) =>
    Float64Array.from({ length: m }, (_, i) => Math.cos((Math.PI * (k + 1) * (i + 0.5)) / m) / m),
  );
  return mel.map((frame) =>
    Float64Array.from(cos, (row) => {
      let s = 0;
      for (let i = 0; i < m; i++) s += row[i]! * frame[i]!;
      return s;
    }),
  );
}

/** Frames from the first to the last within 40 dB of the loudest (leading and trailing silence cut). */
export function speechSpan(mel: readonly Float64Array[]): [number, number] {
  const level = mel.map((f) => Math.log(f.reduce((s, x) => s + Math.exp(x), 0)));
  const floor = Math.max(...level) - Math.log(100);
  const first = level.findIndex((e) => e >= floor);
  let last = level.length - 1;
  while (last > first && level[last]! < floor) last--;
  return [Math.max(0, first), last + 1];
}

const dist = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
};

/** Dynamic time warping with steps (1,0), (0,1), (1,1); the path as pairs of frame indices. */
export function dtw(a: readonly Float64Array[], b: readonly Float64Array[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const cost = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const d = dist(a[i]!, b[j]!);
      if (i === 0 && j === 0) cost[0] = d;
      else {
        const up = i > 0 ? cost[(i - 1) * m + j]! : Infinity;
        const left = j > 0 ? cost[i * m + j - 1]! : Infinity;
        const diag = i > 0 && j > 0 ? cost[(i - 1) * m + j - 1]! : Infinity;
        cost[i * m + j] = d + Math.min(up, left, diag);
      }
    }
  const path: [number, number][] = [];
  let i = n - 1;
  let j = m - 1;
  while (i > 0 || j > 0) {
    path.push([i, j]);
    const diag = i > 0 && j > 0 ? cost[(i - 1) * m + j - 1]! : Infinity;
    const up = i > 0 ? cost[(i - 1) * m + j]! : Infinity;
    const left = j > 0 ? cost[i * m + j - 1]! : Infinity;
    if (diag <= up && diag <= left) [i, j] = [i - 1, j - 1];
    else if (up <= left) i--;
    else j--;
  }
  path.push([0, 0]);
  return path.reverse();
}

/** Mel-cepstral distortion in dB, 10/ln10 * sqrt(2 * sum of squared differences), mean over the path. */
export function mcd(
  a: readonly Float64Array[],
  b: readonly Float64Array[],
  path: [number, number][],
): number {
  const k = (10 / Math.LN10) * Math.SQRT2;
  return path.reduce((s, [i, j]) => s + k * dist(a[i]!, b[j]!), 0) / Math.max(1, path.length);
}

/** F0 in Hz per mel frame (0 = unvoiced) by YIN, the same tracker as models/recipe/npmel.py. */
export function yinF0(
  audio: Float32Array,
  fmin = 65,
  fmax = 500,
  threshold = 0.2,
  window = 768,
): Float64Array {
  const tauMin = Math.floor(SAMPLE_RATE / fmax);
  const tauMax = Math.floor(SAMPLE_RATE / fmin);
  const span = window + tauMax;
  const size = 1 << Math.ceil(Math.log2(span + window));
  const frames = Math.floor(audio.length / HOP);
  const energies: number[] = [];
  const cmnds: Float64Array[] = [];
  const x = new Float64Array(span);
  for (let t = 0; t < frames; t++) {
    const start = t * HOP + HOP / 2 - Math.floor(span / 2);
    for (let i = 0; i < span; i++) x[i] = audio[start + i] ?? 0;
    const ar = new Float64Array(size);
    const ai = new Float64Array(size);
    const br = new Float64Array(size);
    const bi = new Float64Array(size);
    ar.set(x.subarray(0, window));
    br.set(x);
    fft(ar, ai);
    fft(br, bi);
    // conj(A) * B, then the inverse by the conjugate trick
    for (let k = 0; k < size; k++) {
      const r = ar[k]! * br[k]! + ai[k]! * bi[k]!;
      const i = ar[k]! * bi[k]! - ai[k]! * br[k]!;
      ar[k] = r;
      ai[k] = -i;
    }
    fft(ar, ai);
    const sq = new Float64Array(span + 1);
    for (let i = 0; i < span; i++) sq[i + 1] = sq[i]! + x[i]! ** 2;
    const e0 = sq[window]!;
    const cmnd = new Float64Array(tauMax + 1).fill(1);
    let cum = 0;
    for (let tau = 1; tau <= tauMax; tau++) {
      const corr = ar[tau]! / size;
      const d = Math.max(0, e0 + (sq[tau + window]! - sq[tau]!) - 2 * corr);
      cum += d;
      cmnd[tau] = d / Math.max(cum / tau, 1e-12);
    }
    energies.push(e0 / window);
    cmnds.push(cmnd);
  }
  const loudest = Math.max(1e-12, ...energies);
  const f0 = new Float64Array(frames);
  cmnds.forEach((row, t) => {
    if (energies[t]! <= 1e-5 * loudest) return;
    let k = tauMin;
    while (k < tauMax && row[k]! >= threshold) k++;
    if (k >= tauMax) return;
    while (k + 1 < tauMax && row[k + 1]! < row[k]!) k++;
    const [a, b, c] = [row[k - 1]!, row[k]!, row[k + 1]!];
    const denom = a - 2 * b + c;
    const shift = Math.abs(denom) > 1e-12 ? Math.max(-1, Math.min(1, (0.5 * (a - c)) / denom)) : 0;
    f0[t] = SAMPLE_RATE / (k + shift);
  });
  return f0;
}

export interface F0Comparison {
  /** RMS difference in cents over path frames voiced in both. */
  rmseCents: number;
  rmseHz: number;
  /** Pearson correlation of log F0 over the same frames. */
  correlation: number;
  /** Gross pitch errors: share of the frames voiced in both whose F0 differs by more than 20 %. */
  grossErrors: number;
  /** Share of path frames voiced in one and not the other. */
  voicingError: number;
  frames: number;
}

export function compareF0(ref: Float64Array, syn: Float64Array, path: [number, number][]): F0Comparison {
  const a: number[] = [];
  const b: number[] = [];
  let mismatch = 0;
  for (const [i, j] of path) {
    const x = ref[i] ?? 0;
    const y = syn[j] ?? 0;
    if (x > 0 && y > 0) {
      a.push(x);
      b.push(y);
    } else if (x > 0 !== y > 0) mismatch++;
  }
  const n = a.length;
  const la = a.map(Math.log);
  const lb = b.map(Math.log);
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
  const ma = mean(la);
  const mb = mean(lb);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (la[i]! - ma) * (lb[i]! - mb);
    saa += (la[i]! - ma) ** 2;
    sbb += (lb[i]! - mb) ** 2;
  }
  return {
    rmseCents: Math.sqrt(mean(la.map((x, i) => (1200 * (x - lb[i]!)) / Math.LN2).map((d) => d * d))),
    rmseHz: Math.sqrt(mean(a.map((x, i) => (x - b[i]!) ** 2))),
    correlation: n > 1 && saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN,
    grossErrors: a.filter((x, i) => Math.abs(b[i]! - x) > 0.2 * x).length / Math.max(1, n),
    voicingError: mismatch / Math.max(1, path.length),
    frames: n,
  };
}

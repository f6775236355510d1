import { BASE_PHONEMES } from '../arpabet.js';

/**
 * Letter-to-phoneme alignment by expectation maximisation. Each letter emits nothing, one phoneme, or a
 * two-phoneme cluster (x -> K S, u -> Y UW), so an alignment is the number of phonemes each letter takes.
 * The emission table is conditioned on the letter alone: that is enough to line up spelling and sound,
 * and the context is left to the joint n-gram model trained on the result.
 */

const PHONES = BASE_PHONEMES.length;
const PHONE_ID = new Map(BASE_PHONEMES.map((p, i) => [p, i]));
/** Outputs: 0 = nothing, 1..PHONES a single phoneme, then every ordered pair. */
const OUTPUTS = 1 + PHONES + PHONES * PHONES;
const LETTERS = 27;

export interface AlignmentPair {
  readonly letters: string;
  /** Stress-free phonemes. */
  readonly phonemes: readonly string[];
}

export function letterIndex(ch: string): number {
  if (ch === "'") return 26;
  const code = ch.charCodeAt(0) - 97;
  return code >= 0 && code < 26 ? code : -1;
}

interface Encoded {
  readonly letters: Int32Array;
  readonly phones: Int32Array;
}

function encode(pair: AlignmentPair): Encoded | undefined {
  const letters = Int32Array.from(pair.letters, letterIndex);
  const phones = Int32Array.from(pair.phonemes, (p) => PHONE_ID.get(p) ?? -1);
  if (letters.some((l) => l < 0) || phones.some((p) => p < 0)) return undefined;
  if (phones.length > 2 * letters.length) return undefined;
  return { letters, phones };
}

function outputCode(phones: Int32Array, start: number, take: number): number {
  if (take === 0) return 0;
  const first = phones[start] ?? 0;
  if (take === 1) return 1 + first;
  return 1 + PHONES + first * PHONES + (phones[start + 1] ?? 0);
}

/** Alignment lattice edges allowed at (letter i, phone j): enough letters must remain for the rest. */
function canTake(take: number, i: number, j: number, letterCount: number, phoneCount: number): boolean {
  const after = j + take;
  return after <= phoneCount && phoneCount - after <= 2 * (letterCount - i - 1);
}

export class Aligner {
  private readonly emission = new Float64Array(LETTERS * OUTPUTS);

  constructor() {
    // Pairs start unlikely so that EM reaches for a cluster only where single phonemes cannot fit.
    for (let l = 0; l < LETTERS; l++) {
      const row = l * OUTPUTS;
      this.emission[row] = 0.1;
      for (let o = 1; o <= PHONES; o++) this.emission[row + o] = 0.85 / PHONES;
      for (let o = 1 + PHONES; o < OUTPUTS; o++) this.emission[row + o] = 0.05 / (PHONES * PHONES);
    }
  }

  /** Runs `iterations` rounds of forward-backward over all pairs. */
  train(pairs: readonly AlignmentPair[], iterations: number): void {
    const encoded = pairs.map(encode).filter((e): e is Encoded => e !== undefined);
    for (let it = 0; it < iterations; it++) {
      const counts = new Float64Array(LETTERS * OUTPUTS);
      for (const word of encoded) this.accumulate(word, counts);
      this.normalise(counts);
    }
  }

  /** Phonemes taken by each letter on the most likely path, or undefined if none fits. */
  align(pair: AlignmentPair): number[] | undefined {
    const word = encode(pair);
    if (!word) return undefined;
    const { letters, phones } = word;
    const L = letters.length;
    const P = phones.length;
    const width = P + 1;
    const score = new Float64Array((L + 1) * width).fill(-Infinity);
    const back = new Int8Array((L + 1) * width);
    score[0] = 0;
    for (let i = 0; i < L; i++) {
      const row = (letters[i] ?? 0) * OUTPUTS;
      for (let j = 0; j <= P; j++) {
        const here = score[i * width + j] ?? -Infinity;
        if (here === -Infinity) continue;
        for (let take = 0; take <= 2; take++) {
          if (!canTake(take, i, j, L, P)) continue;
          const p = this.emission[row + outputCode(phones, j, take)] ?? 0;
          if (p <= 0) continue;
          const next = (i + 1) * width + j + take;
          const s = here + Math.log(p);
          if (s > (score[next] ?? -Infinity)) {
            score[next] = s;
            back[next] = take;
          }
        }
      }
    }
    if ((score[L * width + P] ?? -Infinity) === -Infinity) return undefined;
    const takes = new Array<number>(L);
    let j = P;
    for (let i = L; i > 0; i--) {
      const take = back[i * width + j] ?? 0;
      takes[i - 1] = take;
      j -= take;
    }
    return takes;
  }

  private accumulate({ letters, phones }: Encoded, counts: Float64Array): void {
    const L = letters.length;
    const P = phones.length;
    const width = P + 1;
    const alpha = new Float64Array((L + 1) * width);
    const beta = new Float64Array((L + 1) * width);
    alpha[0] = 1;
    for (let i = 0; i < L; i++) {
      const row = (letters[i] ?? 0) * OUTPUTS;
      for (let j = 0; j <= P; j++) {
        const a = alpha[i * width + j] ?? 0;
        if (a === 0) continue;
        for (let take = 0; take <= 2; take++) {
          if (!canTake(take, i, j, L, P)) continue;
          const at = (i + 1) * width + j + take;
          alpha[at] = (alpha[at] ?? 0) + a * (this.emission[row + outputCode(phones, j, take)] ?? 0);
        }
      }
    }
    const total = alpha[L * width + P] ?? 0;
    if (!(total > 0) || !Number.isFinite(total)) return;
    beta[L * width + P] = 1;
    for (let i = L - 1; i >= 0; i--) {
      const row = (letters[i] ?? 0) * OUTPUTS;
      for (let j = 0; j <= P; j++) {
        let b = 0;
        for (let take = 0; take <= 2; take++) {
          if (!canTake(take, i, j, L, P)) continue;
          const p = this.emission[row + outputCode(phones, j, take)] ?? 0;
          const after = beta[(i + 1) * width + j + take] ?? 0;
          if (p === 0 || after === 0) continue;
          b += p * after;
          const a = alpha[i * width + j] ?? 0;
          if (a > 0) {
            const code = row + outputCode(phones, j, take);
            counts[code] = (counts[code] ?? 0) + (a * p * after) / total;
          }
        }
        beta[i * width + j] = b;
      }
    }
  }

  private normalise(counts: Float64Array): void {
    for (let l = 0; l < LETTERS; l++) {
      const row = l * OUTPUTS;
      let sum = 0;
      for (let o = 0; o < OUTPUTS; o++) sum += counts[row + o] ?? 0;
      if (sum === 0) continue;
      for (let o = 0; o < OUTPUTS; o++) {
        // A tiny floor keeps rare but real emissions (letter names, loan words) reachable.
        this.emission[row + o] = ((counts[row + o] ?? 0) + 1e-9 * sum) / (sum * (1 + 1e-9 * OUTPUTS));
      }
    }
  }
}

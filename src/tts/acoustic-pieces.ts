/**
 * Bounded acoustic-model runs. The model's self-attention costs grow with the square of a run's length
 * (measured on the 2-core dev machine, one thread: 200 tokens 0.2 s and +31 MB, 800 tokens 3.1 s and
 * +0.5 GB, 1,600 tokens 15 s and +2 GB), and it was trained on sentences of at most about 10 s (LJ Speech
 * clips and short templates: about 5.6 frames per token, so some 155 tokens). A phrase longer than
 * MAX_ACOUSTIC_TOKENS is therefore run as several pieces, cut at the best word boundary: after a sentence
 * mark, else after a clause mark, else between words (where a ',' is added, so the piece ends on a
 * continuing, not a final, fall). The pieces' mels and durations are joined into one output, as if the
 * phrase had been one run, so word timings and the vocoder's chunking do not change.
 */
import { BOS, EOS, symbolId } from '../text/phonemes.js';
import type { AcousticOutput } from './phrase-plan.js';

/** Tokens in one acoustic run at speed 1 (about 9 s of speech); slower speech gets proportionally fewer. */
export const MAX_ACOUSTIC_TOKENS = 160;
/** Never fewer than this per run, whatever the speed (a long word must fit). */
const MIN_ACOUSTIC_TOKENS = 64;

const BOS_ID = symbolId(BOS);
const EOS_ID = symbolId(EOS);
const BOUNDARY_ID = symbolId('_');
const COMMA_ID = symbolId(',');
const RANK = new Map<number, number>([
  [symbolId('.'), 3],
  [symbolId('?'), 3],
  [symbolId('!'), 3],
  [symbolId('…'), 3],
  [symbolId(';'), 2],
  [symbolId(':'), 2],
  [symbolId('—'), 2],
  [COMMA_ID, 1],
]);

export interface AcousticPiece {
  /** The run's input: <bos> tokens [,] <eos>. */
  ids: number[];
  /** The phrase's ids [from, to) this piece reads (without its markers). */
  from: number;
  to: number;
  /** A ',' was added before <eos>. */
  addedComma: boolean;
}

/** Tokens per run at this speed: frames grow as 1/speed, so slow speech gets shorter runs. */
export function acousticLimit(speed: number): number {
  const s = Number.isFinite(speed) && speed > 0 ? Math.min(1, speed) : 1;
  return Math.max(MIN_ACOUSTIC_TOKENS, Math.floor(MAX_ACOUSTIC_TOKENS * s));
}

/** A phrase's ids ([<bos> … <eos>]) as runs of at most `limit` ids each; one piece when it fits. */
export function splitForAcoustic(ids: readonly number[], limit = MAX_ACOUSTIC_TOKENS): AcousticPiece[] {
  const n = ids.length;
  if (n <= limit || n < 3) return [{ ids: [...ids], from: 1, to: Math.max(1, n - 1), addedComma: false }];
  const room = limit - 3; // <bos>, a possible ',', <eos>
  const pieces: AcousticPiece[] = [];
  let a = 1;
  const end = n - 1;
  while (a < end) {
    let b = end;
    if (end - a > room) b = bestCut(ids, a, a + room);
    const last = ids[b - 1];
    const addedComma = b < end && !(last !== undefined && RANK.has(last));
    pieces.push({
      ids: [BOS_ID, ...ids.slice(a, b), ...(addedComma ? [COMMA_ID] : []), EOS_ID],
      from: a,
      to: b,
      addedComma,
    });
    a = ids[b] === BOUNDARY_ID ? b + 1 : b;
  }
  return pieces;
}

/**
 * Where to end a piece that starts at `a` and may reach `max` (exclusive): at a word boundary `b`
 * (ids[b] is '_'), the best-ranked mark before it winning, later winning among equals; none in the
 * second half of the room beats a later plain boundary. Without any boundary (one enormous word), at max.
 */
function bestCut(ids: readonly number[], a: number, max: number): number {
  const floor = a + Math.floor((max - a) / 2);
  let best = -1;
  let bestRank = -1;
  for (let b = max; b > a; b--) {
    if (ids[b] !== BOUNDARY_ID) continue;
    const rank = b >= floor ? (RANK.get(ids[b - 1] ?? -1) ?? 0) : -1;
    if (rank > bestRank) {
      best = b;
      bestRank = rank;
    }
    if (rank === 3) break;
  }
  return best > a ? best : max;
}

/**
 * The pieces' outputs as one phrase's: mels side by side; durations over the phrase's own ids, where a
 * cut's word boundary takes the frames of the markers around the cut, so every frame belongs to a token.
 */
export function joinAcoustic(
  pieces: readonly AcousticPiece[],
  outputs: readonly AcousticOutput[],
  nMels: number,
  phraseLength: number,
): AcousticOutput {
  if (outputs.length === 1 && pieces.length === 1) return outputs[0]!;
  const frames = outputs.reduce((sum, o) => sum + o.frames, 0);
  const mel = new Float32Array(nMels * frames);
  let offset = 0;
  for (const out of outputs) {
    for (let m = 0; m < nMels; m++) {
      mel.set(out.mel.subarray(m * out.frames, (m + 1) * out.frames), m * frames + offset);
    }
    offset += out.frames;
  }
  const durations = new Array<number>(phraseLength).fill(0);
  let carry = 0;
  pieces.forEach((piece, p) => {
    const d = outputs[p]!.durations;
    const body = piece.to - piece.from;
    const bos = d[0] ?? 0;
    if (p === 0) durations[0] = bos;
    else durations[piece.from - 1] = (durations[piece.from - 1] ?? 0) + carry + bos;
    for (let k = 0; k < body; k++) durations[piece.from + k] = d[1 + k] ?? 0;
    carry = 0;
    for (let k = 1 + body; k < d.length; k++) carry += d[k] ?? 0;
  });
  const lastTo = pieces.at(-1)?.to ?? phraseLength - 1;
  durations[Math.min(lastTo, phraseLength - 1)] =
    (durations[Math.min(lastTo, phraseLength - 1)] ?? 0) + carry;
  return { mel, frames, durations };
}

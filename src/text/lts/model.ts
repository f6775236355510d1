import { type Graphone, LETTER_COUNT } from './model-format.js';

/**
 * In-memory layout of the joint-sequence (graphone) back-off n-gram model.
 *
 * The trie lives in one Int32Array (`trie`, with a Float32Array view `trieFloats` for the float words)
 * as one block per history, i.e. per trie node that has children. Decoding is bound by memory latency,
 * so a history's header and its children share cache lines:
 *
 *   [HEADER] child count, suffix history, ln backoff (float), letter index offset or -1
 *   [EDGE] * child count: token, history to continue from, ln probability (float); sorted by token
 *
 * Histories are named by the offset of their block; 0 is the empty history (root). The suffix history is
 * the same context without its oldest token. An edge is named by the offset of its first word. Histories
 * with many children also get LETTER_COUNT + 1 entries in `letterIndex`: entry l is the child position
 * (0-based) of the first child whose token belongs to letter l or a later one.
 */
export const HEADER = 4;
export const EDGE_STRIDE = 3;
/** Histories with more children than this get a letter index instead of a scan. */
const LETTER_INDEX_MIN_CHILDREN = 16;

export interface JointModel {
  readonly order: number;
  /** Indexed by token; entries below FIRST_GRAPHONE are the word start/end markers. */
  readonly graphones: readonly Graphone[];
  /** Graphone tokens of letter l are letterStart[l] .. letterStart[l + 1] - 1. */
  readonly letterStart: Int32Array;
  readonly trie: Int32Array;
  readonly trieFloats: Float32Array;
  readonly letterIndex: Int32Array;
}

/** Edge under `history` carrying `token`, or -1. */
export function findEdge(model: JointModel, history: number, token: number): number {
  const { trie } = model;
  let lo = 0;
  let hi = (trie[history] ?? 0) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const edge = history + HEADER + mid * EDGE_STRIDE;
    const t = trie[edge] ?? 0;
    if (t === token) return edge;
    if (t < token) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** ln p(token | history), backing off through shorter histories; -1e9 for a token the model never saw. */
export function scoreToken(model: JointModel, history: number, token: number): number {
  let backoff = 0;
  for (let h = history; ; h = model.trie[h + 1] ?? 0) {
    const edge = findEdge(model, h, token);
    if (edge >= 0) return backoff + (model.trieFloats[edge + 2] ?? 0);
    if (h === 0) return backoff - 1e9;
    backoff += model.trieFloats[h + 2] ?? 0;
  }
}

/** The history after `token` was read in `history` (the root if the model never saw it). */
export function advance(model: JointModel, history: number, token: number): number {
  for (let h = history; ; h = model.trie[h + 1] ?? 0) {
    const edge = findEdge(model, h, token);
    if (edge >= 0) return model.trie[edge + 1] ?? 0;
    if (h === 0) return 0;
  }
}

/** A back-off trie in breadth-first order as stored on disk; node 0 is the root. */
export interface PlainTrie {
  readonly order: number;
  /** Children of node n are nodes childStart[n] .. childStart[n + 1] - 1, sorted by token. */
  readonly childStart: Int32Array;
  readonly token: Uint16Array;
  readonly logProb: Float32Array;
  readonly logBackoff: Float32Array;
}

/** Links suffixes and continuation states, then lays the trie out as history blocks. */
export function packModel(
  plain: PlainTrie,
  graphones: readonly Graphone[],
  letterStart: Int32Array,
): JointModel {
  const { order, childStart, token, logProb, logBackoff } = plain;
  const nodes = token.length;
  const childCount = (n: number): number => (childStart[n + 1] ?? 0) - (childStart[n] ?? 0);
  const childOf = (n: number, t: number): number => {
    let lo = childStart[n] ?? 0;
    let hi = (childStart[n + 1] ?? 0) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = token[mid] ?? 0;
      if (v === t) return mid;
      if (v < t) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };

  // Breadth-first order: parents and shorter suffixes are always linked before a node needs them.
  const depth = new Uint8Array(nodes);
  const suffix = new Int32Array(nodes);
  const nextState = new Int32Array(nodes);
  for (let p = 0; p < nodes; p++) {
    for (let c = childStart[p] ?? 0; c < (childStart[p + 1] ?? 0); c++) {
      depth[c] = (depth[p] ?? 0) + 1;
      suffix[c] = p === 0 ? 0 : Math.max(childOf(suffix[p] ?? 0, token[c] ?? 0), 0);
      // A history without kept continuations has back-off weight 1, so skipping to its suffix is exact.
      nextState[c] = (depth[c] ?? 0) < order && childCount(c) > 0 ? c : (nextState[suffix[c] ?? 0] ?? 0);
    }
  }

  const offset = new Int32Array(nodes).fill(-1);
  let size = 0;
  let indexed = 0;
  for (let n = 0; n < nodes; n++) {
    if (n !== 0 && childCount(n) === 0) continue;
    offset[n] = size;
    size += HEADER + childCount(n) * EDGE_STRIDE;
    if (childCount(n) > LETTER_INDEX_MIN_CHILDREN) indexed++;
  }
  const buffer = new ArrayBuffer(size * 4);
  const trie = new Int32Array(buffer);
  const trieFloats = new Float32Array(buffer);
  const letterIndex = new Int32Array(indexed * (LETTER_COUNT + 1));
  let indexAt = 0;
  for (let n = 0; n < nodes; n++) {
    const at = offset[n] ?? -1;
    if (at < 0) continue;
    const first = childStart[n] ?? 0;
    const count = childCount(n);
    let shorter = suffix[n] ?? 0;
    while (shorter !== 0 && childCount(shorter) === 0) shorter = suffix[shorter] ?? 0;
    trie[at] = count;
    trie[at + 1] = offset[shorter] ?? 0;
    trieFloats[at + 2] = logBackoff[n] ?? 0;
    trie[at + 3] = -1;
    if (count > LETTER_INDEX_MIN_CHILDREN) {
      trie[at + 3] = indexAt;
      let c = 0;
      for (let l = 0; l <= LETTER_COUNT; l++) {
        while (c < count && (token[first + c] ?? 0) < (letterStart[l] ?? 0)) c++;
        letterIndex[indexAt + l] = c;
      }
      indexAt += LETTER_COUNT + 1;
    }
    for (let i = 0; i < count; i++) {
      const edge = at + HEADER + i * EDGE_STRIDE;
      trie[edge] = token[first + i] ?? 0;
      trie[edge + 1] = offset[nextState[first + i] ?? 0] ?? 0;
      trieFloats[edge + 2] = logProb[first + i] ?? 0;
    }
  }
  return { order, graphones, letterStart, trie, trieFloats, letterIndex };
}

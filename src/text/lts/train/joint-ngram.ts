/**
 * Interpolated modified Kneser-Ney n-gram model over graphone tokens, converted to back-off form and
 * pruned by count. Token 0 is the word start and token 1 the word end; the rest are graphones.
 */

export const BOS = 0;
export const EOS = 1;

/** A pruned back-off model as a trie in breadth-first order; node 0 is the root (empty history). */
export interface BackoffTrie {
  readonly order: number;
  /** Children of node n are nodes childStart[n] .. childStart[n + 1] - 1, sorted by token. */
  readonly childStart: Int32Array;
  readonly token: Int32Array;
  /** ln p(token | parent's history) for each node but the root. */
  readonly logProb: Float64Array;
  /** ln of the back-off weight when the node is used as a history. */
  readonly logBackoff: Float64Array;
}

export interface NgramOptions {
  readonly order: number;
  /** Minimum raw count to keep an n-gram of order n is minCount[n - 1] (last value repeats). */
  readonly minCount: readonly number[];
}

class CountTrie {
  readonly token: number[] = [-1];
  readonly parent: number[] = [-1];
  readonly depth: number[] = [0];
  readonly count: number[] = [0];
  private readonly index = new Map<number, number>();

  constructor(private readonly stride: number) {}

  child(node: number, token: number): number {
    return this.index.get(node * this.stride + token) ?? -1;
  }

  childOrAdd(node: number, token: number): number {
    const key = node * this.stride + token;
    const found = this.index.get(key);
    if (found !== undefined) return found;
    const id = this.token.length;
    this.token.push(token);
    this.parent.push(node);
    this.depth.push((this.depth[node] ?? 0) + 1);
    this.count.push(0);
    this.index.set(key, id);
    return id;
  }
}

function countNgrams(sequences: readonly Int32Array[], order: number, vocabulary: number): CountTrie {
  const trie = new CountTrie(vocabulary);
  for (const seq of sequences) {
    for (let start = 0; start < seq.length; start++) {
      let node = 0;
      for (let k = start; k < seq.length && k - start < order; k++) {
        node = trie.childOrAdd(node, seq[k] ?? 0);
        trie.count[node] = (trie.count[node] ?? 0) + 1;
      }
    }
  }
  return trie;
}

/** Modified Kneser-Ney discounts D1, D2, D3+ from counts of counts. */
function discounts(counts: readonly number[]): [number, number, number] {
  const n = [0, 0, 0, 0, 0];
  for (const c of counts) if (c >= 1 && c <= 4) n[c] = (n[c] ?? 0) + 1;
  const [, n1 = 0, n2 = 0, n3 = 0, n4 = 0] = n;
  if (n1 === 0 || n2 === 0 || n3 === 0 || n4 === 0) return [0.5, 1, 1.5];
  const y = n1 / (n1 + 2 * n2);
  const clamp = (d: number, hi: number): number => Math.min(Math.max(d, 0.05), hi);
  return [clamp(1 - (2 * y * n2) / n1, 1), clamp(2 - (3 * y * n3) / n2, 2), clamp(3 - (4 * y * n4) / n3, 3)];
}

export function trainBackoffTrie(
  sequences: readonly Int32Array[],
  vocabulary: number,
  options: NgramOptions,
): BackoffTrie {
  const { order } = options;
  if (options.minCount.some((m, i) => i > 0 && m < (options.minCount[i - 1] ?? 1))) {
    throw new RangeError('count cut-offs must not decrease with order');
  }
  const trie = countNgrams(sequences, order, vocabulary);
  const size = trie.token.length;

  // Breadth-first layout: children grouped under parents, sorted by token; depth never decreases.
  const bfs: number[] = [0];
  const childrenOf: number[][] = Array.from({ length: size }, () => []);
  for (let n = 1; n < size; n++) childrenOf[trie.parent[n] ?? 0]?.push(n);
  for (let head = 0; head < bfs.length; head++) {
    const kids = childrenOf[bfs[head] ?? 0] ?? [];
    kids.sort((a, b) => (trie.token[a] ?? 0) - (trie.token[b] ?? 0));
    for (const k of kids) bfs.push(k);
  }

  const suffix = new Int32Array(size);
  for (const n of bfs) {
    if (n === 0) continue;
    const p = trie.parent[n] ?? 0;
    suffix[n] = p === 0 ? 0 : trie.child(suffix[p] ?? 0, trie.token[n] ?? 0);
  }

  // Lower orders count distinct left extensions, except n-grams opening at the word start.
  const continuation = new Int32Array(size);
  for (let n = 1; n < size; n++) {
    if ((trie.depth[n] ?? 0) < 2) continue;
    const s = suffix[n] ?? 0;
    continuation[s] = (continuation[s] ?? 0) + 1;
  }
  const knCount = new Float64Array(size);
  const startsAtBos = new Uint8Array(size);
  for (const n of bfs) {
    if (n === 0) continue;
    const p = trie.parent[n] ?? 0;
    startsAtBos[n] = p === 0 ? (trie.token[n] === BOS ? 1 : 0) : (startsAtBos[p] ?? 0);
    const raw = trie.count[n] ?? 0;
    knCount[n] = (trie.depth[n] ?? 0) === order || startsAtBos[n] ? raw : (continuation[n] ?? 0);
  }

  const byDepth: number[][] = Array.from({ length: order + 1 }, () => []);
  for (let n = 1; n < size; n++) byDepth[trie.depth[n] ?? 0]?.push(knCount[n] ?? 0);
  const discount = byDepth.map((counts) => discounts(counts));

  // Interpolated probabilities, lower orders first so each suffix is ready when needed.
  const prob = new Float64Array(size);
  for (const h of bfs) {
    const kids = childrenOf[h] ?? [];
    if (kids.length === 0) continue;
    let total = 0;
    const nk = [0, 0, 0];
    for (const k of kids) {
      // The start token is only ever a history, never predicted: it gets no unigram mass.
      const c = h === 0 && trie.token[k] === BOS ? 0 : (knCount[k] ?? 0);
      total += c;
      if (c > 0) nk[Math.min(c, 3) - 1] = (nk[Math.min(c, 3) - 1] ?? 0) + 1;
    }
    if (total === 0) continue;
    if (h === 0) {
      for (const k of kids) prob[k] = trie.token[k] === BOS ? 0 : (knCount[k] ?? 0) / total;
      continue;
    }
    const [d1, d2, d3] = discount[(trie.depth[h] ?? 0) + 1] ?? [0.5, 1, 1.5];
    const g = (d1 * (nk[0] ?? 0) + d2 * (nk[1] ?? 0) + d3 * (nk[2] ?? 0)) / total;
    for (const k of kids) {
      const c = knCount[k] ?? 0;
      const d = c >= 3 ? d3 : c === 2 ? d2 : d1;
      prob[k] = Math.max(c - d, 0) / total + g * (prob[suffix[k] ?? 0] ?? 0);
    }
  }

  // Count pruning keeps the trie closed under prefixes and suffixes: counts only shrink with length and
  // cut-offs only grow with order. The start unigram always stays, since decoding begins there.
  const keep = (n: number): boolean => {
    const depth = trie.depth[n] ?? 0;
    const min = options.minCount[Math.min(depth, options.minCount.length) - 1] ?? 1;
    return n === 0 || trie.token[n] === BOS || (trie.count[n] ?? 0) >= min;
  };
  const kept = bfs.filter(keep);
  const newId = new Int32Array(size).fill(-1);
  kept.forEach((n, i) => (newId[n] = i));

  const childStart = new Int32Array(kept.length + 1);
  const token = new Int32Array(kept.length);
  const logProb = new Float64Array(kept.length);
  const logBackoff = new Float64Array(kept.length);
  let next = 1;
  kept.forEach((n, i) => {
    token[i] = trie.token[n] ?? 0;
    logProb[i] = Math.log(Math.max(prob[n] ?? 0, 1e-30));
    childStart[i] = next;
    let seen = 0;
    let seenLower = 0;
    for (const k of childrenOf[n] ?? []) {
      if ((newId[k] ?? -1) < 0) continue;
      next++;
      seen += prob[k] ?? 0;
      seenLower += prob[suffix[k] ?? 0] ?? 0;
    }
    if (n !== 0) {
      const mass = Math.max(1 - seen, 1e-12);
      const lowerMass = Math.max(1 - seenLower, 1e-12);
      logBackoff[i] = Math.log(mass / lowerMass);
    }
  });
  childStart[kept.length] = next;
  return { order, childStart, token, logProb, logBackoff };
}

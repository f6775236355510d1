import { Beam } from './beam.js';
import { advance, EDGE_STRIDE, HEADER, type JointModel, scoreToken } from './model.js';

/** Tokens 0 and 1 are the word start and end; graphones follow. */
const START = 0;
const END = 1;

/** Hypothesis flags: some phoneme emitted yet; a primary stress placed yet (a second is refused). */
const VOICED = 1;
const PRIMARY = 2;

export interface ScoredPath {
  readonly tokens: number[];
  /** Joint log probability of the graphone sequence, word end included. */
  readonly score: number;
}

/**
 * Beam search over graphone sequences that spell the word, scored by the joint n-gram model.
 *
 * Hypotheses ending in the same history node with the same flags have the same future, so only the best
 * is kept (exact recombination). English words carry one primary stress: hypotheses with a second are
 * refused, which removes a common class of stress errors. Unigram candidates are visited best first and
 * cut off at the beam's bar, since every hypothesis backs off to them.
 */
export class Decoder {
  private readonly stamp: Uint32Array;
  private generation = 0;
  private readonly voiced: Uint8Array;
  private readonly primary: Uint8Array;
  /** Root edges of each letter's graphones, most probable first: unigramEdge[unigramStart[l]..]. */
  private readonly unigramEdge: Int32Array;
  private readonly unigramStart: Int32Array;
  private current: Beam;
  private next: Beam;
  /** Back pointers of every hypothesis made for the current word: token and previous entry. */
  private historyToken = new Int32Array(1024);
  private historyPrevious = new Int32Array(1024);
  private historyCount = 0;
  private allowSilence = true;
  /** On the last letter the word end is scored with each candidate, so pruning already accounts for it. */
  private finalStep = false;

  constructor(
    private readonly model: JointModel,
    beamWidth: number,
    /** Hypotheses more than this many nats below the step's best are dropped. */
    threshold: number,
  ) {
    const tokens = model.graphones.length;
    this.stamp = new Uint32Array(tokens);
    this.voiced = Uint8Array.from(model.graphones, (g) => (g.phonemes.length > 0 ? 1 : 0));
    this.primary = Uint8Array.from(model.graphones, (g) => g.phonemes.filter((p) => p.endsWith('1')).length);

    const { trie, trieFloats } = model;
    const letterOf = (edge: number): number => model.graphones[trie[edge] ?? 0]?.letter ?? -1;
    const roots: number[] = [];
    for (let i = 0; i < (trie[0] ?? 0); i++) {
      const edge = HEADER + i * EDGE_STRIDE;
      if (letterOf(edge) >= 0) roots.push(edge);
    }
    roots.sort((x, y) => letterOf(x) - letterOf(y) || (trieFloats[y + 2] ?? 0) - (trieFloats[x + 2] ?? 0));
    this.unigramEdge = Int32Array.from(roots);
    this.unigramStart = new Int32Array(model.letterStart.length);
    for (let l = 0, i = 0; l < this.unigramStart.length; l++) {
      while (i < roots.length && letterOf(roots[i] ?? 0) < l) i++;
      this.unigramStart[l] = i;
    }

    let widest = 1;
    for (let l = 0; l + 1 < model.letterStart.length; l++) {
      widest = Math.max(widest, (model.letterStart[l + 1] ?? 0) - (model.letterStart[l] ?? 0));
    }
    this.current = new Beam(beamWidth, threshold, beamWidth * widest);
    this.next = new Beam(beamWidth, threshold, beamWidth * widest);
  }

  /** Graphone tokens of the best path; letters are codes 0..26. */
  decode(letters: readonly number[], allowSilence = true): number[] {
    return this.nbest(letters, allowSilence)[0]?.tokens ?? [];
  }

  /**
   * Every complete path left in the beam, best first: voiced words before silent ones, then those with
   * one primary stress, then by model score (word end included).
   */
  nbest(letters: readonly number[], allowSilence = true): ScoredPath[] {
    const beam = this.search(letters, allowSilence);
    const paths: (ScoredPath & { rank: number })[] = [];
    for (let h = 0; h < beam.count; h++) {
      const flags = beam.flags[h] ?? 0;
      const score = beam.score[h] ?? 0;
      const rank = (flags & VOICED ? 2e9 : 0) + (flags & PRIMARY ? 1e9 : 0) + score;
      const tokens: number[] = [];
      for (let at = beam.history[h] ?? -1; at >= 0; at = this.historyPrevious[at] ?? -1) {
        tokens.push(this.historyToken[at] ?? 0);
      }
      paths.push({ tokens: tokens.reverse(), score, rank });
    }
    paths.sort((a, b) => b.rank - a.rank);
    return paths.map(({ tokens, score }) => ({ tokens, score }));
  }

  private search(letters: readonly number[], allowSilence: boolean): Beam {
    const { model } = this;
    this.allowSilence = allowSilence;
    this.historyCount = 0;
    this.current.clear();
    const start = this.current.add(this.startState(), 0, 0);
    this.current.history[start] = -1;
    const spoken = letters.filter((l) => (model.letterStart[l + 1] ?? 0) > (model.letterStart[l] ?? 0));
    if (spoken.length === 0) {
      this.current.score[start] = scoreToken(model, this.current.state[start] ?? 0, END);
    }
    for (let i = 0; i < spoken.length; i++) {
      const letter = spoken[i] ?? 0;
      const first = model.letterStart[letter] ?? 0;
      const last = model.letterStart[letter + 1] ?? 0;
      this.finalStep = i === spoken.length - 1;
      this.next.clear();
      for (let h = 0; h < this.current.count; h++) this.expand(h, letter, first, last);
      if (this.next.count === 0) continue;
      this.next.sort();
      [this.current, this.next] = [this.next, this.current];
    }
    return this.current;
  }

  /** Offers every graphone of the letter after hypothesis h, backing off from its history to the root. */
  private expand(h: number, letter: number, first: number, last: number): void {
    const { stamp } = this;
    const { trie, trieFloats, letterIndex } = this.model;
    if (this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 0;
    }
    const generation = ++this.generation;
    let remaining = last - first;
    let history = this.current.state[h] ?? 0;
    let score = this.current.score[h] ?? 0;
    let bar = this.next.bar();
    while (history !== 0) {
      const index = trie[history + 3] ?? -1;
      const edges = history + HEADER;
      let from: number;
      let to: number;
      if (index >= 0) {
        from = edges + (letterIndex[index + letter] ?? 0) * EDGE_STRIDE;
        to = edges + (letterIndex[index + letter + 1] ?? 0) * EDGE_STRIDE;
      } else {
        // Few children: a short scan stays within a cache line or two.
        from = edges;
        to = edges + (trie[history] ?? 0) * EDGE_STRIDE;
        while (from < to && (trie[from] ?? 0) < first) from += EDGE_STRIDE;
      }
      for (let e = from; e < to; e += EDGE_STRIDE) {
        const t = trie[e] ?? 0;
        if (t >= last) break;
        if (stamp[t] === generation) continue;
        stamp[t] = generation;
        remaining--;
        const s = score + (trieFloats[e + 2] ?? 0);
        if (s > bar) bar = this.offer(h, t, trie[e + 1] ?? 0, s);
      }
      if (remaining === 0) return;
      score += trieFloats[history + 2] ?? 0;
      history = trie[history + 1] ?? 0;
    }
    // Once one unigram cannot enter the beam, none after it can.
    const { unigramEdge, unigramStart } = this;
    for (let i = unigramStart[letter] ?? 0, end = unigramStart[letter + 1] ?? 0; i < end; i++) {
      const e = unigramEdge[i] ?? 0;
      const s = score + (trieFloats[e + 2] ?? 0);
      if (s <= bar) return;
      const t = trie[e] ?? 0;
      if (stamp[t] !== generation) bar = this.offer(h, t, trie[e + 1] ?? 0, s);
    }
  }

  /** Proposes hypothesis h extended by `token`; returns the next beam's updated bar. */
  private offer(h: number, token: number, state: number, score: number): number {
    const voiced = this.voiced[token] ?? 0;
    const parentFlags = this.current.flags[h] ?? 0;
    const primaries = (parentFlags & PRIMARY ? 1 : 0) + (this.primary[token] ?? 0);
    if ((voiced || this.allowSilence) && primaries <= 1) {
      const flags = (voiced ? VOICED : 0) | (parentFlags & VOICED) | (primaries ? PRIMARY : 0);
      const total = this.finalStep ? score + this.endScore(state) : score;
      const at = this.next.add(state, flags, total);
      if (at >= 0) this.next.history[at] = this.remember(token, this.current.history[h] ?? -1);
    }
    return this.next.bar();
  }

  private remember(token: number, previous: number): number {
    if (this.historyCount === this.historyToken.length) {
      const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.historyToken = grow(this.historyToken);
      this.historyPrevious = grow(this.historyPrevious);
    }
    this.historyToken[this.historyCount] = token;
    this.historyPrevious[this.historyCount] = previous;
    return this.historyCount++;
  }

  /**
   * ln p(word end | history). The end token sorts first among a history's children (the start token only
   * follows the root), so no search is needed.
   */
  private endScore(history: number): number {
    const { trie, trieFloats } = this.model;
    let backoff = 0;
    for (let h = history; ; h = trie[h + 1] ?? 0) {
      const count = Math.min(trie[h] ?? 0, 2);
      for (let i = 0; i < count; i++) {
        const edge = h + HEADER + i * EDGE_STRIDE;
        if (trie[edge] === END) return backoff + (trieFloats[edge + 2] ?? 0);
      }
      if (h === 0) return backoff - 1e9;
      backoff += trieFloats[h + 2] ?? 0;
    }
  }

  private startState(): number {
    return advance(this.model, 0, START);
  }
}

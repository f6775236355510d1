/**
 * One step's beam of hypotheses as parallel typed arrays (no allocation while decoding).
 *
 * Entries are unsorted while a step fills; a small hash from (history state, flags) to entry lets a
 * better path replace an equivalent one (recombination), and the worst entry is tracked so a full beam
 * can refuse or evict in constant time. `sort` orders the entries best first once the step is done.
 */
export class Beam {
  count = 0;
  readonly state: Int32Array;
  readonly score: Float64Array;
  readonly flags: Uint8Array;
  /** Caller-owned payload: the decoder's back pointer into its history arena. */
  readonly history: Int32Array;
  private readonly key: Int32Array;
  private best = -Infinity;
  private worst = 0;

  private readonly slotKey: Int32Array;
  private readonly slotIndex: Int32Array;
  /** A slot is live only if stamped with the current step; clearing is a counter bump. */
  private readonly slotStamp: Uint32Array;
  private readonly slotShift: number;
  private step = 1;

  /**
   * @param width most entries kept
   * @param threshold entries scoring more than this below the best are refused (a pruning beam in nats)
   * @param maxOffers upper bound on distinct keys offered in one step, to size the hash
   */
  constructor(
    private readonly width: number,
    private readonly threshold: number,
    maxOffers: number,
  ) {
    this.state = new Int32Array(width);
    this.score = new Float64Array(width);
    this.flags = new Uint8Array(width);
    this.history = new Int32Array(width);
    this.key = new Int32Array(width);
    const bits = Math.max(6, Math.ceil(Math.log2(2 * Math.max(maxOffers, width))));
    this.slotKey = new Int32Array(1 << bits);
    this.slotIndex = new Int32Array(1 << bits);
    this.slotStamp = new Uint32Array(1 << bits);
    this.slotShift = 32 - bits;
  }

  clear(): void {
    this.count = 0;
    this.best = -Infinity;
    this.worst = 0;
    if (this.step === 0xffffffff) {
      this.slotStamp.fill(0);
      this.step = 0;
    }
    this.step++;
  }

  /** The score a new entry must beat. */
  bar(): number {
    if (this.count === 0) return -Infinity;
    const floor = this.best - this.threshold;
    if (this.count < this.width) return floor;
    return Math.max(floor, this.score[this.worst] ?? -Infinity);
  }

  /**
   * Places a hypothesis, replacing one with the same state and flags if it scores better. Returns the
   * entry index, whose `history` the caller then fills, or -1 when refused.
   */
  add(state: number, flags: number, score: number): number {
    if (score <= this.bar()) return -1;
    const key = state * 4 + flags;
    const { slotKey, slotIndex, slotStamp } = this;
    const mask = slotKey.length - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.slotShift;
    let at = -1;
    while (slotStamp[slot] === this.step) {
      if (slotKey[slot] === key) {
        // A slot whose entry was evicted is stale: the entry has another key by now. Reuse it.
        const i = slotIndex[slot] ?? 0;
        if (i < this.count && this.key[i] === key) at = i;
        break;
      }
      slot = (slot + 1) & mask;
    }
    let evicted = false;
    if (at >= 0) {
      if ((this.score[at] ?? 0) >= score) return -1;
      evicted = at === this.worst;
    } else {
      if (this.count < this.width) {
        at = this.count++;
        if (at === 0 || score < (this.score[this.worst] ?? 0)) this.worst = at;
      } else {
        at = this.worst;
        evicted = true;
      }
      this.key[at] = key;
      slotStamp[slot] = this.step;
      slotKey[slot] = key;
      slotIndex[slot] = at;
    }
    this.state[at] = state;
    this.score[at] = score;
    this.flags[at] = flags;
    if (score > this.best) this.best = score;
    if (evicted) this.findWorst();
    return at;
  }

  /** Orders entries best first, so the next step meets its strongest candidates early. */
  sort(): void {
    const { state, score, flags, history, key } = this;
    for (let i = 1; i < this.count; i++) {
      const s = score[i] ?? 0;
      const st = state[i] ?? 0;
      const f = flags[i] ?? 0;
      const h = history[i] ?? 0;
      const k = key[i] ?? 0;
      let j = i;
      for (; j > 0 && (score[j - 1] ?? 0) < s; j--) {
        score[j] = score[j - 1] ?? 0;
        state[j] = state[j - 1] ?? 0;
        flags[j] = flags[j - 1] ?? 0;
        history[j] = history[j - 1] ?? 0;
        key[j] = key[j - 1] ?? 0;
      }
      score[j] = s;
      state[j] = st;
      flags[j] = f;
      history[j] = h;
      key[j] = k;
    }
    this.worst = this.count - 1;
  }

  private findWorst(): void {
    let worst = 0;
    for (let i = 1; i < this.count; i++) if ((this.score[i] ?? 0) < (this.score[worst] ?? 0)) worst = i;
    this.worst = worst;
  }
}

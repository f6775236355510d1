/**
 * Incremental sentence splitter for streaming TTS: text arrives whole or token by token and leaves
 * as speakable segments as soon as their end is certain.
 *
 * The splitter is a character-driven state machine. Every decision needs only a bounded look-ahead
 * (for a sentence end: the first non-space character after the terminator and its closing quotes),
 * and push() processes each character exactly once as it arrives, so how the text was chunked can
 * never change the result: pushing tokens gives the same segments as pushing the whole text.
 * Only flushStalled() and flush(), which the caller triggers, depend on arrival. The heuristics
 * themselves live in splitter-rules.ts.
 */
import { SpeechgateError } from '../errors.js';
import {
  isBareClauseMark,
  isCloser,
  isConjunction,
  isDashWord,
  isFullWidthTerminator,
  isPlausibleStart,
  isSpace,
  isSpacedClauseMark,
  isTerminator,
  isWordChar,
  stallCut,
  terminatorEndsSentence,
} from './splitter-rules.js';

export interface SplitterOptions {
  /** A sentence longer than this is cut at the best clause boundary (default 300). */
  maxChars?: number;
  /** The context's first segment may go early at a clause boundary once it has this many words (default 4). */
  firstFragmentMinWords?: number;
  /** Words needed before flushStalled() may cut mid-sentence (default 3). */
  stallMinWords?: number;
}

export type SegmentReason = 'sentence' | 'clause' | 'length' | 'stall' | 'flush' | 'end';

export interface Segment {
  /** Trimmed; exactly the stream text between start and end. */
  text: string;
  /** Offsets in the context's whole text stream (all chars pushed so far). */
  start: number;
  end: number;
  reason: SegmentReason;
}

type Mode = 'text' | 'terminator' | 'closers' | 'gap';

/** Scanner state of the segment being built; replaced wholesale at every cut. */
class Pending {
  /** First non-space character, -1 while there is none. */
  start = -1;
  /** Whitespace-separated tokens that contain a letter or digit. */
  words = 0;
  inToken = false;
  tokenStart = -1;
  tokenHasWord = false;
  /** The last non-space character. */
  lastMark = -1;
  /** End of the last complete token: the fallback cut for an over-long sentence. -1: none. */
  wordEnd = -1;
  /** Last clause boundary and last spot before a conjunction usable by a length cut. -1: none. */
  clauseCut = -1;
  conjunctionCut = -1;
  /** Index at which whitespace would confirm the clause mark before it. */
  clauseAt = -1;
  mode: Mode = 'text';
  /** The current or last run of terminators, and the start of the token holding it. */
  runStart = -1;
  runEnd = -1;
  runToken = -1;
  fullWidth = false;
  /** In mode 'gap': where the candidate sentence end is, and what led to it. */
  gapStart = -1;
  gapAfterRun = false;
  gapNewlines = 0;
  /** A single token exceeded maxChars; cut at the next whitespace, never inside it. */
  oversize = false;

  /** `from`: where the previous segment was cut; text before it is settled. */
  constructor(readonly from: number) {}
}

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const PERIOD = 0x2e;
/** Abbreviations are short: this much of the word before a '.' is enough to classify it. */
const WORD_LOOKBACK = 40;
const MAX_CONJUNCTION_LENGTH = 8;

function checkOption(name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !(value >= min) || (!Number.isInteger(value) && value !== Infinity)) {
    throw new SpeechgateError('bad_request', `splitter option ${name} must be an integer >= ${min}`);
  }
  return value;
}

export class SentenceSplitter {
  private readonly maxChars: number;
  private readonly firstFragmentMinWords: number;
  private readonly stallMinWords: number;
  /** Clause and conjunction cuts nearer than this to the segment start would leave a stub. */
  private readonly minPiece: number;

  /** Stream text from textBase on (older, settled text is dropped). */
  private text = '';
  private textBase = 0;
  /** The text being pushed, read directly so `text` (a rope while growing) is not flattened per push. */
  private chunk = '';
  private chunkBase = 0;
  private total = 0;
  /** Next index to scan; a cut moves it back to the cut so the rest is rescanned as a new segment. */
  private pos = 0;
  private seg: Pending = new Pending(0);
  private emittedAny = false;
  private ended = false;
  private ready: Segment[] = [];
  /** Characters examined so far, rescans included: the splitter's work, for tests of its linearity. */
  private examined = 0;

  constructor(options: SplitterOptions = {}) {
    this.maxChars = checkOption('maxChars', options.maxChars ?? 300, 10);
    this.firstFragmentMinWords = checkOption('firstFragmentMinWords', options.firstFragmentMinWords ?? 4, 0);
    this.stallMinWords = checkOption('stallMinWords', options.stallMinWords ?? 3, 1);
    this.minPiece = Math.floor(this.maxChars / 4);
  }

  get scanned(): number {
    return this.examined;
  }

  /** Characters waiting to be emitted, from the first non-space one on. */
  get buffered(): number {
    return this.seg.start < 0 ? 0 : this.total - this.seg.start;
  }

  /** Appends text; returns the segments whose end is now certain. */
  push(text: string): Segment[] {
    if (this.ended) throw new SpeechgateError('bad_request', 'text pushed after end of input');
    if (text.length > 0) {
      this.text += text;
      this.chunk = text;
      this.chunkBase = this.total;
      this.total += text.length;
      this.scan();
      this.chunk = '';
      this.chunkBase = this.total;
      this.compact();
    }
    return this.take();
  }

  /**
   * The text has stalled: emits the buffered words if there are at least stallMinWords, up to the
   * last complete word (a trailing partial word, or a title like "Dr." that belongs to the next
   * word, stays buffered). A word ending in ?, ! or a sentence-final '.' counts as complete.
   */
  flushStalled(): Segment | undefined {
    if (this.ended) return undefined;
    const start = this.seg.start;
    const cut = start < 0 ? -1 : stallCut(this.slice(start, this.total), this.stallMinWords);
    if (cut >= 0) {
      this.cut(start + cut, 'stall');
      this.scan();
      this.compact();
    }
    return this.ready.shift();
  }

  /** Emits everything buffered now, whatever follows later. */
  flush(): Segment[] {
    if (this.ended) throw new SpeechgateError('bad_request', 'flush after end of input');
    this.finish('flush');
    return this.take();
  }

  /** No more text: emits the rest. Further push() or flush() calls throw. */
  end(): Segment[] {
    if (this.ended) return this.take();
    this.finish('end');
    this.ended = true;
    return this.take();
  }

  private take(): Segment[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  private finish(reason: SegmentReason): void {
    if (this.seg.start >= 0) this.emit(this.seg.start, this.total, reason);
    this.seg = new Pending(this.total);
    this.pos = this.total;
    this.compact();
  }

  private scan(): void {
    while (this.pos < this.total) {
      const i = this.pos++;
      this.examined++;
      const c = this.code(i);
      if (isSpace(c)) this.onSpace(i, c);
      else this.onMark(i, c);
    }
  }

  private onSpace(i: number, c: number): void {
    const st = this.seg;
    if (st.clauseAt === i) {
      st.clauseAt = -1;
      if (this.clauseBoundary(i)) return;
    }
    if (st.inToken) {
      st.inToken = false;
      if (st.oversize) {
        this.cut(i, 'length');
        return;
      }
      const previousEnd = st.wordEnd;
      st.wordEnd = i;
      const length = i - st.tokenStart;
      if (length <= 2 && isDashWord(this.small(st.tokenStart, i))) {
        if (this.clauseBoundary(i)) return;
      } else if (
        length <= MAX_CONJUNCTION_LENGTH &&
        previousEnd - st.start >= this.minPiece &&
        isConjunction(this.small(st.tokenStart, i))
      ) {
        st.conjunctionCut = previousEnd;
      }
    }
    if (st.mode === 'terminator' || st.mode === 'closers') this.openGap(i, true);
    else if (st.mode === 'text' && c === NEWLINE && st.start >= 0) this.openGap(i, false);
    if (st.mode === 'gap' && c === NEWLINE) st.gapNewlines++;
  }

  private openGap(i: number, afterRun: boolean): void {
    const st = this.seg;
    st.mode = 'gap';
    st.gapStart = i;
    st.gapAfterRun = afterRun;
    st.gapNewlines = 0;
    st.fullWidth = false;
  }

  private onMark(i: number, c: number): void {
    const st = this.seg;
    if (st.mode === 'gap') {
      if (this.gapEndsSentence(c)) {
        this.cut(st.gapStart, 'sentence');
        return;
      }
      st.mode = 'text';
    } else if (st.fullWidth && !isTerminator(c) && !isCloser(c) && st.words > 0) {
      this.cut(i, 'sentence');
      return;
    }

    if (st.start >= 0 && i + 1 - st.start > this.maxChars && !st.oversize) {
      const cut = st.clauseCut >= 0 ? st.clauseCut : st.conjunctionCut >= 0 ? st.conjunctionCut : st.wordEnd;
      if (cut > st.start) {
        this.cut(cut, 'length');
        return;
      }
      st.oversize = true;
    }

    if (!st.inToken) {
      st.inToken = true;
      st.tokenStart = i;
      st.tokenHasWord = false;
      if (st.start < 0) st.start = i;
    }
    if (!st.tokenHasWord && isWordChar(c)) {
      st.tokenHasWord = true;
      st.words++;
    }

    if (isTerminator(c)) {
      if (st.mode !== 'terminator') {
        st.mode = 'terminator';
        st.runStart = i;
        st.runToken = st.tokenStart;
      }
      st.runEnd = i + 1;
      if (isFullWidthTerminator(c)) st.fullWidth = true;
    } else if (isCloser(c) && st.mode !== 'text') {
      st.mode = 'closers';
    } else {
      st.mode = 'text';
      st.fullWidth = false;
    }

    // A clause mark counts once whitespace follows, also behind closing quotes: '"Yes," he said'.
    st.clauseAt = isSpacedClauseMark(c) || (st.clauseAt === i && isCloser(c)) ? i + 1 : -1;
    st.lastMark = c;
    if (isBareClauseMark(c)) this.clauseBoundary(i + 1);
  }

  /** A sentence end is pending at gapStart and `c` is the first character after the gap. */
  private gapEndsSentence(c: number): boolean {
    const st = this.seg;
    if (st.words === 0) return false;
    if (st.gapNewlines >= 2) return true;
    if (!isPlausibleStart(c)) return false;
    // A single newline before a capital ends a line of a list or a heading; after a comma the
    // line is more likely hard-wrapped.
    if (!st.gapAfterRun) return st.lastMark !== COMMA;
    const singleDot = st.runEnd - st.runStart === 1 && this.code(st.runStart) === PERIOD;
    const before = this.small(Math.max(st.runToken, st.runStart - WORD_LOOKBACK), st.runStart);
    return terminatorEndsSentence(singleDot, st.gapStart > st.runEnd, before, st.runToken === st.start, c);
  }

  /** A clause boundary at x: the context's first segment may end here, otherwise remember it. */
  private clauseBoundary(x: number): boolean {
    const st = this.seg;
    if (!this.emittedAny && st.words > 0 && st.words >= this.firstFragmentMinWords) {
      this.cut(x, 'clause');
      return true;
    }
    if (x - st.start >= this.minPiece) st.clauseCut = x;
    return false;
  }

  /** Ends the current segment at x and rescans from x as a new one. */
  private cut(x: number, reason: SegmentReason): void {
    const st = this.seg;
    if (st.start >= 0 && x > st.start) this.emit(st.start, x, reason);
    this.seg = new Pending(x);
    this.pos = x;
  }

  private emit(start: number, end: number, reason: SegmentReason): void {
    while (end > start && isSpace(this.code(end - 1))) end--;
    if (end <= start) return;
    this.ready.push({ text: this.slice(start, end), start, end, reason });
    this.emittedAny = true;
  }

  /** Drops settled text once it is at least half the buffer, so each char is copied O(1) times. */
  private compact(): void {
    const drop = this.seg.from - this.textBase;
    if (drop > 0 && drop * 2 >= this.text.length) {
      this.text = this.text.slice(drop);
      this.textBase = this.seg.from;
    }
  }

  private code(i: number): number {
    return i >= this.chunkBase
      ? this.chunk.charCodeAt(i - this.chunkBase)
      : this.text.charCodeAt(i - this.textBase);
  }

  private slice(start: number, end: number): string {
    return start >= this.chunkBase
      ? this.chunk.slice(start - this.chunkBase, end - this.chunkBase)
      : this.text.slice(start - this.textBase, end - this.textBase);
  }

  /** A few characters, read one by one so a rope-shaped buffer is not flattened for them. */
  private small(start: number, end: number): string {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(this.code(i));
    return s;
  }
}

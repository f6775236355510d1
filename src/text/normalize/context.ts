import { isAllCaps, startsUpper } from './chars.js';
import { Emitter } from './emitter.js';
import type { Lex } from './lexer.js';

// Capitalised words that usually open a sentence: after an abbreviation's period, one of these
// means the period also ended the sentence ("... in the U.S. The next ..."), a name does not.
const SENTENCE_OPENERS = new Set([
  'a', 'after', 'all', 'also', 'although', 'an', 'and', 'another', 'any', 'are', 'as', 'at', 'because',
  'before', 'both', 'but', 'can', 'could', 'did', 'do', 'does', 'during', 'each', 'even', 'every', 'finally',
  'first', 'for', 'from', 'he', 'her', 'here', 'his', 'how', 'however', 'i', "i'm", 'if', 'in', 'is', 'it',
  "it's", 'its', 'just', "let's", 'many', 'maybe', 'meanwhile', 'most', 'my', 'no', 'not', 'now', 'of', 'on',
  'once', 'one', 'only', 'our', 'perhaps', 'please', 'she', 'since', 'so', 'some', 'still', 'thank', 'thanks',
  'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'those', 'though', 'to', 'today',
  'tomorrow', 'we', 'what', 'when', 'where', 'which', 'while', 'who', 'why', 'will', 'with', 'would', 'yes',
  'yesterday', 'you', 'your',
]); // prettier-ignore

const SENTENCE_END = new Set(['.', '!', '?', '…']);
const WRAPPERS = new Set(['"', "'", '(', ')', '[', ']', '{', '}']);

/** The token stream being normalised, the output, and the questions readers ask about neighbours. */
export class Ctx {
  readonly out = new Emitter();
  private shout: boolean | undefined;

  constructor(readonly toks: readonly Lex[]) {}

  text(i: number): string {
    return this.toks[i]?.text ?? '';
  }

  /** Lowercased text of a word token, '' for anything else. */
  lower(i: number): string {
    const t = this.toks[i];
    return t?.kind === 'word' ? t.text.toLowerCase() : '';
  }

  start(i: number): number {
    return this.toks[i]?.start ?? 0;
  }

  end(i: number): number {
    return this.toks[i]?.end ?? 0;
  }

  /** Token i exists and touches token i-1 (no whitespace between). */
  glued(i: number): boolean {
    return this.toks[i]?.gap === 0;
  }

  /** Token i exists and is on the same line as token i-1. */
  near(i: number): boolean {
    const gap = this.toks[i]?.gap;
    return gap !== undefined && gap <= 1;
  }

  /** Token i is separated from i-1 by spaces only. */
  spaced(i: number): boolean {
    return this.toks[i]?.gap === 1;
  }

  isSym(i: number, ch: string): boolean {
    const t = this.toks[i];
    return t?.kind === 'sym' && t.text === ch;
  }

  isNum(i: number): boolean {
    return this.toks[i]?.kind === 'num';
  }

  isWord(i: number): boolean {
    return this.toks[i]?.kind === 'word';
  }

  /** Numeric value of a digit token of at most `maxLen` digits, else NaN. */
  value(i: number, maxLen = 15): number {
    const t = this.toks[i];
    return t?.kind === 'num' && t.text.length <= maxLen ? Number(t.text) : NaN;
  }

  capitalized(i: number): boolean {
    const t = this.toks[i];
    return t?.kind === 'word' && startsUpper(t.text);
  }

  /** Nothing but quotes/brackets between the start of the text or a sentence end and token i. */
  sentenceInitial(i: number): boolean {
    let j = i - 1;
    while (j >= 0 && j > i - 8 && this.toks[j]?.kind === 'sym' && WRAPPERS.has(this.text(j))) j--;
    if (j < 0) return true;
    if ((this.toks[j + 1]?.gap ?? 0) >= 3) return true;
    return this.toks[j]?.kind === 'sym' && SENTENCE_END.has(this.text(j));
  }

  /** After an abbreviation's period: whether token i (or the end of text) starts a new sentence. */
  newSentenceAt(i: number): boolean {
    let j = i;
    while (j < this.toks.length && j < i + 8 && this.toks[j]?.kind === 'sym' && WRAPPERS.has(this.text(j)))
      j++;
    const t = this.toks[j];
    if (t === undefined || t.gap >= 2) return true;
    return t.kind === 'word' && startsUpper(t.text) && SENTENCE_OPENERS.has(t.text.toLowerCase());
  }

  /** Mostly-uppercase text: capitals are then emphasis, not acronyms. */
  get shouting(): boolean {
    if (this.shout === undefined) {
      let words = 0;
      let caps = 0;
      for (const t of this.toks) {
        if (t.kind !== 'word' || t.text.length < 2) continue;
        words++;
        if (isAllCaps(t.text)) caps++;
      }
      this.shout = caps >= 3 && caps * 5 >= words * 3;
    }
    return this.shout;
  }
}

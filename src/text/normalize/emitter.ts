import { toWordText } from './chars.js';
import type { NormToken, PunctMark } from './types.js';

// When two marks meet, the stronger survives: a question outranks a full stop outranks a pause.
const STRENGTH: Readonly<Record<PunctMark, number>> = {
  ',': 1,
  '—': 2,
  ':': 3,
  ';': 3,
  '…': 4,
  '.': 5,
  '!': 6,
  '?': 7,
};

/**
 * Collects the output and enforces its invariants: words are clean [a-z'], no punctuation first,
 * never two marks in a row. "Soft" marks (from brackets, line breaks) are dropped at the very end.
 */
export class Emitter {
  private readonly tokens: NormToken[] = [];
  private lastSoft = false;

  /** Each space-separated word of `phrase`, all carrying the same span. */
  say(phrase: string, start: number, end: number): void {
    for (const raw of phrase.split(' ')) {
      const text = toWordText(raw);
      if (text !== '') this.tokens.push({ kind: 'word', text, start, end });
    }
  }

  /** One letter-name word per letter. */
  spell(letters: string, start: number, end: number): void {
    for (const ch of toWordText(letters)) {
      if (ch !== "'") this.tokens.push({ kind: 'word', text: ch, start, end, spell: true });
    }
  }

  punct(mark: PunctMark, start: number, end: number, soft = false): void {
    const last = this.tokens.at(-1);
    if (last === undefined) return;
    if (last.kind === 'punct') {
      if (STRENGTH[mark] > STRENGTH[last.text]) {
        this.tokens[this.tokens.length - 1] = { kind: 'punct', text: mark, start, end };
        this.lastSoft = soft;
      } else if (!soft) {
        this.lastSoft = false;
      }
      return;
    }
    this.tokens.push({ kind: 'punct', text: mark, start, end });
    this.lastSoft = soft;
  }

  /** Tokens emitted so far. */
  get size(): number {
    return this.tokens.length;
  }

  /** Drops every token after the first `size`. */
  truncate(size: number): void {
    if (size < this.tokens.length) this.tokens.length = size;
    this.lastSoft = false;
  }

  finish(): NormToken[] {
    if (this.lastSoft && this.tokens.at(-1)?.kind === 'punct') this.tokens.pop();
    return this.tokens;
  }
}

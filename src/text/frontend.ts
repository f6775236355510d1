import { normalize, type NormToken } from './normalize.js';
import { Lexicon, type PronunciationSource } from './lexicon.js';
import { BOS, EOS, WORD_BOUNDARY, FRONTEND_VERSION, symbolId } from './phonemes.js';

export interface PhonemizedWord {
  /** The spoken word as normalised ("twenty", "dollars"). */
  text: string;
  /** Span of the original text this word was read from (several words may share one, e.g. "$3.50"). */
  start: number;
  end: number;
  phonemes: string[];
  source: PronunciationSource;
  /** Index range [tokenStart, tokenEnd) of this word's phonemes in `symbols`/`ids`. */
  tokenStart: number;
  tokenEnd: number;
}

export interface Phonemized {
  frontendVersion: string;
  symbols: string[];
  ids: number[];
  words: PhonemizedWord[];
  /** The normalised text, words and punctuation, as a teacher voice or a human would read it. */
  spoken: string;
}

/**
 * Text → normalised words → phonemes → model ids. The layout of a sentence is
 * `<bos> w1 [punct] _ w2 [punct] _ … wN [punct] <eos>`: exactly one boundary between two words, punctuation
 * right after the word it follows. The training recipe calls this same code (via `speechgate phonemize`),
 * so a voice never sees another phonemisation than the one it was trained on.
 */
export class FrontEnd {
  readonly version = FRONTEND_VERSION;
  private readonly lexicon: Lexicon;

  constructor(options: { useRules?: boolean } = {}) {
    this.lexicon = new Lexicon(options);
  }

  phonemize(text: string): Phonemized {
    return this.fromTokens(normalize(text));
  }

  fromTokens(tokens: readonly NormToken[]): Phonemized {
    const symbols: string[] = [BOS];
    const words: PhonemizedWord[] = [];
    const spoken: string[] = [];
    let sawWord = false;
    for (const token of tokens) {
      if (token.kind === 'punct') {
        if (!sawWord) continue;
        const last = symbols[symbols.length - 1];
        // Consecutive marks collapse into the first; the normaliser should not emit them, but be safe.
        if (last !== undefined && isPunctuationSymbol(last)) continue;
        symbols.push(token.text);
        spoken[spoken.length - 1] += token.text;
        continue;
      }
      const pronunciation = token.spell ? this.lexicon.spell(token.text) : this.lexicon.pronounce(token.text);
      if (pronunciation.phonemes.length === 0) continue;
      if (sawWord) symbols.push(WORD_BOUNDARY);
      const tokenStart = symbols.length;
      symbols.push(...pronunciation.phonemes);
      words.push({
        text: token.text,
        start: token.start,
        end: token.end,
        phonemes: pronunciation.phonemes,
        source: pronunciation.source,
        tokenStart,
        tokenEnd: symbols.length,
      });
      spoken.push(token.text);
      sawWord = true;
    }
    symbols.push(EOS);
    return {
      frontendVersion: this.version,
      symbols,
      ids: symbols.map(symbolId),
      words,
      spoken: spoken.join(' '),
    };
  }
}

const PUNCTUATION_SYMBOLS = new Set([',', '.', '?', '!', ';', ':', '—', '…']);
function isPunctuationSymbol(symbol: string): boolean {
  return PUNCTUATION_SYMBOLS.has(symbol);
}

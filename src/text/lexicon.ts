import { dictionary } from 'cmu-pronouncing-dictionary';
import { loadLetterToSound, type LetterToSound } from './lts/index.js';
import { canonicalPhoneme } from './phonemes.js';

export type PronunciationSource = 'dictionary' | 'letter' | 'rules';

/** Thrown for a word the dictionary lacks when the letter-to-sound fallback is switched off. */
export class UnknownWordError extends Error {
  constructor() {
    super('word not in the pronouncing dictionary');
    this.name = 'UnknownWordError';
  }
}

export interface Pronunciation {
  phonemes: string[];
  source: PronunciationSource;
}

/** How letters are read when a word is spelled out (acronyms, codes, initials). */
const LETTER_NAMES: Record<string, string> = {
  a: 'EY1', b: 'B IY1', c: 'S IY1', d: 'D IY1', e: 'IY1', f: 'EH1 F', g: 'JH IY1', h: 'EY1 CH', i: 'AY1',
  j: 'JH EY1', k: 'K EY1', l: 'EH1 L', m: 'EH1 M', n: 'EH1 N', o: 'OW1', p: 'P IY1', q: 'K Y UW1', r: 'AA1 R',
  s: 'EH1 S', t: 'T IY1', u: 'Y UW1', v: 'V IY1', w: 'D AH1 B AH0 L Y UW0', x: 'EH1 K S', y: 'W AY1', z: 'Z IY1',
}; // prettier-ignore

/**
 * Word → phonemes: the CMU dictionary first (its first, most common pronunciation), the trained
 * letter-to-sound model for anything it lacks. Results are memoised since the same words recur constantly.
 */
export class Lexicon {
  private readonly memo = new Map<string, Pronunciation>();
  private lts: LetterToSound | undefined;
  private readonly maxMemo: number;

  private readonly useRules: boolean;

  /** `useRules: false` refuses words the dictionary lacks instead of guessing (for building training corpora). */
  constructor(options: { maxMemo?: number; useRules?: boolean } = {}) {
    this.maxMemo = options.maxMemo ?? 50_000;
    this.useRules = options.useRules ?? true;
  }

  pronounce(word: string): Pronunciation {
    const hit = this.memo.get(word);
    if (hit) return hit;
    const found = this.lookup(word);
    if (this.memo.size >= this.maxMemo) this.memo.clear();
    this.memo.set(word, found);
    return found;
  }

  spell(letter: string): Pronunciation {
    const name = LETTER_NAMES[letter];
    if (name === undefined) return this.pronounce(letter);
    return { phonemes: name.split(' '), source: 'letter' };
  }

  private lookup(word: string): Pronunciation {
    const entry = dictionary[word];
    if (entry !== undefined) return { phonemes: entryPhonemes(entry), source: 'dictionary' };
    // Possessives and plurals of known words are common in names ("Obama's", "LLMs").
    if (word.endsWith("'s") && word.length > 2) {
      const base = dictionary[word.slice(0, -2)];
      if (base !== undefined) {
        const phonemes = entryPhonemes(base);
        return { phonemes: [...phonemes, ...possessiveSuffix(phonemes)], source: 'dictionary' };
      }
    }
    if (!this.useRules) throw new UnknownWordError();
    this.lts ??= loadLetterToSound();
    const guessed = this.lts.predict(word).map(canonicalPhoneme);
    if (guessed.length > 0) return { phonemes: guessed, source: 'rules' };
    return { phonemes: word.split('').flatMap((c) => LETTER_NAMES[c]?.split(' ') ?? []), source: 'letter' };
  }
}

/** A dictionary entry's phonemes; some entries end in a comment ("G IY1 D IY1 P IY1 # abbrev"). */
function entryPhonemes(entry: string): string[] {
  const hash = entry.indexOf('#');
  const body = hash >= 0 ? entry.slice(0, hash) : entry;
  return body.trim().split(/\s+/).filter(Boolean).map(canonicalPhoneme);
}

function possessiveSuffix(phonemes: string[]): string[] {
  const last = phonemes[phonemes.length - 1] ?? '';
  if (['S', 'Z', 'SH', 'ZH', 'CH', 'JH'].includes(last)) return ['IH0', 'Z'];
  if (['P', 'T', 'K', 'F', 'TH'].includes(last)) return ['S'];
  return ['Z'];
}

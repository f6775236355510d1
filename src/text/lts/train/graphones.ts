import { stripStress } from '../arpabet.js';
import type { LexiconEntry } from '../corpus.js';
import { FIRST_GRAPHONE, type Graphone, letterCode } from '../model-format.js';
import type { Aligner } from './align.js';
import { BOS, EOS } from './joint-ngram.js';

/** Cuts an entry's stressed phonemes into one graphone per letter, or undefined if it cannot be aligned. */
export function toGraphones(aligner: Aligner, entry: LexiconEntry): Graphone[] | undefined {
  const takes = aligner.align({ letters: entry.word, phonemes: entry.phonemes.map(stripStress) });
  if (!takes) return undefined;
  const graphones: Graphone[] = [];
  let at = 0;
  for (let i = 0; i < takes.length; i++) {
    const take = takes[i] ?? 0;
    graphones.push({
      letter: letterCode(entry.word[i] ?? ''),
      phonemes: entry.phonemes.slice(at, at + take),
    });
    at += take;
  }
  return graphones;
}

export interface TokenisedCorpus {
  /** Graphone of token FIRST_GRAPHONE + i at index i, grouped by letter. */
  readonly graphones: Graphone[];
  /** Per word: start token, graphone tokens, end token. */
  readonly sequences: Int32Array[];
}

const keyOf = (g: Graphone): string => `${g.letter}:${g.phonemes.join(' ')}`;

export function tokenise(words: readonly Graphone[][]): TokenisedCorpus {
  const unique = new Map<string, Graphone>();
  for (const word of words) for (const g of word) if (!unique.has(keyOf(g))) unique.set(keyOf(g), g);
  const graphones = [...unique.values()].sort(
    (a, b) => a.letter - b.letter || (keyOf(a) < keyOf(b) ? -1 : 1),
  );
  const tokenOf = new Map(graphones.map((g, i) => [keyOf(g), FIRST_GRAPHONE + i]));
  const sequences = words.map((word) =>
    Int32Array.from([BOS, ...word.map((g) => tokenOf.get(keyOf(g)) ?? 0), EOS]),
  );
  return { graphones, sequences };
}

import { editDistance } from '../src/util/edit-distance.js';

/** Word-level edit distance: substitutions + deletions + insertions turning `ref` into `hyp`. */
export function wordErrors(ref: readonly string[], hyp: readonly string[]): number {
  return editDistance(ref, hyp);
}

const CONTRACTIONS: Record<string, string[]> = {
  "i'm": ['i', 'am'], "it's": ['it', 'is'], "that's": ['that', 'is'], "we'll": ['we', 'will'],
  "you'll": ['you', 'will'], "don't": ['do', 'not'], "can't": ['can', 'not'], "won't": ['will', 'not'],
  "we're": ['we', 'are'], "you're": ['you', 'are'], "i'll": ['i', 'will'], "isn't": ['is', 'not'],
  "let's": ['let', 'us'], "there's": ['there', 'is'], "what's": ['what', 'is'],
}; // prettier-ignore

/**
 * One spelling for what a recogniser and a normaliser may write differently but a listener hears alike:
 * contractions expanded, runs of spelled letters joined ("i d" and "id" both become "id"). Applied to
 * reference and hypothesis alike, so it favours neither voice.
 */
export function canonicalWords(words: readonly string[]): string[] {
  const expanded = words.flatMap((w) => CONTRACTIONS[w] ?? [w]);
  const out: string[] = [];
  let letters = '';
  const flushLetters = (): void => {
    if (letters) out.push(letters);
    letters = '';
  };
  for (let i = 0; i < expanded.length; i++) {
    const w = expanded[i] ?? '';
    const single = w.length === 1;
    const neighbourSingle = (expanded[i - 1]?.length ?? 0) === 1 || (expanded[i + 1]?.length ?? 0) === 1;
    if (single && neighbourSingle) {
      letters += w;
      continue;
    }
    flushLetters();
    out.push(w);
  }
  flushLetters();
  return out;
}

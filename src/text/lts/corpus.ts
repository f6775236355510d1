import { dictionary } from 'cmu-pronouncing-dictionary';

/** One dictionary word with its first (primary) pronunciation. */
export interface LexiconEntry {
  readonly word: string;
  readonly phonemes: readonly string[];
}

const WORD_PATTERN = /^[a-z][a-z']*$/;

/**
 * Plain words of the CMU dictionary, sorted. Alternates ("read(1)") and abbreviations with dots fail the
 * pattern, so each kept key is the word's first pronunciation. Trailing "# place, dutch" notes are dropped.
 */
export function dictionaryEntries(): LexiconEntry[] {
  const entries: LexiconEntry[] = [];
  for (const [word, value] of Object.entries(dictionary)) {
    if (!WORD_PATTERN.test(word)) continue;
    const hash = value.indexOf('#');
    const phonemes = (hash >= 0 ? value.slice(0, hash) : value).trim().split(/\s+/);
    if (phonemes.length === 0 || phonemes[0] === '') continue;
    entries.push({ word, phonemes });
  }
  entries.sort((a, b) => (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  return entries;
}

/** FNV-1a over the word's UTF-16 code units: stable across runs and machines. */
export function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The ~5% of words the model never trains on; every evaluation number is measured on them. */
export function isHeldOut(word: string): boolean {
  return wordHash(word) % 20 === 0;
}

/**
 * A reproducible sample of `count` held-out entries, spread evenly over the sorted held-out list, so a
 * test can re-measure the stored evaluation without running all of it.
 */
export function heldOutSample(entries: readonly LexiconEntry[], count: number): LexiconEntry[] {
  const heldOut = entries.filter((e) => isHeldOut(e.word));
  if (count >= heldOut.length) return heldOut;
  const sample: LexiconEntry[] = [];
  for (let i = 0; i < count; i++) {
    const entry = heldOut[Math.floor((i * heldOut.length) / count)];
    if (entry) sample.push(entry);
  }
  return sample;
}

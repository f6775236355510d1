import { dictionary } from 'cmu-pronouncing-dictionary';

/**
 * Whether the CMU pronouncing dictionary (the phonemiser's lexicon) has a word, key lowercase.
 * The package is one ES module evaluated once per process and shared with the phonemiser; lookups
 * are plain own-property checks so keys like "constructor" cannot hit Object.prototype.
 */
export function inDictionary(word: string): boolean {
  return Object.hasOwn(dictionary, word);
}

const VOWEL = /[aeiou]/;

/** Lowercase letters the phonemiser could not sound out: unknown to the lexicon and without a vowel. */
export function unpronounceable(lower: string): boolean {
  return !inDictionary(lower) && !VOWEL.test(lower);
}

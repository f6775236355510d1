import { editDistance } from '../../util/edit-distance.js';
import { stripStress } from './arpabet.js';
import type { LexiconEntry } from './corpus.js';

export { editDistance };

export interface EvaluationResult {
  readonly words: number;
  /** Share of words whose predicted phoneme string differs from the dictionary's (stress included). */
  readonly wordErrorRate: number;
  readonly wordErrorRateNoStress: number;
  /** Total edit distance over total reference length. */
  readonly phonemeErrorRate: number;
  readonly phonemeErrorRateNoStress: number;
}

export function evaluate(
  entries: readonly LexiconEntry[],
  predict: (word: string) => readonly string[],
): EvaluationResult {
  let wordErrors = 0;
  let wordErrorsNoStress = 0;
  let edits = 0;
  let editsNoStress = 0;
  let referenceLength = 0;
  for (const { word, phonemes: reference } of entries) {
    const hypothesis = predict(word);
    const referenceBare = reference.map(stripStress);
    const hypothesisBare = hypothesis.map(stripStress);
    const distance = editDistance(hypothesis, reference);
    const distanceBare = editDistance(hypothesisBare, referenceBare);
    if (distance > 0) wordErrors++;
    if (distanceBare > 0) wordErrorsNoStress++;
    edits += distance;
    editsNoStress += distanceBare;
    referenceLength += reference.length;
  }
  const words = entries.length;
  const rate = (n: number, d: number): number => (d === 0 ? 0 : n / d);
  return {
    words,
    wordErrorRate: rate(wordErrors, words),
    wordErrorRateNoStress: rate(wordErrorsNoStress, words),
    phonemeErrorRate: rate(edits, referenceLength),
    phonemeErrorRateNoStress: rate(editsNoStress, referenceLength),
  };
}

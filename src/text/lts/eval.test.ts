import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fromRoot } from '../../util/paths.js';
import { dictionaryEntries, heldOutSample, isHeldOut } from './corpus.js';
import { loadLetterToSound, MODEL_FILE } from './index.js';
import { evaluate, type EvaluationResult } from './metrics.js';

interface StoredEvaluation {
  readonly modelBytes: number;
  readonly trainingWords: number;
  readonly heldOut: EvaluationResult;
  readonly heldOutSample: EvaluationResult;
}

/**
 * Keeps models/lts/eval.json honest: it must describe the model file next to it, measured on the whole
 * held-out set, and a fresh measurement on a slice of held-out words must agree with it.
 */
describe('stored held-out evaluation', () => {
  const stored = JSON.parse(readFileSync(fromRoot('models', 'lts', 'eval.json'), 'utf8')) as StoredEvaluation;
  const entries = dictionaryEntries();
  const heldOut = entries.filter((e) => isHeldOut(e.word));
  const sample = heldOutSample(entries, 300);
  const lts = loadLetterToSound();
  const measured = evaluate(sample, (w) => lts.predict(w));

  test('belongs to the shipped model file', () => {
    assert.equal(statSync(fromRoot('models', 'lts', MODEL_FILE)).size, stored.modelBytes);
  });

  test('covers every held-out word, and no held-out word was trained on', () => {
    assert.equal(stored.heldOut.words, heldOut.length);
    assert.equal(stored.trainingWords + heldOut.length, entries.length);
    assert.ok(heldOut.length > entries.length * 0.045 && heldOut.length < entries.length * 0.055);
  });

  test('reproduces exactly on the stored 300-word slice', () => {
    assert.deepEqual(measured, stored.heldOutSample);
  });

  test('the slice agrees with the full held-out numbers within sampling error', () => {
    // Three standard errors of a 300-word sample: about 8 points of WER, 3 of PER.
    const band = (rate: number, perWord: number): number => 3 * Math.sqrt((rate * (1 - rate)) / perWord);
    const words = measured.words;
    const close = (name: keyof EvaluationResult, tolerance: number): void => {
      const diff = Math.abs(measured[name] - stored.heldOut[name]);
      assert.ok(diff <= tolerance, `${name}: slice ${measured[name]} vs stored ${stored.heldOut[name]}`);
    };
    close('wordErrorRate', band(stored.heldOut.wordErrorRate, words));
    close('wordErrorRateNoStress', band(stored.heldOut.wordErrorRateNoStress, words));
    close('phonemeErrorRate', 0.03);
    close('phonemeErrorRateNoStress', 0.03);
  });
});

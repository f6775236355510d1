import { readFileSync } from 'node:fs';
import { SpeechgateError } from '../../errors.js';
import { fromRoot } from '../../util/paths.js';
import { parseModel } from './model-reader.js';
import { createLetterToSound, type LetterToSound } from './predictor.js';

export type { LetterToSound } from './predictor.js';

/** File name of the shipped US English model under models/lts/. */
export const MODEL_FILE = 'en-us.bin.gz';

let cached: LetterToSound | undefined;

/**
 * The pronunciation fallback for words the dictionary lacks: a graphone n-gram model trained on the CMU
 * dictionary by scripts/train-lts.ts. Loaded once, synchronously, on first use (about 0.2 s; it then
 * holds about 33 MB).
 */
export function loadLetterToSound(): LetterToSound {
  if (cached) return cached;
  let bytes: Buffer;
  try {
    bytes = readFileSync(fromRoot('models', 'lts', MODEL_FILE));
  } catch (err) {
    throw new SpeechgateError('internal', 'letter-to-sound model file cannot be read', { cause: err });
  }
  cached = createLetterToSound(parseModel(bytes));
  return cached;
}

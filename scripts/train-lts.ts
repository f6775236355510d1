/**
 * Trains the letter-to-sound fallback on the CMU dictionary and measures it on held-out words.
 *
 *   npx tsc -p tsconfig.json --outDir .build/lts && node .build/lts/scripts/train-lts.js [options]
 *
 * Steps: EM alignment of letters to phonemes (each letter takes 0, 1 or 2 phonemes), one graphone token
 * per letter (letter + its stressed phonemes), an interpolated modified Kneser-Ney n-gram over graphone
 * sequences, and a beam search at run time. Words with isHeldOut() are never trained on; they are the
 * evaluation set.
 *
 * Options: --order=N (n-gram order, default 8), --min-count=a,b,... (per-order count cut-offs, default
 * none), --iterations=N (EM rounds, default 5), --beam=N and --threshold=X (search), --dev (tuning mode:
 * hold out a further 5% of the training words, report on those, write nothing).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { stripStress } from '../src/text/lts/arpabet.js';
import {
  dictionaryEntries,
  heldOutSample,
  isHeldOut,
  type LexiconEntry,
  wordHash,
} from '../src/text/lts/corpus.js';
import { MODEL_FILE } from '../src/text/lts/index.js';
import { evaluate, type EvaluationResult } from '../src/text/lts/metrics.js';
import type { Graphone } from '../src/text/lts/model-format.js';
import { parseModel } from '../src/text/lts/model-reader.js';
import {
  createLetterToSound,
  DEFAULT_BEAM_WIDTH,
  DEFAULT_PRUNING_THRESHOLD,
} from '../src/text/lts/predictor.js';
import { Aligner } from '../src/text/lts/train/align.js';
import { toGraphones, tokenise } from '../src/text/lts/train/graphones.js';
import { trainBackoffTrie } from '../src/text/lts/train/joint-ngram.js';
import { writeModel } from '../src/text/lts/train/model-writer.js';
import { fromRoot } from '../src/util/paths.js';

/** Size of the held-out slice whose numbers are stored for the consistency test. */
const SAMPLE_SIZE = 300;

interface Options {
  readonly order: number;
  readonly minCount: number[];
  readonly iterations: number;
  readonly beam: number;
  readonly threshold: number;
  readonly dev: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  return {
    order: Number(value('order') ?? 8),
    minCount: (value('min-count') ?? '1').split(',').map(Number),
    iterations: Number(value('iterations') ?? 5),
    beam: Number(value('beam') ?? DEFAULT_BEAM_WIDTH),
    threshold: Number(value('threshold') ?? DEFAULT_PRUNING_THRESHOLD),
    dev: argv.includes('--dev'),
  };
}

const secondsSince = (from: number): number => Math.round(performance.now() - from) / 1000;

/** In --dev mode: a second deterministic 5% of the non-held-out words, for tuning. */
const isDevelopment = (e: LexiconEntry): boolean => wordHash(`dev:${e.word}`) % 20 === 0;

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const entries = dictionaryEntries();
  const pool = entries.filter((e) => !isHeldOut(e.word));
  const training = options.dev ? pool.filter((e) => !isDevelopment(e)) : pool;
  const test = options.dev ? pool.filter(isDevelopment) : entries.filter((e) => isHeldOut(e.word));
  console.log(
    `${entries.length} words: training on ${training.length}, testing on ${test.length}${options.dev ? ' (dev)' : ''}`,
  );

  let phase = performance.now();
  const aligner = new Aligner();
  aligner.train(
    training.map((e) => ({ letters: e.word, phonemes: e.phonemes.map(stripStress) })),
    options.iterations,
  );
  const aligned = training
    .map((e) => toGraphones(aligner, e))
    .filter((g): g is Graphone[] => g !== undefined);
  console.log(`aligned ${aligned.length}/${training.length} words in ${secondsSince(phase)} s`);

  phase = performance.now();
  const { graphones, sequences } = tokenise(aligned);
  const trie = trainBackoffTrie(sequences, graphones.length + 2, options);
  const bytes = writeModel(trie, graphones);
  const trainingSeconds = secondsSince(started);
  console.log(
    `${graphones.length} graphones, order ${options.order}, ${trie.token.length} n-grams, ` +
      `${(bytes.length / 1e6).toFixed(2)} MB, n-gram model in ${secondsSince(phase)} s; total ${trainingSeconds} s`,
  );

  phase = performance.now();
  const lts = createLetterToSound(parseModel(bytes), options.beam, options.threshold);
  const predict = (word: string): string[] => lts.predict(word);
  const result = evaluate(test, predict);
  report(options.dev ? 'development' : 'held-out', result);
  const microsPerWord = timePrediction(test, predict);
  console.log(`evaluated in ${secondsSince(phase)} s; prediction ${microsPerWord.toFixed(1)} µs/word`);
  if (options.dev) return;

  const sample = evaluate(heldOutSample(entries, SAMPLE_SIZE), predict);
  mkdirSync(fromRoot('models', 'lts'), { recursive: true });
  writeFileSync(fromRoot('models', 'lts', MODEL_FILE), bytes);
  const summary = {
    model: MODEL_FILE,
    modelBytes: bytes.length,
    method: 'EM letter-phoneme alignment, modified Kneser-Ney graphone n-gram, beam search',
    options: {
      order: options.order,
      minCount: options.minCount,
      iterations: options.iterations,
      beam: options.beam,
      threshold: options.threshold,
    },
    dictionaryWords: entries.length,
    trainingWords: training.length,
    alignedWords: aligned.length,
    graphones: graphones.length,
    ngrams: trie.token.length - 1,
    trainingSeconds,
    // Mean prediction time over the held-out words on the training machine (best of 3 passes).
    microsecondsPerWord: Math.round(microsPerWord * 10) / 10,
    heldOut: result,
    heldOutSample: sample,
  };
  writeFileSync(fromRoot('models', 'lts', 'eval.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`wrote models/lts/${MODEL_FILE} and models/lts/eval.json`);
}

function timePrediction(words: readonly LexiconEntry[], predict: (word: string) => string[]): number {
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const start = performance.now();
    for (const { word } of words) predict(word);
    best = Math.min(best, performance.now() - start);
  }
  return (best * 1000) / Math.max(words.length, 1);
}

function report(label: string, r: EvaluationResult): void {
  const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
  console.log(
    `${label} (${r.words} words): WER ${pct(r.wordErrorRate)}, WER without stress ${pct(r.wordErrorRateNoStress)}, ` +
      `PER ${pct(r.phonemeErrorRate)}, PER without stress ${pct(r.phonemeErrorRateNoStress)}`,
  );
}

main();

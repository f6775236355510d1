/**
 * Writes the training corpus as `id|text` lines: LJ Speech's transcripts plus the project's own sentences
 * (scripts/corpus-extra.ts), minus anything that equals an evaluation sentence, so the intelligibility
 * evaluation only ever hears unseen text. Phonemise it with `speechgate phonemize --with-ids`.
 *   node dist/scripts/build-corpus.js --ljspeech ../shared/data/ljspeech/metadata.csv --extra 2500 --out corpus.txt
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { extraSentences } from './corpus-extra.js';
import { fromRoot } from '../src/util/paths.js';

const { values } = parseArgs({
  options: {
    ljspeech: { type: 'string' },
    extra: { type: 'string', default: '2500' },
    out: { type: 'string', default: 'corpus.txt' },
  },
});

const simplify = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
const evalSentences = new Set(
  readFileSync(fromRoot('models', 'eval', 'sentences.txt'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(simplify),
);

const lines: string[] = [];
let excluded = 0;
const add = (id: string, text: string): void => {
  const clean = text.replace(/[|\n\r]/g, ' ').trim();
  if (!clean) return;
  if (evalSentences.has(simplify(clean))) {
    excluded++;
    return;
  }
  lines.push(`${id}|${clean}`);
};

if (values.ljspeech) {
  for (const row of readFileSync(values.ljspeech, 'utf8').split('\n')) {
    const [id, raw] = row.split('|');
    if (id && raw) add(id, raw);
  }
}
extraSentences(Number(values.extra)).forEach((s, i) => add(`SG-${String(i).padStart(5, '0')}`, s));
writeFileSync(values.out, lines.join('\n') + '\n');
console.log(
  `build-corpus: ${lines.length} sentences written to ${values.out} (${excluded} evaluation sentences excluded)`,
);

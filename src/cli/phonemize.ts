import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { FrontEnd } from '../text/frontend.js';
import { UnknownWordError } from '../text/lexicon.js';
import { SYMBOLS } from '../text/phonemes.js';

export const phonemizeHelp = `speechgate phonemize [--with-ids] [--dictionary-only] [--symbols]

Reads lines of text on stdin and writes one JSON object a line on stdout: the normalised words, the
phoneme symbols and the model ids that the gateway would synthesise. With --with-ids each input line is
"id|text" and the id is kept. --dictionary-only skips lines with a word the pronouncing dictionary lacks
(training corpora: the teacher voice would guess such words differently from our rules). --symbols prints the symbol table (JSON array) and exits.
The training recipe uses this command, so a voice is trained on exactly what the gateway feeds it.`;

export async function phonemizeCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'with-ids': { type: 'boolean' },
      'dictionary-only': { type: 'boolean' },
      symbols: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(phonemizeHelp);
  if (values.symbols) return void console.log(JSON.stringify(SYMBOLS));
  const dictionaryOnly = values['dictionary-only'] === true;
  const frontEnd = new FrontEnd({ useRules: !dictionaryOnly });
  let skipped = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    if (!line.trim()) continue;
    n++;
    let id = String(n);
    let text = line;
    if (values['with-ids']) {
      const bar = line.indexOf('|');
      if (bar < 0) throw new Error(`line ${n}: expected "id|text"`);
      id = line.slice(0, bar);
      text = line.slice(bar + 1);
    }
    let p;
    try {
      p = frontEnd.phonemize(text);
    } catch (err) {
      if (!(dictionaryOnly && err instanceof UnknownWordError)) throw err;
      skipped++;
      continue;
    }
    const record = {
      id,
      text,
      spoken: p.spoken,
      symbols: p.symbols,
      ids: p.ids,
      words: p.words.map((w) => ({ text: w.text, start: w.start, end: w.end, source: w.source })),
    };
    if (!process.stdout.write(JSON.stringify(record) + '\n')) {
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  }
  if (dictionaryOnly)
    console.error(`phonemize: ${skipped} of ${n} lines skipped for words outside the dictionary`);
}

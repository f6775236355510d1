/**
 * Resident memory of the synthesis workers across a long run of mixed lengths: short prompts, long
 * paragraphs and the pathological texts of issue 10, round after round, through the worker pool on the
 * CPU. Prints RSS (the gateway process plus its synthesis processes) after loading and after each round.
 * Flat rounds mean memory comes back.
 *
 *   npm run build && node dist/scripts/memory-probe.js [--rounds 5] [--arena]
 */
import { PATHOLOGICAL_TEXTS } from '../src/text/pathological.js';
import { SentenceSplitter } from '../src/text/splitter.js';
import { WorkerPoolVoice } from '../src/tts/worker/pool-voice.js';
import { fromRoot } from '../src/util/paths.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const memArena = process.argv.includes('--arena');

const TEXTS = [
  'Hello there.',
  'Your order shipped this morning and arrives on Tuesday, between nine and eleven.',
  'The quick brown fox jumps over the lazy dog, and then it runs far away into the woods. '.repeat(6),
  ...Object.values(PATHOLOGICAL_TEXTS).map((t) => t.slice(0, 2000)),
];

function segments(text: string): string[] {
  const splitter = new SentenceSplitter();
  return [...splitter.push(text), ...splitter.end()].map((s) => s.text);
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

const voice = await WorkerPoolVoice.load(
  fromRoot('models', 'voices', 'slt-en-us'),
  { device: 'cpu', threads: 1, memArena },
  2,
);
const report = (label: string): void => {
  const rss = voice.memory();
  console.log(
    `${label.padEnd(10)} gateway ${mb(rss.main)} MB + synthesis ${rss.workers.map(mb).join(' + ')} MB = ${mb(rss.total)} MB`,
  );
};
report('loaded');
for (let round = 1; round <= rounds; round++) {
  let seconds = 0;
  for (const text of TEXTS) {
    for (const segment of segments(text).slice(0, 2)) {
      for await (const chunk of voice.synthesize(voice.prepare(segment)))
        seconds += chunk.pcm.length / voice.sampleRate;
    }
  }
  report(`round ${round}`);
  if (round === 1) console.log(`(each round: ${seconds.toFixed(0)} s of audio from ${TEXTS.length} texts)`);
}
await voice.close();

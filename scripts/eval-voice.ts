/**
 * A voice judged two ways. Intelligibility, by a recogniser nobody here wrote: each sentence of
 * models/eval/sentences.txt (none of them in the training corpus) is synthesised through the Node pipeline,
 * transcribed by Debian's pocketsphinx_continuous (en-us model), and scored by word error rate against the
 * front end's normalised words; the teacher voice (Festival slt) is scored on the same sentences beside it.
 * Closeness to real speech: the transcripts of models/eval/heldout.json (real recordings no voice trained on,
 * from ../shared/data) are synthesised and compared with the recordings (heldout-eval.ts: mel-cepstral
 * distortion, F0 error and correlation after time warping).
 * Needs: apt-get install pocketsphinx pocketsphinx-en-us sox festival festvox-us-slt-hts
 *   npm run eval:voice [-- --voice slt-en-us --out eval-out --no-teacher --no-heldout --no-wer]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { floatToS16le } from '../src/audio/pcm.js';
import { wavFile } from '../src/audio/wav.js';
import { normalize } from '../src/text/normalize.js';
import { VoiceRegistry } from '../src/tts/registry.js';
import { fromRoot } from '../src/util/paths.js';
import { concatSamples } from '../src/util/concat.js';
import { canonicalWords, wordErrors } from './wer.js';
import { evaluateHeldout, type HeldoutClip } from './heldout-eval.js';

const { values } = parseArgs({
  options: {
    voice: { type: 'string' },
    out: { type: 'string', default: 'eval-out' },
    'no-teacher': { type: 'boolean' },
    'no-heldout': { type: 'boolean' },
    'no-wer': { type: 'boolean' },
    heldout: { type: 'string', default: fromRoot('models', 'eval', 'heldout.json') },
    clips: { type: 'string', default: fromRoot('..', 'shared', 'data') },
    sentences: { type: 'string', default: fromRoot('models', 'eval', 'sentences.txt') },
  },
});

const sentences = readFileSync(values.sentences, 'utf8')
  .split('\n')
  .map((s) => s.trim())
  .filter(Boolean);
mkdirSync(values.out, { recursive: true });

function transcribe(wav: string): string[] {
  const wav16 = wav.replace(/\.wav$/, '.16k.wav');
  // -D: no dither, so the same audio always gives the same transcript
  execFileSync('sox', ['-R', '-D', wav, '-r', '16000', '-c', '1', '-b', '16', wav16]);
  const text = execFileSync('pocketsphinx_continuous', ['-infile', wav16, '-logfn', '/dev/null'], {
    encoding: 'utf8',
  });
  return words(text);
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

function reference(sentence: string): string[] {
  return normalize(sentence).flatMap((t) => (t.kind === 'word' ? [t.text] : []));
}

const registry = await VoiceRegistry.load(fromRoot('models', 'voices'), { device: 'cpu', threads: 1 });
const voice = registry.get(values.voice);

async function synthesiseAll(): Promise<string[]> {
  const files: string[] = [];
  for (const [i, sentence] of sentences.entries()) {
    const parts: Float32Array[] = [];
    for await (const chunk of voice.synthesize(voice.prepare(sentence))) parts.push(chunk.pcm.slice());
    const pcm = concatSamples(parts);
    const file = join(values.out, `voice-${String(i).padStart(2, '0')}.wav`);
    writeFileSync(file, wavFile('pcm_s16le', voice.sampleRate, floatToS16le(pcm)));
    files.push(file);
  }
  return files;
}

function teacherAll(): string[] {
  return sentences.map((sentence, i) => {
    const txt = join(values.out, `teacher-${String(i).padStart(2, '0')}.txt`);
    const file = txt.replace(/\.txt$/, '.wav');
    writeFileSync(txt, sentence);
    execFileSync('text2wave', ['-eval', '(voice_cmu_us_slt_arctic_hts)', '-o', file, txt]);
    return file;
  });
}

function score(label: string, files: string[]): { wer: number; errors: number; words: number } {
  let errors = 0;
  let total = 0;
  const rows: string[] = [];
  files.forEach((file, i) => {
    const ref = canonicalWords(reference(sentences[i] ?? ''));
    const hyp = canonicalWords(transcribe(file));
    const e = wordErrors(ref, hyp);
    errors += e;
    total += ref.length;
    rows.push(`${String(e).padStart(2)} | ${ref.join(' ')}\n   | ${hyp.join(' ')}`);
  });
  writeFileSync(join(values.out, `${label}-transcripts.txt`), rows.join('\n') + '\n');
  return { wer: errors / total, errors, words: total };
}

const result: Record<string, unknown> = { voice: voice.id };
if (!values['no-wer']) {
  result['sentences'] = sentences.length;
  result['wer'] = score('voice', await synthesiseAll());
  if (!values['no-teacher']) result['teacher'] = score('teacher', teacherAll());
}
if (!values['no-heldout']) {
  const clips = JSON.parse(readFileSync(values.heldout, 'utf8')) as HeldoutClip[];
  const heldout = await evaluateHeldout(voice, clips, values.clips);
  writeFileSync(join(values.out, 'heldout-clips.json'), JSON.stringify(heldout.clips, null, 1) + '\n');
  result['heldout'] = heldout.perSpeaker;
}
await registry.close();
writeFileSync(join(values.out, 'eval.json'), JSON.stringify(result, null, 1) + '\n');
console.log(JSON.stringify(result, null, 1));

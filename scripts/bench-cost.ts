/**
 * Per-stream CPU cost, stage by stage: CPU milliseconds per second of audio (process.cpuUsage, least of three
 * runs after a warm-up), on real voice output (see cost/voice-audio.ts). Synthesis: the front end, the acoustic
 * model and the vocoder under several ONNX session settings. Audio path: the old path (libsamplerate 'fastest'
 * to the format's rate, Opus at 48 kHz, complexity 10) against the current defaults, with the quality of each
 * choice against the unencoded audio.
 *   npm run bench:cost [-- --wav voice.wav] [--json out.json] [--quick] [--only synthesis,opus,idle]
 *     [--contexts 200] [--voice ID] [--vocoder candidate.onnx]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { OPUS_APPLICATION, OPUS_COMPLEXITY } from '../src/audio/encoder.js';
import { idleSection } from './cost/idle-section.js';
import { opusSection } from './cost/opus-section.js';
import { formatsSection, pipelineSection } from './cost/pipeline-section.js';
import { resamplingSection } from './cost/resampling-section.js';
import type { CostRun } from './cost/run.js';
import { synthesisSection, vocoderVariantSection } from './cost/synthesis-section.js';
import { voiceAudio } from './cost/voice-audio.js';

const { values } = parseArgs({
  options: {
    wav: { type: 'string' },
    voice: { type: 'string' },
    json: { type: 'string' },
    quick: { type: 'boolean' },
    contexts: { type: 'string', default: '200' },
    only: { type: 'string' },
    vocoder: { type: 'string' },
  },
});

const SECTIONS: [string, (run: CostRun) => Promise<void>][] = [
  ['synthesis', synthesisSection],
  ['resampling', resamplingSection],
  ['opus', opusSection],
  ['formats', formatsSection],
  ['pipeline', pipelineSection],
  ['idle', idleSection],
];
const only = values.only?.split(',');
const unknown = only?.filter((s) => s !== 'vocoder' && !SECTIONS.some(([name]) => name === s)) ?? [];
if (unknown.length > 0) throw new Error(`--only: no section ${unknown.join(', ')}`);

const audio = await voiceAudio(values.wav, values.voice);
const seconds = audio.samples.length / audio.sampleRate;
const run: CostRun = {
  audio,
  seconds,
  results: { audioSeconds: seconds, sampleRate: audio.sampleRate },
  quick: values.quick ?? false,
  contexts: Number(values.contexts),
  voice: values.voice,
};

console.log(
  `# Per-stream CPU cost, ${seconds.toFixed(1)} s of ${audio.sampleRate} Hz voice from ${audio.file}`,
);
console.log('CPU ms per second of audio (÷10 = % of one core per stream).\n');
for (const [name, section] of SECTIONS) if (!only || only.includes(name)) await section(run);
if (values.vocoder && (!only || only.includes('vocoder'))) await vocoderVariantSection(run, values.vocoder);
console.log(`\nDefaults now: Opus ${OPUS_APPLICATION}, complexity ${OPUS_COMPLEXITY}.`);
if (values.json) writeFileSync(values.json, JSON.stringify(run.results, null, 1) + '\n');

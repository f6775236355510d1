/**
 * Speed of the voice itself, without the gateway: real-time factor of the acoustic model and the vocoder,
 * and the latency to the first audio of a short sentence, on the chosen device and thread count. Also
 * measures how many context frames chunked vocoding needs to match whole-sentence vocoding.
 *   npm run bench:voice -- [--device cpu|webgpu] [--threads 1] [--repeat 20] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { planChunks } from '../src/tts/chunking.js';
import type { Device } from '../src/tts/device.js';
import { OnnxVoice } from '../src/tts/onnx-voice.js';
import { fromRoot } from '../src/util/paths.js';

const { values } = parseArgs({
  options: {
    device: { type: 'string', default: 'cpu' },
    threads: { type: 'string', default: '1' },
    repeat: { type: 'string', default: '20' },
    json: { type: 'string' },
    voice: { type: 'string', default: fromRoot('models', 'voices', 'slt-en-us') },
  },
});
const repeat = Number(values.repeat);
const voice = await OnnxVoice.load(values.voice, {
  device: values.device as Device,
  threads: Number(values.threads),
});

const SHORT = 'Hello, how can I help you today?';
const LONG =
  'Your order of three items shipped this morning, and it should arrive on Tuesday, January fifth, before noon.';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? NaN;

async function firstAudio(text: string): Promise<number> {
  const t0 = performance.now();
  for await (const _chunk of voice.synthesize(voice.prepare(text))) return performance.now() - t0;
  return NaN;
}

async function stageTimes(text: string): Promise<{ acousticMs: number; vocoderMs: number; audioMs: number }> {
  const phrase = voice.prepare(text);
  let t = performance.now();
  const { mel, frames } = await voice.acousticModel(phrase);
  const acousticMs = performance.now() - t;
  t = performance.now();
  await voice.vocode(mel, frames, 0, frames);
  const vocoderMs = performance.now() - t;
  return { acousticMs, vocoderMs, audioMs: (frames * 256 * 1000) / voice.sampleRate };
}

// Warm up both sessions (first runs allocate and, on GPUs, compile).
for (let i = 0; i < 3; i++) {
  await firstAudio(SHORT);
  await stageTimes(LONG);
}
const firsts: number[] = [];
const stages: { acousticMs: number; vocoderMs: number; audioMs: number }[] = [];
for (let i = 0; i < repeat; i++) {
  firsts.push(await firstAudio(SHORT));
  stages.push(await stageTimes(LONG));
}
const audioMs = stages[0]?.audioMs ?? NaN;
const acousticRtf = median(stages.map((s) => s.acousticMs)) / audioMs;
const vocoderRtf = median(stages.map((s) => s.vocoderMs)) / audioMs;

// Chunked against whole vocoding, for a range of context sizes.
const { mel, frames } = await voice.acousticModel(voice.prepare(LONG));
const whole = await voice.vocode(mel, frames, 0, frames);
const contextError: Record<number, { maxAbs: number; snrDb: number }> = {};
for (const context of [0, 2, 4, 8, 12, 16, 24]) {
  let maxAbs = 0;
  let signal = 0;
  let noise = 0;
  for (const span of planChunks(frames, { firstFrames: 8, maxFrames: 64, context })) {
    const audio = await voice.vocode(mel, frames, span.inputStart, span.inputEnd);
    const offset = (span.start - span.inputStart) * 256;
    for (let i = span.start * 256; i < span.end * 256; i++) {
      const d = (audio[offset + i - span.start * 256] ?? 0) - (whole[i] ?? 0);
      maxAbs = Math.max(maxAbs, Math.abs(d));
      noise += d * d;
      signal += (whole[i] ?? 0) ** 2;
    }
  }
  contextError[context] = { maxAbs, snrDb: 10 * Math.log10(signal / Math.max(noise, 1e-20)) };
}

const result = {
  machine: `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`,
  device: values.device,
  threads: Number(values.threads),
  repeat,
  firstAudioMs: { p50: median(firsts), p95: p95(firsts), sentence: SHORT },
  longSentence: { audioMs, text: LONG },
  acoustic: {
    medianMs: median(stages.map((s) => s.acousticMs)),
    rtf: acousticRtf,
    xRealTime: 1 / acousticRtf,
  },
  vocoder: { medianMs: median(stages.map((s) => s.vocoderMs)), rtf: vocoderRtf, xRealTime: 1 / vocoderRtf },
  chunkContextError: contextError,
};
console.log(JSON.stringify(result, null, 1));
if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 1) + '\n');
await voice.close();

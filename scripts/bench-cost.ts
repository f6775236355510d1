/**
 * Per-stream CPU cost of the audio path, stage by stage: CPU milliseconds per second of audio (process.cpuUsage,
 * least of three runs after a warm-up, one thread), on real voice output (see cost/voice-audio.ts). Compares
 * the old path (libsamplerate 'fastest' to the format's rate, Opus at 48 kHz, complexity 10) with the current
 * defaults, and measures the quality of each choice against the unencoded audio.
 *   npm run bench:cost [-- --wav voice.wav] [--json out.json] [--quick] [--only opus,idle] [--contexts 200]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  createStreamEncoder,
  OPUS_APPLICATION,
  OPUS_COMPLEXITY,
  type StreamEncoderOptions,
} from '../src/audio/encoder.js';
import { formatKey, type AudioFormat } from '../src/audio/format.js';
import { FrameBuffer } from '../src/audio/framer.js';
import { decodeG711, encodeG711 } from '../src/audio/g711.js';
import {
  OpusDecoder,
  OpusEncoder,
  opusWasmMemoryBytes,
  type OpusApplication,
  type OpusSampleRate,
} from '../src/audio/opus.js';
import { floatToS16le, s16leToFloat } from '../src/audio/pcm.js';
import { polyphaseTable } from '../src/audio/polyphase.js';
import { createResampler, type ResamplerOptions } from '../src/audio/resampler.js';
import { concatSamples } from '../src/util/concat.js';
import { cpuMs, distance, snrDb, toneLevelDb } from './cost/measure.js';
import { voiceAudio } from './cost/voice-audio.js';

const { values } = parseArgs({
  options: {
    wav: { type: 'string' },
    voice: { type: 'string' },
    json: { type: 'string' },
    quick: { type: 'boolean' },
    contexts: { type: 'string', default: '200' },
    only: { type: 'string' },
  },
});

/** --only resampling,opus,formats,pipeline,idle runs just those sections. */
const want = (section: string): boolean => !values.only || values.only.split(',').includes(section);

const audio = await voiceAudio(values.wav, values.voice);
const RATE = audio.sampleRate;
const seconds = audio.samples.length / RATE;
/** The vocoder hands audio over in chunks of about this size. */
const CHUNK = 4096;
const results: Record<string, unknown> = { audioSeconds: seconds, sampleRate: RATE };

const BEFORE: ResamplerOptions = { engine: 'libsamplerate', quality: 'fastest' };
const AFTER: ResamplerOptions = { engine: 'polyphase' };
const OLD_PATH: StreamEncoderOptions = {
  resampler: 'libsamplerate',
  opusApplication: 'audio',
  opusComplexity: 10,
  opusCodingRate: 48000,
};

function perSecond(ms: number): string {
  return ms.toFixed(2);
}

async function resample(input: Float32Array, from: number, to: number, options: ResamplerOptions) {
  const resampler = await createResampler(from, to, options);
  const out = concatSamples([resampler.process(input), resampler.flush()]);
  resampler.destroy();
  return out;
}

async function resampleCost(to: number, options: ResamplerOptions): Promise<number> {
  const resampler = await createResampler(RATE, to, options);
  const ms = cpuMs(() => {
    for (let at = 0; at < audio.samples.length; at += CHUNK)
      resampler.process(audio.samples.subarray(at, at + CHUNK));
    resampler.flush();
  });
  resampler.destroy();
  return ms / seconds;
}

console.log(`# Per-stream CPU cost, ${seconds.toFixed(1)} s of ${RATE} Hz voice from ${audio.file}`);
console.log('CPU ms per second of audio on this thread (÷10 = % of one core per stream).\n');

// Resampling: cost, and the distance of each engine's output from libsamplerate's best converter.
if (want('resampling')) {
  console.log('## Resampling\n');
  console.log(
    '| to | libsamplerate fastest (before) | polyphase (after) | taps | SNR vs sinc best: before / after |',
  );
  console.log('|---|---|---|---|---|');
  const resampling: Record<string, unknown>[] = [];
  for (const to of [48000, 24000, 16000, 8000]) {
    const before = await resampleCost(to, BEFORE);
    const after = await resampleCost(to, AFTER);
    const best = await resample(audio.samples, RATE, to, { engine: 'libsamplerate', quality: 'best' });
    const snrBefore = snrDb(best, await resample(audio.samples, RATE, to, BEFORE));
    const snrAfter = snrDb(best, await resample(audio.samples, RATE, to, AFTER));
    const taps = polyphaseTable(RATE, to)?.taps;
    resampling.push({ to, before, after, taps, snrBefore, snrAfter });
    console.log(
      `| ${to} | ${perSecond(before)} | ${perSecond(after)} | ${taps} | ${snrBefore.toFixed(1)} / ${snrAfter.toFixed(1)} dB |`,
    );
  }
  results['resampling'] = resampling;

  // Frequency response of both engines going up to 48 kHz: passband and the images above the input's band.
  console.log(
    '\nResponse 22050 -> 48000 (dB): tone level at f, and the image of a tone at f (at 22050 - f).\n',
  );
  console.log('| f (Hz) | before: pass / image | after: pass / image |');
  console.log('|---|---|---|');
  const response: Record<string, unknown>[] = [];
  for (const f of [1000, 4000, 8000, 9000, 9500, 10000, 10500]) {
    const tone = Float32Array.from({ length: RATE }, (_, i) => 0.5 * Math.sin((2 * Math.PI * f * i) / RATE));
    const row: Record<string, number> = { f };
    for (const [name, options] of [
      ['before', BEFORE],
      ['after', AFTER],
    ] as const) {
      const out = await resample(tone, RATE, 48000, options);
      row[`${name}Pass`] = toneLevelDb(out, f, 48000, 0.5);
      row[`${name}Image`] = toneLevelDb(out, RATE - f, 48000, 0.5);
    }
    response.push(row);
    const cell = (p: number, i: number) => `${p.toFixed(2)} / ${i.toFixed(1)}`;
    console.log(
      `| ${f} | ${cell(row['beforePass']!, row['beforeImage']!)} | ${cell(row['afterPass']!, row['afterImage']!)} |`,
    );
  }
  results['response48k'] = response;
}

// Opus at each complexity and both coding rates: cost, bitrate, distance from the unencoded voice.
const reference48k = await resample(audio.samples, RATE, 48000, { engine: 'libsamplerate', quality: 'best' });
const codingInput: Record<number, Float32Array> = {
  48000: reference48k,
  24000: await resample(audio.samples, RATE, 24000, { engine: 'libsamplerate', quality: 'best' }),
};

interface OpusSetting {
  application: OpusApplication;
  rate: OpusSampleRate;
  complexity: number;
}

function opusEncoder(setting: OpusSetting): OpusEncoder {
  const { application, rate, complexity } = setting;
  return new OpusEncoder({ application, sampleRate: rate, complexity, bitrate: 32000 });
}

/** Packets decoded at 48 kHz with the encoder's delay cut: time-aligned with `reference48k`. */
function roundTrip(setting: OpusSetting, input: Float32Array): { decoded: Float32Array; bytes: number } {
  const encoder = opusEncoder(setting);
  const packets = encoder.encode(input);
  packets.push(...encoder.flush());
  encoder.destroy();
  const decoder = new OpusDecoder(48000);
  const pcm = concatSamples(packets.map((p) => Float32Array.from(decoder.decode(p), (x) => x / 32767)));
  decoder.destroy();
  return { decoded: pcm.subarray(encoder.preSkip), bytes: packets.reduce((s, p) => s + p.length, 0) };
}

if (want('opus')) {
  console.log('\n## Opus (32 kbit/s, signal voice), input already at the coding rate\n');
  console.log('Distances from the unencoded voice at 48 kHz, up to 11 kHz; lower is closer (SNR: higher).\n');
  console.log(
    '| application | coding rate | complexity | CPU ms/s | kbit/s | mel-band distance (dB) | LSD (dB) | segmental SNR (dB) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const opus: Record<string, unknown>[] = [];
  const complexities = values.quick ? [0, 3, 5, 10] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const settings: OpusSetting[] = [
    ...complexities.map((complexity) => ({
      application: 'audio' as const,
      rate: 48000 as const,
      complexity,
    })),
    ...complexities.map((complexity) => ({
      application: 'audio' as const,
      rate: 24000 as const,
      complexity,
    })),
    ...complexities.map((complexity) => ({
      application: 'lowdelay' as const,
      rate: 24000 as const,
      complexity,
    })),
  ];
  for (const setting of settings) {
    const input = codingInput[setting.rate]!;
    const ms = cpuMs(() => {
      const encoder = opusEncoder(setting);
      for (let at = 0; at < input.length; at += CHUNK) encoder.encode(input.subarray(at, at + CHUNK));
      encoder.destroy();
    });
    const { decoded, bytes } = roundTrip(setting, input);
    const kbps = (bytes * 8) / seconds / 1000;
    const q = distance(reference48k, decoded, 48000, 11025);
    opus.push({ ...setting, ms: ms / seconds, kbps, ...q });
    console.log(
      `| ${setting.application} | ${setting.rate} | ${setting.complexity} | ${perSecond(ms / seconds)} | ${kbps.toFixed(1)} | ${q.melDb.toFixed(2)} | ${q.lsdDb.toFixed(2)} | ${q.segSnrDb.toFixed(2)} |`,
    );
  }
  results['opus'] = opus;
}

// The sample formats' own work, on input already at their rate.
if (want('formats')) {
  console.log('\n## Sample formats and framing (input already at the output rate)\n');
  const at8k = await resample(audio.samples, RATE, 8000, AFTER);
  const at24k = codingInput[24000]!;
  const frameWork: [string, number, () => void][] = [
    ['framing only (20 ms @ 48 kHz)', 1, () => new FrameBuffer(960).push(reference48k)],
    ['pcm_s16le @ 24 kHz (frame + convert)', 1, () => new FrameBuffer(480).push(at24k).map(floatToS16le)],
    [
      'mulaw @ 8 kHz (frame + G.711)',
      1,
      () => new FrameBuffer(160).push(at8k).map((f) => encodeG711(f, 'mulaw')),
    ],
    [
      'alaw @ 8 kHz (frame + G.711)',
      1,
      () => new FrameBuffer(160).push(at8k).map((f) => encodeG711(f, 'alaw')),
    ],
  ];
  const formats: Record<string, number> = {};
  for (const [label, , work] of frameWork) {
    formats[label] = cpuMs(work) / seconds;
    console.log(`- ${label}: ${perSecond(formats[label])} ms/s`);
  }
  results['sampleFormats'] = formats;
}

// Whole stream encoders, as the gateway runs them: vocoder-sized chunks in, sentence flushes, frames out.
if (want('pipeline')) {
  console.log('\n## Whole stream encoder (resample + encode + frame), before -> after\n');
  console.log(
    'Distance: the decoded stream against the unencoded voice at the format rate (mel-band dB, 11 kHz or Nyquist).\n',
  );
  console.log('| format | before ms/s | after ms/s | ratio | distance before / after |');
  console.log('|---|---|---|---|---|');
  const pipeline: Record<string, unknown>[] = [];
  const sentence = Math.round(RATE * 4); // a flush every 4 s, like sentence ends

  /** Frames back to float samples at the format's rate (Opus: at 48 kHz, its delay cut). */
  function decodeFrames(format: AudioFormat, frames: Uint8Array[], preSkip: number): Float32Array {
    if (format.encoding === 'opus') {
      const decoder = new OpusDecoder(48000);
      const pcm = concatSamples(frames.map((f) => Float32Array.from(decoder.decode(f), (x) => x / 32767)));
      decoder.destroy();
      return pcm.subarray(preSkip);
    }
    if (format.encoding === 'pcm_s16le') return concatSamples(frames.map(s16leToFloat));
    const law = format.encoding;
    return concatSamples(frames.map((f) => Float32Array.from(decodeG711(f, law), (x) => x / 32767)));
  }

  for (const format of [
    { encoding: 'opus', sampleRate: 48000 },
    { encoding: 'opus', sampleRate: 24000 },
    { encoding: 'pcm_s16le', sampleRate: 24000 },
    { encoding: 'pcm_s16le', sampleRate: 48000 },
    { encoding: 'mulaw', sampleRate: 8000 },
  ] as AudioFormat[]) {
    const decodedRate = format.encoding === 'opus' ? 48000 : format.sampleRate;
    const reference = await resample(audio.samples, RATE, decodedRate, {
      engine: 'libsamplerate',
      quality: 'best',
    });
    const measure = async (options: StreamEncoderOptions): Promise<[number, number]> => {
      const encoder = await createStreamEncoder(format, RATE, options);
      const ms = cpuMs(() => {
        for (let at = 0; at < audio.samples.length; at += CHUNK) {
          encoder.encode(audio.samples.subarray(at, at + CHUNK));
          if (Math.floor((at + CHUNK) / sentence) > Math.floor(at / sentence)) encoder.flush();
        }
        encoder.flush();
      });
      encoder.destroy();
      // Quality: one segment (a flush inserts silence, which would shift the rest against the reference).
      const fresh = await createStreamEncoder(format, RATE, options);
      const frames = fresh.encode(audio.samples);
      frames.push(...fresh.flush());
      fresh.destroy();
      const decoded = decodeFrames(format, frames, fresh.preSkip);
      return [
        ms / seconds,
        distance(reference, decoded, decodedRate, Math.min(11025, decodedRate / 2)).melDb,
      ];
    };
    const [before, distBefore] = await measure(OLD_PATH);
    const [after, distAfter] = await measure({});
    pipeline.push({ format: formatKey(format), before, after, distBefore, distAfter });
    console.log(
      `| ${formatKey(format)} | ${perSecond(before)} | ${perSecond(after)} | ${(before / after).toFixed(1)}× | ${distBefore.toFixed(2)} / ${distAfter.toFixed(2)} dB |`,
    );
  }
  results['pipeline'] = pipeline;
}

// Creating encoders for many idle contexts: CPU on this thread and memory held, before -> after.
if (want('idle')) {
  const contexts = Number(values.contexts);
  console.log(`\n## ${contexts} opus@48000 stream encoders created and held (idle contexts)\n`);
  const created: Record<string, unknown> = {};
  // 'after' first: each run reuses the Opus heap the one before it grew.
  for (const [label, options] of [
    ['after', {}],
    ['before', OLD_PATH],
  ] as const) {
    globalThis.gc?.();
    const rss = process.memoryUsage().rss;
    const wasm = opusWasmMemoryBytes();
    const started = process.cpuUsage();
    const encoders = await Promise.all(
      Array.from({ length: contexts }, () =>
        createStreamEncoder({ encoding: 'opus', sampleRate: 48000 }, RATE, options),
      ),
    );
    const used = process.cpuUsage(started);
    const grown = (process.memoryUsage().rss - rss) / contexts / 1024;
    const wasmGrown = (opusWasmMemoryBytes() - wasm) / contexts / 1024;
    for (const encoder of encoders) encoder.destroy();
    created[label] = {
      cpuMsEach: (used.user + used.system) / 1000 / contexts,
      rssKiBEach: grown,
      opusHeapKiBEach: wasmGrown,
    };
    console.log(
      `- ${label}: ${((used.user + used.system) / 1000 / contexts).toFixed(3)} ms CPU each, RSS +${grown.toFixed(0)} KiB each (Opus heap +${wasmGrown.toFixed(0)} KiB)`,
    );
  }
  results['idleContexts'] = { contexts, ...created };
}
console.log(`\nDefaults now: Opus ${OPUS_APPLICATION}, complexity ${OPUS_COMPLEXITY}.`);
if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 1) + '\n');

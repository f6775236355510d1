/** The sample formats' own work, and whole stream encoders (resample + encode + frame), before -> after. */
import { createStreamEncoder, type StreamEncoderOptions } from '../../src/audio/encoder.js';
import { formatKey, type AudioFormat } from '../../src/audio/format.js';
import { FrameBuffer } from '../../src/audio/framer.js';
import { decodeG711, encodeG711 } from '../../src/audio/g711.js';
import { OpusDecoder } from '../../src/audio/opus.js';
import { floatToS16le, s16leToFloat } from '../../src/audio/pcm.js';
import { concatSamples } from '../../src/util/concat.js';
import { cpuMs, distance } from './measure.js';
import { AFTER, CHUNK, OLD_PATH, perSecond, reference, resample, type CostRun } from './run.js';

export async function formatsSection(run: CostRun): Promise<void> {
  const { audio, seconds, results } = run;
  const RATE = audio.sampleRate;
  const reference48k = await reference(run, 48000);
  const codingInput: Record<number, Float32Array> = { 24000: await reference(run, 24000) };
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

export async function pipelineSection(run: CostRun): Promise<void> {
  const { audio, seconds, results } = run;
  const RATE = audio.sampleRate;
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

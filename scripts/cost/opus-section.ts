/** Opus at each complexity and both coding rates: cost, bitrate, distance from the unencoded voice. */
import { OpusDecoder, OpusEncoder, type OpusApplication, type OpusSampleRate } from '../../src/audio/opus.js';
import { concatSamples } from '../../src/util/concat.js';
import { cpuMs, distance } from './measure.js';
import { CHUNK, perSecond, reference, type CostRun } from './run.js';

interface OpusSetting {
  application: OpusApplication;
  rate: OpusSampleRate;
  complexity: number;
}

function opusEncoder(setting: OpusSetting): OpusEncoder {
  const { application, rate, complexity } = setting;
  return new OpusEncoder({ application, sampleRate: rate, complexity, bitrate: 32000 });
}

/** Packets decoded at 48 kHz with the encoder's delay cut: time-aligned with the 48 kHz reference. */
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

export async function opusSection(run: CostRun): Promise<void> {
  const { seconds, results } = run;
  const values = { quick: run.quick };
  const reference48k = await reference(run, 48000);
  const codingInput: Record<number, Float32Array> = {
    48000: reference48k,
    24000: await reference(run, 24000),
  };
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

/** Resampling: cost per engine and rate, distance from libsamplerate's best, and the response near 11 kHz. */
import { polyphaseTable } from '../../src/audio/polyphase.js';
import { createResampler, type ResamplerOptions } from '../../src/audio/resampler.js';
import { cpuMs, snrDb, toneLevelDb } from './measure.js';
import { AFTER, BEFORE, CHUNK, perSecond, resample, type CostRun } from './run.js';

async function resampleCost(run: CostRun, to: number, options: ResamplerOptions): Promise<number> {
  const { audio, seconds } = run;
  const resampler = await createResampler(audio.sampleRate, to, options);
  const ms = cpuMs(() => {
    for (let at = 0; at < audio.samples.length; at += CHUNK)
      resampler.process(audio.samples.subarray(at, at + CHUNK));
    resampler.flush();
  });
  resampler.destroy();
  return ms / seconds;
}

export async function resamplingSection(run: CostRun): Promise<void> {
  const { audio, results } = run;
  const RATE = audio.sampleRate;
  console.log('## Resampling\n');
  console.log(
    '| to | libsamplerate fastest (before) | polyphase (after) | taps | SNR vs sinc best: before / after |',
  );
  console.log('|---|---|---|---|---|');
  const resampling: Record<string, unknown>[] = [];
  for (const to of [48000, 24000, 16000, 8000]) {
    const before = await resampleCost(run, to, BEFORE);
    const after = await resampleCost(run, to, AFTER);
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

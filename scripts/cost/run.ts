/**
 * What every section of the cost bench shares: the voice audio, its length, the results object written as
 * JSON, the options, and the before/after settings compared.
 */
import type { StreamEncoderOptions } from '../../src/audio/encoder.js';
import { createResampler, type ResamplerOptions } from '../../src/audio/resampler.js';
import { concatSamples } from '../../src/util/concat.js';
import type { VoiceAudio } from './voice-audio.js';

export interface CostRun {
  audio: VoiceAudio;
  seconds: number;
  results: Record<string, unknown>;
  quick: boolean;
  /** Idle contexts the idle section creates. */
  contexts: number;
  voice: string | undefined;
}

/** The vocoder hands audio over in chunks of about this size. */
export const CHUNK = 4096;

export const BEFORE: ResamplerOptions = { engine: 'libsamplerate', quality: 'fastest' };
export const AFTER: ResamplerOptions = { engine: 'polyphase' };
export const OLD_PATH: StreamEncoderOptions = {
  resampler: 'libsamplerate',
  opusApplication: 'audio',
  opusComplexity: 10,
  opusCodingRate: 48000,
};

export function perSecond(ms: number): string {
  return ms.toFixed(2);
}

export async function resample(
  input: Float32Array,
  from: number,
  to: number,
  options: ResamplerOptions,
): Promise<Float32Array> {
  const resampler = await createResampler(from, to, options);
  const out = concatSamples([resampler.process(input), resampler.flush()]);
  resampler.destroy();
  return out;
}

/** The voice at 48 kHz through libsamplerate's best converter: what decoded streams are compared with. */
export function reference(run: CostRun, rate: number): Promise<Float32Array> {
  return resample(run.audio.samples, run.audio.sampleRate, rate, {
    engine: 'libsamplerate',
    quality: 'best',
  });
}

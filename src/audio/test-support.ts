/** Signal generation and measurement shared by the audio tests. */
import { spawnSync } from 'node:child_process';

export function sine(frequency: number, sampleRate: number, samples: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(samples);
  for (let i = 0; i < samples; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return out;
}

export { concatSamples as concatFloat, concatBytes } from '../util/concat.js';

export function rms(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

export function decibels(ratio: number): number {
  return 20 * Math.log10(ratio);
}

/** Amplitude of one frequency component (Goertzel), normalised so a sine of amplitude A reads ~A. */
export function goertzel(samples: ArrayLike<number>, frequency: number, sampleRate: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = samples[i]! + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / samples.length;
}

/** Frequency estimated from rising zero crossings (linear interpolation between samples). */
export function zeroCrossingFrequency(samples: ArrayLike<number>, sampleRate: number): number {
  const crossings: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (a < 0 && b >= 0) crossings.push(i - 1 + a / (a - b));
  }
  if (crossings.length < 2) return 0;
  return ((crossings.length - 1) * sampleRate) / (crossings[crossings.length - 1]! - crossings[0]!);
}

/** Deterministic chunk lengths in 1..max (xorshift), to exercise arbitrary vocoder chunking. */
export function chunkLengths(total: number, max: number, seed = 12345): number[] {
  const lengths: number[] = [];
  let state = seed >>> 0 || 1;
  for (let left = total; left > 0;) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const length = Math.min(left, 1 + (state % max));
    lengths.push(length);
    left -= length;
  }
  return lengths;
}

export function splitByLengths(samples: Float32Array, lengths: number[]): Float32Array[] {
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const length of lengths) {
    parts.push(samples.subarray(offset, offset + length));
    offset += length;
  }
  return parts;
}

/** Whether a command-line tool is on PATH (tests that need it skip with a message otherwise). */
export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a tool and returns stdout+stderr; throws with the output when it exits non-zero. */
export function runTool(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  const output = `${result.stdout}${result.stderr}`;
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} exited with ${result.status}: ${output}`);
  return output;
}

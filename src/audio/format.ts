/**
 * The output formats a client can ask for, and their validation. Accepted inputs: nothing (the
 * default, opus@48000), an encoding name ('mulaw'), a format key ('pcm_s16le@16000') or an object
 * `{ encoding?, sampleRate? }`. A missing rate takes the encoding's default.
 */
import { SpeechgateError } from '../errors.js';

export type AudioEncoding = 'opus' | 'pcm_s16le' | 'mulaw' | 'alaw';

export interface AudioFormat {
  encoding: AudioEncoding;
  sampleRate: number;
}

/** Allowed rates per encoding; the first is the default. */
export const SUPPORTED_RATES: Readonly<Record<AudioEncoding, readonly number[]>> = {
  opus: [48000, 24000],
  pcm_s16le: [24000, 8000, 16000, 22050, 48000],
  mulaw: [8000],
  alaw: [8000],
};

export const DEFAULT_AUDIO_FORMAT: Readonly<AudioFormat> = { encoding: 'opus', sampleRate: 48000 };

const ENCODINGS = Object.keys(SUPPORTED_RATES) as AudioEncoding[];

function unsupported(message: string): SpeechgateError {
  return new SpeechgateError('unsupported_format', message);
}

function isEncoding(value: unknown): value is AudioEncoding {
  return typeof value === 'string' && (ENCODINGS as string[]).includes(value);
}

function parseRate(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d{1,6}$/.test(value)) return Number(value);
  throw unsupported('sampleRate must be a number');
}

function build(encoding: unknown, rate: unknown): AudioFormat {
  // The rejected value is not echoed: it is client input.
  if (!isEncoding(encoding)) throw unsupported(`unsupported encoding; use one of: ${ENCODINGS.join(', ')}`);
  const allowed = SUPPORTED_RATES[encoding];
  const sampleRate = parseRate(rate) ?? allowed[0]!;
  if (!allowed.includes(sampleRate)) {
    const list = [...allowed].sort((a, b) => a - b).join(', ');
    throw unsupported(`${encoding} supports sample rates ${list} Hz`);
  }
  return { encoding, sampleRate };
}

export function parseAudioFormat(input: unknown): AudioFormat {
  if (input === undefined || input === null) return { ...DEFAULT_AUDIO_FORMAT };
  if (typeof input === 'string') {
    const [encoding, rate, extra] = input.split('@');
    if (extra !== undefined || rate === '')
      throw unsupported('format must look like "opus" or "pcm_s16le@16000"');
    return build(encoding, rate);
  }
  if (typeof input === 'object' && !Array.isArray(input)) {
    const { encoding, sampleRate } = input as { encoding?: unknown; sampleRate?: unknown };
    return build(encoding ?? DEFAULT_AUDIO_FORMAT.encoding, sampleRate);
  }
  throw unsupported('format must be a string or an object { encoding, sampleRate }');
}

/** Stable text form, e.g. 'opus@48000', for cache keys and logs. */
export function formatKey(format: AudioFormat): string {
  return `${format.encoding}@${format.sampleRate}`;
}

/** Bytes of one frame of `frameMs` for the sample-based encodings (undefined for Opus: variable). */
export function frameBytes(format: AudioFormat, frameMs: number): number | undefined {
  const samples = (format.sampleRate * frameMs) / 1000;
  switch (format.encoding) {
    case 'pcm_s16le':
      return samples * 2;
    case 'mulaw':
    case 'alaw':
      return samples;
    case 'opus':
      return undefined;
  }
}

/** Streaming file-format encoders (MP3, FLAC) for 16-bit mono PCM, one per stream. */
import { FlacStreamEncoder } from './flac.js';
import { createMp3Encoder } from './mp3.js';
import type { StreamEncoder } from './types.js';

export type { StreamEncoder } from './types.js';
export { concatBytes } from './types.js';
export { FlacStreamEncoder, STREAMINFO_BYTES } from './flac.js';
export { createMp3Encoder, MP3_SAMPLE_RATES } from './mp3.js';

export type FileEncoding = 'mp3' | 'flac';

/** An encoder for `encoding` at `sampleRate` (MP3: 16/22.05/24/32/44.1/48 kHz; FLAC: any rate). */
export async function createStreamEncoder(
  encoding: FileEncoding,
  sampleRate: number,
): Promise<StreamEncoder> {
  return encoding === 'mp3' ? createMp3Encoder({ sampleRate }) : new FlacStreamEncoder({ sampleRate });
}

/** Output format choice: what a context asks for on the wire, and what it gets once `ready` is known. */
import type { ContextOptions } from './context.js';
import type { AudioEncoding, FormatSpec } from './protocol.js';
import type { AudioFormat, ReadyInfo } from './types.js';

export const DEFAULT_ENCODING: AudioEncoding = 'opus';

/** The gateway's default rate per encoding, used only if `ready` lists none. */
const DEFAULT_RATES: Record<AudioEncoding, number> = {
  opus: 48000,
  pcm_s16le: 24000,
  mulaw: 8000,
  alaw: 8000,
  mp3: 24000,
};

export function wireFormat(format: NonNullable<ContextOptions['format']>): Partial<FormatSpec> {
  if (typeof format === 'string') return { encoding: format };
  return format.sampleRate === undefined
    ? { encoding: format.encoding }
    : { encoding: format.encoding, sample_rate: format.sampleRate };
}

/** The format the gateway will use: the requested one, with its rate defaulted as `ready` announced. */
export function resolveFormat(format: ContextOptions['format'], info: ReadyInfo): AudioFormat {
  const encoding =
    format === undefined ? DEFAULT_ENCODING : typeof format === 'string' ? format : format.encoding;
  const explicitRate = typeof format === 'object' ? format.sampleRate : undefined;
  const sampleRate = explicitRate ?? info.formats[encoding]?.[0] ?? DEFAULT_RATES[encoding];
  return { encoding, sampleRate };
}

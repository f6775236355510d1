/**
 * What a WebSocket context asks for (`format` of `start`): one of the audio encoder's formats, or MP3.
 * MP3 is made at the transport, like the HTTP API's: the speech core produces 16-bit PCM at the same rate
 * (so cache entries are shared with pcm_s16le and with HTTP's mp3) and the context puts it through LAME.
 */
import { parseAudioFormat, SUPPORTED_RATES, type AudioFormat } from '../audio/format.js';
import { SpeechgateError } from '../errors.js';
import type { FormatSpec } from './messages.js';

/** Rates that both the PCM encoder and LAME take without resampling; the first is the default. */
export const MP3_WIRE_RATES: readonly number[] = [24000, 16000, 22050, 48000].filter((rate) =>
  SUPPORTED_RATES.pcm_s16le.includes(rate),
);

export interface OutputFormat {
  /** What the speech core encodes to. */
  readonly audio: AudioFormat;
  /** True when the context's frames carry MP3 bytes made from `audio` (then 16-bit PCM). */
  readonly mp3: boolean;
}

/** Every encoding a context may ask for, with its rates: what `ready` announces. */
export function outputRates(): Record<FormatSpec['encoding'], number[]> {
  const { opus, pcm_s16le, mulaw, alaw } = SUPPORTED_RATES;
  return {
    opus: [...opus],
    pcm_s16le: [...pcm_s16le],
    mulaw: [...mulaw],
    alaw: [...alaw],
    mp3: [...MP3_WIRE_RATES],
  };
}

/** Parses `{ encoding, sampleRate }` (both optional); throws unsupported_format as parseAudioFormat does. */
export function parseOutputFormat(
  input: { encoding?: unknown; sampleRate?: unknown } | undefined,
): OutputFormat {
  if (input?.encoding !== 'mp3') return { audio: parseAudioFormat(input), mp3: false };
  const rate = input.sampleRate ?? MP3_WIRE_RATES[0];
  if (typeof rate !== 'number' || !MP3_WIRE_RATES.includes(rate)) {
    const list = [...MP3_WIRE_RATES].sort((a, b) => a - b).join(', ');
    throw new SpeechgateError('unsupported_format', `mp3 supports sample rates ${list} Hz`);
  }
  return { audio: { encoding: 'pcm_s16le', sampleRate: rate }, mp3: true };
}

/** The format as the wire names it. */
export function wireFormat(format: OutputFormat): FormatSpec {
  return { encoding: format.mp3 ? 'mp3' : format.audio.encoding, sample_rate: format.audio.sampleRate };
}

/**
 * The container of a `say` output file, chosen by the options: Ogg pages around Opus packets, or a WAV
 * header in front of PCM / G.711 bytes (src/audio/container).
 */
import { OggOpusContainer, WavContainer, type AudioContainer } from '../../audio/container/index.js';
import type { AudioFormat } from '../../audio/format.js';

export type { AudioContainer };

/**
 * The gateway's Opus encoder delay in 48 kHz samples (libopus' 6.5 ms look-ahead, application 'audio',
 * at 48 and at 24 kHz). The protocol does not carry it; the unit test checks it against the encoder.
 */
export const GATEWAY_OPUS_PRE_SKIP = 312;

export function createContainer(
  container: 'ogg' | 'wav',
  format: AudioFormat,
  voiceSampleRate: number,
): AudioContainer {
  if (container === 'ogg') return new OggOpusContainer(voiceSampleRate, GATEWAY_OPUS_PRE_SKIP);
  if (format.encoding === 'opus') throw new RangeError('WAV cannot hold Opus');
  return new WavContainer({ encoding: format.encoding, sampleRate: format.sampleRate });
}

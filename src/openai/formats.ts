/**
 * How the 20 ms frames of the encoder become the bytes of an HTTP speech response: Ogg pages for
 * Opus, a WAV header before s16le samples, or bare samples (OpenAI's `pcm`: 24 kHz s16le mono).
 */
import {
  OggOpusContainer,
  RawContainer,
  WavContainer,
  type AudioContainer,
} from '../audio/container/index.js';
import type { AudioFormat } from '../audio/format.js';
import type { SpeechResponseFormat } from './request.js';

export interface ResponseFormat {
  readonly contentType: string;
  /** What the stream encoder must produce for this container. */
  readonly encoderFormat: AudioFormat;
  /** `preSkip`: the encoder's, in 48 kHz samples; `inputSampleRate`: the voice's. */
  container(preSkip: number, inputSampleRate: number): AudioContainer;
}

const PCM: AudioFormat = { encoding: 'pcm_s16le', sampleRate: 24000 };

const FORMATS: Record<SpeechResponseFormat, ResponseFormat> = {
  opus: {
    contentType: 'audio/ogg; codecs=opus',
    encoderFormat: { encoding: 'opus', sampleRate: 48000 },
    container: (preSkip, inputSampleRate) => new OggOpusContainer(inputSampleRate, preSkip),
  },
  wav: {
    contentType: 'audio/wav',
    encoderFormat: PCM,
    container: () => new WavContainer({ encoding: 'pcm_s16le', sampleRate: PCM.sampleRate }),
  },
  pcm: {
    contentType: 'audio/pcm; rate=24000; channels=1; encoding=s16le',
    encoderFormat: PCM,
    container: () => new RawContainer(),
  },
};

export function responseFormat(format: SpeechResponseFormat): ResponseFormat {
  return FORMATS[format];
}

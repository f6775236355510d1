/**
 * How the 20 ms frames of the encoder become the bytes of an HTTP speech response: MP3 or FLAC from a
 * streaming encoder fed 24 kHz PCM, Ogg pages for Opus, a WAV header before s16le samples, or bare
 * samples (OpenAI's `pcm`: 24 kHz s16le mono).
 */
import {
  EncodedContainer,
  OggOpusContainer,
  RawContainer,
  WavContainer,
  type AudioContainer,
} from '../audio/container/index.js';
import { createMp3Encoder, FlacStreamEncoder } from '../audio/codec/index.js';
import type { AudioFormat } from '../audio/format.js';
import type { SpeechResponseFormat } from './request.js';

export interface ResponseFormat {
  readonly contentType: string;
  /** What the stream encoder must produce for this container. */
  readonly encoderFormat: AudioFormat;
  /** `preSkip`: the encoder's, in 48 kHz samples; `inputSampleRate`: the voice's. */
  container(preSkip: number, inputSampleRate: number): Promise<AudioContainer>;
}

/** OpenAI's rate for pcm, and what mp3 and flac are made from. */
const PCM: AudioFormat = { encoding: 'pcm_s16le', sampleRate: 24000 };

const FORMATS: Record<SpeechResponseFormat, ResponseFormat> = {
  mp3: {
    contentType: 'audio/mpeg',
    encoderFormat: PCM,
    container: async () => new EncodedContainer(await createMp3Encoder({ sampleRate: PCM.sampleRate })),
  },
  flac: {
    contentType: 'audio/flac',
    encoderFormat: PCM,
    container: () =>
      Promise.resolve(new EncodedContainer(new FlacStreamEncoder({ sampleRate: PCM.sampleRate }))),
  },
  opus: {
    contentType: 'audio/ogg; codecs=opus',
    encoderFormat: { encoding: 'opus', sampleRate: 48000 },
    container: (preSkip, inputSampleRate) => Promise.resolve(new OggOpusContainer(inputSampleRate, preSkip)),
  },
  wav: {
    contentType: 'audio/wav',
    encoderFormat: PCM,
    container: () => Promise.resolve(new WavContainer({ encoding: 'pcm_s16le', sampleRate: PCM.sampleRate })),
  },
  pcm: {
    contentType: 'audio/pcm; rate=24000; channels=1; encoding=s16le',
    encoderFormat: PCM,
    container: () => Promise.resolve(new RawContainer()),
  },
};

export function responseFormat(format: SpeechResponseFormat): ResponseFormat {
  return FORMATS[format];
}

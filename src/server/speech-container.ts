/**
 * How the 20 ms frames of the encoder become the bytes of an HTTP speech response: Ogg pages for
 * Opus, a WAV header before s16le samples, or bare samples (OpenAI's `pcm`: 24 kHz s16le mono).
 */
import type { AudioFormat } from '../audio/format.js';
import { OggOpusWriter } from '../audio/ogg.js';
import { wavHeader } from '../audio/wav.js';
import { concatBytes } from '../util/concat.js';
import type { SpeechResponseFormat } from './speech-request.js';

export interface SpeechContainer {
  readonly contentType: string;
  /** What the stream encoder must produce for this container. */
  readonly encoderFormat: AudioFormat;
  /** Bytes before the first frame. */
  start(preSkip: number, inputSampleRate: number): Uint8Array;
  /** Bytes for frames that should reach the client now (a synthesized chunk). */
  frames(frames: readonly Uint8Array[]): Uint8Array;
  /** Bytes after the last frame. */
  end(): Uint8Array;
}

const PCM_RATE = 24000;
const EMPTY = new Uint8Array(0);

export { concatBytes };

class OggOpusContainer implements SpeechContainer {
  readonly contentType = 'audio/ogg; codecs=opus';
  readonly encoderFormat: AudioFormat = { encoding: 'opus', sampleRate: 48000 };
  private writer: OggOpusWriter | undefined;

  start(preSkip: number, inputSampleRate: number): Uint8Array {
    this.writer = new OggOpusWriter({ preSkip, inputSampleRate });
    return this.writer.header();
  }

  frames(frames: readonly Uint8Array[]): Uint8Array {
    const writer = this.started();
    const pages = frames.map((frame) => writer.packet(frame));
    // Pages otherwise wait for 10 packets; flushing per chunk keeps the first audio early.
    pages.push(writer.flush());
    return concatBytes(pages);
  }

  end(): Uint8Array {
    return this.started().end();
  }

  private started(): OggOpusWriter {
    if (this.writer === undefined) throw new Error('Ogg container used before start()');
    return this.writer;
  }
}

class RawPcmContainer implements SpeechContainer {
  readonly encoderFormat: AudioFormat = { encoding: 'pcm_s16le', sampleRate: PCM_RATE };

  constructor(
    readonly contentType: string,
    private readonly withWavHeader: boolean,
  ) {}

  start(): Uint8Array {
    return this.withWavHeader ? wavHeader({ encoding: 'pcm_s16le', sampleRate: PCM_RATE }) : EMPTY;
  }

  frames(frames: readonly Uint8Array[]): Uint8Array {
    return concatBytes(frames);
  }

  end(): Uint8Array {
    return EMPTY;
  }
}

export function createSpeechContainer(format: SpeechResponseFormat): SpeechContainer {
  switch (format) {
    case 'opus':
      return new OggOpusContainer();
    case 'wav':
      return new RawPcmContainer('audio/wav', true);
    case 'pcm':
      return new RawPcmContainer('audio/pcm; rate=24000; channels=1; encoding=s16le', false);
  }
}

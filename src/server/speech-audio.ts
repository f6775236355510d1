/**
 * Text → encoded 20 ms frames for one HTTP speech request: sentences from the splitter, each served
 * from the phrase cache or synthesized chunk by chunk (frames leave as soon as a chunk is encoded).
 */
import { FRAME_MS, formatKey } from '../audio/encoder.js';
import type { EncoderService, FrameEncoder } from '../audio/frame-encoder.js';
import type { AudioFormat } from '../audio/format.js';
import { phraseCacheKey, type CachedWord, type PhraseCache } from '../cache/index.js';
import type { Metrics } from '../metrics/index.js';
import { SentenceSplitter } from '../text/splitter.js';
import type { SynthesisChunk, Synthesizer } from '../tts/engine.js';

export interface SpeechAudioOptions {
  voice: Synthesizer;
  format: AudioFormat;
  speed: number;
  /** Undefined when caching is off. Keys are those of the streaming sessions: they share entries. */
  cache: PhraseCache | undefined;
  signal: AbortSignal;
  metrics: Metrics;
  encoders: EncoderService;
}

export interface FrameBatch {
  frames: Uint8Array[];
  /** True for the last batch of a sentence. */
  sentenceEnd: boolean;
  cached: boolean;
}

export class SpeechAudio {
  private constructor(
    private readonly options: SpeechAudioOptions,
    private readonly encoder: FrameEncoder,
  ) {}

  static async create(options: SpeechAudioOptions): Promise<SpeechAudio> {
    return new SpeechAudio(options, await options.encoders.open(options.format, options.voice.sampleRate));
  }

  /** 48 kHz samples an Ogg Opus reader must skip (0 for PCM). */
  get preSkip(): number {
    return this.encoder.preSkip;
  }

  /** Frame batches in order; stops with the signal's reason when it aborts. */
  async *frames(text: string): AsyncGenerator<FrameBatch> {
    const splitter = new SentenceSplitter();
    const segments = [...splitter.push(text), ...splitter.end()];
    for (const segment of segments) {
      this.options.signal.throwIfAborted();
      yield* this.sentence(segment.text);
    }
  }

  destroy(): void {
    this.encoder.destroy();
  }

  private async *sentence(text: string): AsyncGenerator<FrameBatch> {
    const { voice, cache, signal, speed, metrics } = this.options;
    let t = performance.now();
    const phrase = voice.prepare(text);
    metrics.observeStage('frontend', (performance.now() - t) / 1000);
    const key = phraseCacheKey({
      text: phrase.spoken,
      voiceId: voice.id,
      modelHash: voice.modelHash,
      speed,
      format: formatKey(this.options.format),
    });
    const hit = await cache?.get(key, signal);
    if (hit !== undefined) {
      yield { frames: hit.frames, sentenceEnd: true, cached: true };
      return;
    }

    const all: Uint8Array[] = [];
    let timing: SynthesisChunk['timing'];
    let samples = 0;
    // Time inside the synthesizer only, not time spent waiting for a slow reader at the yields.
    let synthSeconds = 0;
    let resumed = performance.now();
    for await (const chunk of voice.synthesize(phrase, {
      signal,
      speed,
      onStage: (stage, seconds) => metrics.observeStage(stage, seconds),
    })) {
      synthSeconds += (performance.now() - resumed) / 1000;
      timing ??= chunk.timing;
      samples += chunk.pcm.length;
      t = performance.now();
      const frames = await this.encoder.encode(chunk.pcm);
      metrics.observeStage('encode', (performance.now() - t) / 1000);
      all.push(...frames);
      if (frames.length > 0) yield { frames, sentenceEnd: false, cached: false };
      resumed = performance.now();
    }
    synthSeconds += (performance.now() - resumed) / 1000;
    const tail = await this.encoder.flush();
    all.push(...tail);
    if (samples > 0) metrics.realTimeFactor.observe(synthSeconds / (samples / voice.sampleRate));
    yield { frames: tail, sentenceEnd: true, cached: false };
    if (cache !== undefined && all.length > 0 && !signal.aborted) {
      const words: CachedWord[] = (timing?.words ?? []).map((w) => ({
        word: w.word,
        startMs: w.startMs,
        endMs: w.endMs,
      }));
      const durationMs = timing?.durationMs ?? all.length * FRAME_MS;
      // Best effort: set() reports its own failures and the response does not wait for it.
      void cache.set(key, { frames: all, words, durationMs });
    }
  }
}

/**
 * DEV-ONLY stand-in voice for working on the server before a trained voice exists: the real front end
 * and chunk plan, but each phoneme is a short sine tone instead of speech. Deterministic, so the same
 * text always yields the same PCM. Never used by the gateway itself; e2e tests use it only when
 * SPEECHGATE_E2E_VOICE=tone is set (see e2e-voices.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FrontEnd } from '../../src/text/frontend.js';
import { planChunks } from '../../src/tts/chunking.js';
import {
  abortError,
  preparePhrase,
  type PreparedPhrase,
  type SynthesisChunk,
  type Synthesizer,
  type SynthesizeOptions,
} from '../../src/tts/engine.js';
import { wordTimings } from '../../src/tts/timing.js';

const HOP = 256;
const FRAMES_PER_TOKEN = 6;

export class ToneVoice implements Synthesizer {
  readonly id = 'tone-test';
  readonly name = 'Test tones (not speech)';
  readonly sampleRate = 22050;
  readonly modelHash = 'tone-voice-v1';
  private readonly frontEnd = new FrontEnd();

  /** `chunkDelayMs` stands in for inference time, so streams and cancellation behave as with a model. */
  constructor(private readonly chunkDelayMs = 10) {}

  prepare(text: string): PreparedPhrase {
    return preparePhrase(this.frontEnd, text);
  }

  async *synthesize(phrase: PreparedPhrase, options: SynthesizeOptions = {}): AsyncIterable<SynthesisChunk> {
    const { signal } = options;
    if (phrase.ids.length <= 2) return;
    const speed = Math.min(3, Math.max(0.33, options.speed ?? 1));
    const durations = phrase.ids.map(() => Math.max(1, Math.round(FRAMES_PER_TOKEN / speed)));
    const frameToken: number[] = [];
    durations.forEach((d, token) => {
      for (let i = 0; i < d; i++) frameToken.push(phrase.ids[token] ?? 0);
    });
    const msPerFrame = (1000 * HOP) / this.sampleRate;
    const timing = wordTimings(phrase.words, durations, msPerFrame);
    let first = true;
    for (const span of planChunks(frameToken.length)) {
      await sleep(this.chunkDelayMs);
      if (signal?.aborted) throw abortError(signal);
      const pcm = new Float32Array((span.end - span.start) * HOP);
      for (let i = 0; i < pcm.length; i++) {
        const n = span.start * HOP + i;
        const id = frameToken[Math.floor(n / HOP)] ?? 0;
        pcm[i] = 0.3 * Math.sin((2 * Math.PI * (150 + 10 * id) * n) / this.sampleRate);
      }
      options.onStage?.('vocoder', 0);
      if (first) {
        first = false;
        yield { pcm, timing: { words: timing.words, durationMs: frameToken.length * msPerFrame } };
      } else {
        yield { pcm };
      }
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Plays one sentence into a stream's timeline: cached frames at once, or the synthesizer's PCM through
 * the stream's encoder, each frame handed on the moment it exists, the encoder flushed at the sentence
 * end so the next sentence starts on a 20 ms boundary. Complete sentences are then cached.
 */
import { setImmediate } from 'node:timers/promises';
import type { FrameEncoder } from '../audio/frame-encoder.js';
import type { CachedPhrase, CachedWord } from '../cache/types.js';
import type { SynthesisChunk } from '../tts/engine.js';
import type { SentenceJob } from './sentence-job.js';
import { FRAME_MS, type Timeline } from './timeline.js';
import type { SpeechServices, TimedWord } from './types.js';

/** Input samples encoded per event-loop turn: about 190 ms of audio at 22.05 kHz, some 5 ms of CPU. */
const ENCODE_SLICE_SAMPLES = 4096;

export interface PlayResult {
  cached: boolean;
  /** Frames sent for the sentence (0 when it had no audio, e.g. only punctuation). */
  frames: number;
}

export interface PlayTarget {
  timeline: Timeline;
  encoder: FrameEncoder;
  services: SpeechServices;
  signal: AbortSignal;
  sampleRate: number;
}

export async function playSentence(job: SentenceJob, target: PlayTarget): Promise<PlayResult> {
  await job.settled();
  return job.cached ? playCached(job, job.cached, target) : playSynthesized(job, target);
}

async function playCached(job: SentenceJob, phrase: CachedPhrase, target: PlayTarget): Promise<PlayResult> {
  const segment = job.segment;
  // The cache key is the normalised text, so the words are the same; their spans come from this text.
  const spans = job.prepared?.words ?? [];
  const { timeline } = target;
  timeline.begin(() => ({
    start: segment.start,
    end: segment.end,
    durationMs: phrase.durationMs,
    cached: true,
    words: phrase.words.map((w, i) => {
      const span = spans[i];
      return {
        word: w.word,
        start: span ? segment.start + span.start : segment.start,
        end: span ? segment.start + span.end : segment.end,
        startMs: w.startMs,
        endMs: w.endMs,
      };
    }),
  }));
  for (const frame of phrase.frames) await timeline.push(frame);
  const frames = await timeline.end();
  await timeline.batch();
  return { cached: true, frames };
}

async function playSynthesized(job: SentenceJob, target: PlayTarget): Promise<PlayResult> {
  const { timeline, encoder, services, signal } = target;
  const { metrics, cache } = services;
  const segment = job.segment;
  let timing: SynthesisChunk['timing'];
  timeline.begin(() => ({
    start: segment.start,
    end: segment.end,
    durationMs: timing?.durationMs ?? 0,
    cached: false,
    words: (timing?.words ?? []).map((w): TimedWord => ({
      word: w.word,
      start: segment.start + w.start,
      end: segment.start + w.end,
      startMs: w.startMs,
      endMs: w.endMs,
    })),
  }));

  const frames: Uint8Array[] = [];
  const encode = async (run: () => Promise<Uint8Array[]>): Promise<Uint8Array[]> => {
    signal.throwIfAborted(); // the encoder is destroyed once the stream is aborted
    const t = performance.now();
    const out = await run();
    metrics.observeStage('encode', (performance.now() - t) / 1000);
    return out;
  };
  const send = async (encoded: Uint8Array[]): Promise<void> => {
    for (const frame of encoded) {
      frames.push(frame);
      await timeline.push(frame);
    }
    if (encoded.length > 0) await timeline.batch();
  };

  for (let chunk = await job.nextChunk(); chunk; chunk = await job.nextChunk()) {
    timing ??= chunk.timing;
    const pcm = chunk.pcm;
    for (let at = 0; at < pcm.length; at += ENCODE_SLICE_SAMPLES) {
      const slice = pcm.subarray(at, at + ENCODE_SLICE_SAMPLES);
      await send(await encode(() => encoder.encode(slice)));
      // Chunks that are already buffered would otherwise be encoded in one go, all streams' together,
      // without the event loop reading a socket in between: incoming text would wait for all of it.
      await setImmediate();
    }
  }
  const tail = await encode(() => encoder.flush());
  for (const frame of tail) {
    frames.push(frame);
    await timeline.push(frame);
  }
  const sent = await timeline.end();
  await timeline.batch();

  if (job.samples > 0) metrics.realTimeFactor.observe(job.synthSeconds / (job.samples / target.sampleRate));
  if (sent > 0 && job.key !== undefined && cache !== undefined && !signal.aborted) {
    const words: CachedWord[] = (timing?.words ?? []).map((w) => ({
      word: w.word,
      startMs: w.startMs,
      endMs: w.endMs,
    }));
    const durationMs = timing?.durationMs ?? frames.length * FRAME_MS;
    // Best effort: set() reports its own failures and nothing waits for it.
    cache.set(job.key, { frames, words, durationMs }).catch(() => undefined);
  }
  return { cached: false, frames: sent };
}

/**
 * One sentence of a stream on its way to audio: front end, cache lookup, then the synthesizer's
 * chunks buffered until the stream's output loop takes them. Jobs run ahead of the output (the
 * look-ahead), but each pulls its synthesizer only while the output gate is open, so a paused client
 * stops synthesis too.
 */
import type { CachedPhrase } from '../cache/types.js';
import { phraseCacheKey } from '../cache/key.js';
import type { AudioFormat } from '../audio/format.js';
import { formatKey } from '../audio/format.js';
import type { Segment } from '../text/splitter.js';
import { abortError, type PreparedPhrase, type SynthesisChunk, type Synthesizer } from '../tts/engine.js';
import type { OutputGate, SpeechServices } from './types.js';

export interface JobSettings {
  voice: Synthesizer;
  format: AudioFormat;
  speed: number;
  signal: AbortSignal;
  gate: OutputGate;
  services: SpeechServices;
  /** Passed to the synthesizer's scheduler: live streams go before downloads, tenants take turns. */
  live: boolean;
  tenant: string | undefined;
}

type Status = 'idle' | 'lookup' | 'synthesizing' | 'done' | 'failed';

/**
 * Audio per model token and per character at speed 1, about the 5th percentile over the bench paragraphs
 * (the medians are 66 and 64 ms): a low guess makes a look-ahead sentence look needed a little early, never
 * late.
 */
const ESTIMATE_MS_PER_TOKEN = 55;
const ESTIMATE_MS_PER_CHAR = 50;

export class SentenceJob {
  prepared: PreparedPhrase | undefined;
  readonly createdAt = performance.now();
  /** Length of the sentence's audio, once the acoustic model (or the cache) has told. */
  durationMs: number | undefined;
  key: string | undefined;
  /** Set when the cache had this sentence: no synthesis happens. */
  cached: CachedPhrase | undefined;
  /** Seconds spent waiting on the synthesizer, and the samples it produced: the real-time factor. */
  synthSeconds = 0;
  samples = 0;

  private status: Status = 'idle';
  private neededAt: (() => number) | undefined;
  private error: unknown;
  private readonly chunks: SynthesisChunk[] = [];
  /** The output loop is the only consumer, so one waiter suffices. */
  private wake: (() => void) | undefined;
  private readonly onAbort = (): void => this.notify();

  constructor(
    readonly segment: Segment,
    private readonly settings: JobSettings,
  ) {}

  get started(): boolean {
    return this.status !== 'idle';
  }

  /** The audio's length, or a low estimate of it before it is known. */
  get expectedMs(): number {
    if (this.durationMs !== undefined) return this.durationMs;
    const guess = this.prepared
      ? this.prepared.ids.length * ESTIMATE_MS_PER_TOKEN
      : this.segment.text.length * ESTIMATE_MS_PER_CHAR;
    return guess / this.settings.speed;
  }

  /**
   * Starts the work; idempotent. `neededAt` tells the synthesizer when a listener will need the first audio
   * (later than now for look-ahead sentences). Failures surface in settled()/nextChunk().
   */
  start(neededAt?: () => number): void {
    if (this.status !== 'idle') return;
    this.neededAt = neededAt;
    this.status = 'lookup';
    this.settings.signal.addEventListener('abort', this.onAbort, { once: true });
    this.produce().then(
      () => this.finish('done'),
      (err: unknown) => {
        this.error = err;
        this.finish('failed');
      },
    );
  }

  /** Resolves when it is known whether the sentence comes from the cache. */
  async settled(): Promise<void> {
    this.start();
    for (;;) {
      this.check();
      if (this.status !== 'lookup') return;
      await this.changed();
    }
  }

  /** The next PCM chunk, or undefined once the synthesizer is done. */
  async nextChunk(): Promise<SynthesisChunk | undefined> {
    const signal = this.settings.signal;
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      const chunk = this.chunks.shift();
      if (chunk) return chunk;
      this.check();
      if (this.status === 'done') return undefined;
      await this.changed();
    }
  }

  private async produce(): Promise<void> {
    const { voice, format, speed, signal, gate } = this.settings;
    const { metrics, cache } = this.settings.services;
    const t0 = performance.now();
    const prepared = voice.prepare(this.segment.text);
    metrics.observeStage('frontend', (performance.now() - t0) / 1000);
    this.prepared = prepared;
    const key = phraseCacheKey({
      text: prepared.spoken,
      voiceId: voice.id,
      modelHash: voice.modelHash,
      speed,
      format: formatKey(format),
    });
    this.key = key;
    if (cache !== undefined) {
      this.cached = await cache.get(key, signal);
      if (this.cached) this.durationMs = this.cached.durationMs;
      if (this.cached || signal.aborted) return;
    }
    this.status = 'synthesizing';
    this.notify();

    const onStage = (stage: 'frontend' | 'acoustic' | 'vocoder', seconds: number): void =>
      metrics.observeStage(stage, seconds);
    const neededAt = this.neededAt;
    const { live, tenant } = this.settings;
    const chunks = voice.synthesize(prepared, {
      signal,
      speed,
      onStage,
      live,
      ...(neededAt ? { neededAt } : {}),
      ...(tenant === undefined ? {} : { tenant }),
    });
    const iterator = chunks[Symbol.asyncIterator]();
    let finished = false;
    try {
      for (;;) {
        if (!gate.open) await gate.wait(signal);
        const t = performance.now();
        const next = await iterator.next();
        this.synthSeconds += (performance.now() - t) / 1000;
        if (next.done) {
          finished = true;
          return;
        }
        if (signal.aborted) return;
        this.durationMs ??= next.value.timing?.durationMs;
        this.chunks.push(next.value);
        this.samples += next.value.pcm.length;
        this.notify();
      }
    } finally {
      // Lets the synthesizer release what it holds; not awaited, a stuck one must not block us.
      if (!finished) iterator.return?.().catch(() => undefined);
    }
  }

  private finish(status: 'done' | 'failed'): void {
    this.status = status;
    this.settings.signal.removeEventListener('abort', this.onAbort);
    this.notify();
  }

  private check(): void {
    const signal = this.settings.signal;
    if (signal.aborted) throw abortError(signal);
    if (this.status === 'failed') throw this.error;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

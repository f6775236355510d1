/**
 * One synthesis context of a WebSocket connection: a SpeechStream whose output becomes speechgate.v1
 * messages and binary frames on the connection, plus what belongs to the connection rather than to speech:
 * the per-context text buffer bound, the tenant's character budget, the context lease and the gauges.
 */
import type { AudioFormat } from '../audio/format.js';
import { SpeechgateError } from '../errors.js';
import type { Lease } from '../limits/types.js';
import {
  encodeAudioFrame,
  encodeContextId,
  FLAG_SENTENCE_END,
  FLAG_SENTENCE_START,
} from '../protocol/frame-header.js';
import { FRAME_MS, SpeechStream, type SpeechSink } from '../speech/index.js';
import type { Synthesizer } from '../tts/engine.js';
import type { ContextHost } from './host.js';
import type { Mp3Frame, Mp3Frames } from './mp3-frames.js';

export interface ContextInit {
  id: string;
  voice: Synthesizer;
  format: AudioFormat;
  speed: number;
  lease: Lease;
  host: ContextHost;
  /** Set when the client asked for mp3: `format` is then s16le PCM at the MP3's rate. */
  mp3?: Mp3Frames;
}

export class Context {
  readonly id: string;
  private readonly stream: SpeechStream;
  private released = false;

  constructor(private readonly init: ContextInit) {
    this.id = init.id;
    const { host } = init;
    const { metrics, cache, config } = host.deps;
    this.stream = new SpeechStream({
      voice: init.voice,
      format: init.format,
      speed: init.speed,
      openEncoder: () => host.deps.encoders.open(init.format, init.voice.sampleRate),
      gate: host.gate,
      services: { cache: config.cache.maxBytes > 0 ? cache : undefined, metrics },
      tuning: { ...host.tuning, live: true },
      sink: this.sink(encodeContextId(init.id)),
      tenant: host.tenant,
    });
    metrics.activeContexts.inc();
  }

  /** Appends text. Throws SpeechgateError (buffer full, rate limit, ended context); the text is then dropped. */
  async text(text: string, receivedAt: number): Promise<void> {
    this.requireOpen('text');
    if (text.length === 0) return;
    const { limits, config } = this.init.host.deps;
    const max = config.limits.maxTextBufferChars;
    if (text.length > max) {
      throw new SpeechgateError(
        'message_too_large',
        `a context buffers at most ${max} characters; send less at once`,
      );
    }
    if (this.stream.pendingChars + text.length > max) {
      throw new SpeechgateError('rate_limited', `over ${max} characters of this context are not spoken yet`, {
        retryAfterSeconds: 1,
      });
    }
    await limits.consumeChars(this.init.host.tenant, text.length);
    if (!this.stream.accepting) return; // cancelled while the limiter answered
    this.stream.push(text, receivedAt);
  }

  /** Speaks everything buffered now; `flushed` follows once its audio has been sent. */
  flush(): void {
    this.requireOpen('flush');
    this.stream.flush();
  }

  /** No more text: speak the rest, then `done`. */
  end(): void {
    this.requireOpen('end');
    this.stream.end();
  }

  /** Barge-in: stops synthesis and sending at once and drops everything queued. */
  cancel(): void {
    if (this.released) return;
    this.release();
    this.init.host.sendMessage({ type: 'cancelled', context_id: this.id });
  }

  /** The connection is gone: release everything without a word to the client. */
  close(): void {
    this.release();
  }

  private requireOpen(what: string): void {
    if (!this.stream.accepting) throw new SpeechgateError('bad_request', `${what} after end of this context`);
  }

  private sink(idBytes: Uint8Array): SpeechSink {
    const { host, id, mp3 } = this.init;
    const context_id = id;
    const sendAll = (frames: Mp3Frame[]): void => {
      for (const f of frames) host.sendFrame(encodeAudioFrame(idBytes, f.sequence, f.flags, f.payload));
    };
    return {
      sentence: (s) =>
        host.sendMessage({
          type: 'sentence',
          context_id,
          index: s.index,
          start: s.start,
          end: s.end,
          audio_start_ms: s.audioStartMs,
          duration_ms: s.durationMs,
          cached: s.cached,
          words: s.words.map((w) => ({
            word: w.word,
            start: w.start,
            end: w.end,
            start_ms: w.startMs,
            end_ms: w.endMs,
          })),
        }),
      frame: (f) => {
        const flags = (f.sentenceStart ? FLAG_SENTENCE_START : 0) | (f.sentenceEnd ? FLAG_SENTENCE_END : 0);
        if (mp3) sendAll(mp3.frame(f.sequence, flags, f.payload, f.sentenceEnd));
        else host.sendFrame(encodeAudioFrame(idBytes, f.sequence, flags, f.payload));
      },
      sentenceDone: (s) => {
        if (s.frames === 0) return;
        host.deps.metrics.recordSynthesis(host.tenant, {
          characters: s.characters,
          audioSeconds: (s.frames * FRAME_MS) / 1000,
        });
      },
      flushed: () => {
        if (mp3) sendAll(mp3.flushed());
        host.sendMessage({ type: 'flushed', context_id });
      },
      done: (summary) => {
        if (mp3) sendAll(mp3.done());
        host.sendMessage({
          type: 'done',
          context_id,
          time_to_first_audio_ms: summary.timeToFirstAudioMs,
          audio_ms: summary.audioMs,
          characters: summary.characters,
          sentences: summary.sentences,
          cache_hits: summary.cacheHits,
          frames: summary.frames,
        });
        this.release();
      },
      failed: (error) => {
        this.release();
        host.reportError(error, id);
      },
    };
  }

  /** The one exit for done, cancel, failure and connection close: stream, lease, gauge, session entry. */
  private release(): void {
    if (this.released) return;
    this.released = true;
    this.stream.close();
    void this.init.lease.release();
    this.init.host.deps.metrics.activeContexts.dec();
    this.init.host.contextEnded(this.id);
  }
}

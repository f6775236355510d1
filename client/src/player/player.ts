/**
 * Browser playback of a context: frames are decoded (WebCodecs Opus, or PCM/G.711 in JavaScript),
 * placed on the context's timeline (gaps filled with silence, overlaps trimmed) and streamed into an
 * AudioWorklet jitter buffer. The worklet's consumed-sample count is the playback position, which an
 * app maps to words with `ctx.wordAt(ms)`.
 */
import type { Context } from '../context.js';
import { Emitter } from '../emitter.js';
import { SpeechgateError } from '../errors.js';
import type { AudioFormat } from '../types.js';
import {
  canDecodeOpus,
  createFrameDecoder,
  outputRate,
  type DecodedAudio,
  type FrameDecoder,
} from './decoder.js';
import { resampleLinear } from './pcm.js';
import { PROCESSOR_NAME, workletBlobUrl } from './worklet.js';

export interface PlayerOptions {
  /** Audio buffered before playback starts, or resumes after an underrun (default 80 ms). */
  jitterMs?: number;
  /** URL of the worklet module (see workletSource()); a Blob URL is used when omitted. */
  workletUrl?: string;
}

export interface PlayerEventMap {
  /** Playback position on the context's timeline, about every 20 ms while playing. */
  position: { contextId: string; ms: number; bufferedMs: number };
  /** First audible sample handed to the worklet; `ms` is the time since the context's first sendText. */
  firstaudio: { contextId: string; ms: number };
  /** Everything the context produced has been played. */
  ended: { contextId: string; playedMs: number };
  error: SpeechgateError;
}

export interface PlayerStats {
  contextId: string | undefined;
  sampleRate: number;
  /** Audio decoded and handed to the worklet, including silence that filled gaps. */
  decodedMs: number;
  playedMs: number;
  bufferedMs: number;
  underruns: number;
  firstAudioMs: number | undefined;
}

/** Absolute sample values below this count as silence when looking for the first audio. */
const SILENCE = 1 / 1024;

interface Session {
  ctx: Context;
  gen: number;
  decoder: FrameDecoder | undefined;
  written: number;
  offs: (() => void)[];
}

export class SpeechgatePlayer extends Emitter<PlayerEventMap> {
  private audio: { context: AudioContext; node: AudioWorkletNode } | undefined;
  private preparing: Promise<void> | undefined;
  private queued: { message: object; transfer: Transferable[] }[] = [];
  private session: Session | undefined;
  private gen = 0;
  private rate = 0;
  private readonly counters = {
    played: 0,
    buffered: 0,
    underruns: 0,
    firstAudioMs: undefined as number | undefined,
  };

  constructor(private readonly options: PlayerOptions = {}) {
    super();
  }

  /** The format to ask the gateway for: Opus 48 kHz where WebCodecs decodes it, else 24 kHz PCM (Safari). */
  static async pickFormat(): Promise<AudioFormat> {
    return (await canDecodeOpus(48000))
      ? { encoding: 'opus', sampleRate: 48000 }
      : { encoding: 'pcm_s16le', sampleRate: 24000 };
  }

  /** The output rate of the AudioContext (being) prepared; 0 before the first prepare(). */
  get sampleRate(): number {
    return this.rate;
  }

  /**
   * Creates (or reuses) the AudioContext and worklet for `format`. Call it from a click handler:
   * browsers only let audio start after a user gesture.
   */
  prepare(format: AudioFormat): Promise<void> {
    const rate = outputRate(format);
    if (this.rate === rate) return this.preparing ?? this.audio?.context.resume() ?? Promise.resolve();
    this.rate = rate;
    const previous = this.audio;
    this.audio = undefined;
    // Created synchronously, while the user gesture that called us is still active.
    const context = new AudioContext({ sampleRate: rate, latencyHint: 'interactive' });
    const resumed = context.resume();
    const preparing = (async () => {
      await previous?.context.close();
      const url = this.options.workletUrl ?? workletBlobUrl();
      try {
        await context.audioWorklet.addModule(url);
      } finally {
        if (url.startsWith('blob:')) URL.revokeObjectURL(url);
      }
      const node = new AudioWorkletNode(context, PROCESSOR_NAME, {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: { gen: this.gen, targetSamples: this.targetSamples(rate) },
      });
      node.port.onmessage = (e: MessageEvent<WorkletReport>) => this.report(e.data);
      node.connect(context.destination);
      await resumed;
      if (this.rate !== rate) {
        await context.close(); // superseded by a prepare() for another rate
        return;
      }
      this.audio = { context, node };
      for (const { message, transfer } of this.queued) node.port.postMessage(message, transfer);
      this.queued = [];
    })();
    this.preparing = preparing;
    return preparing.finally(() => {
      if (this.preparing === preparing) this.preparing = undefined;
    });
  }

  /** Plays a context's audio as it arrives; whatever was playing stops. */
  play(ctx: Context): void {
    this.stop();
    const gen = this.gen;
    const session: Session = { ctx, gen, decoder: undefined, written: 0, offs: [] };
    this.session = session;
    Object.assign(this.counters, { played: 0, buffered: 0, underruns: 0, firstAudioMs: undefined });
    const fail = (err: SpeechgateError): void => this.emit('error', err);
    const ensureDecoder = (): FrameDecoder | undefined => {
      if (session.decoder || !ctx.format) return session.decoder;
      if (this.sampleRate !== outputRate(ctx.format))
        this.prepare(ctx.format).catch((e: unknown) => fail(asError(e)));
      session.decoder = createFrameDecoder(ctx.format, (a) => this.decoded(session, a), fail);
      return session.decoder;
    };
    this.post({
      type: 'reset',
      gen,
      targetSamples: this.targetSamples(outputRate(ctx.format ?? { encoding: 'opus', sampleRate: 48000 })),
    });
    session.offs.push(
      ctx.on('audio', (frame) => ensureDecoder()?.decode(frame)),
      ctx.on('done', () => {
        const flushed = session.decoder?.flush() ?? Promise.resolve();
        flushed.then(
          () => gen === this.gen && this.post({ type: 'end', gen }),
          (e: unknown) => fail(asError(e)),
        );
      }),
      ctx.on('cancelled', () => this.stop()),
      ctx.on('error', (err) => {
        fail(err); // play out what did arrive
        if (gen === this.gen) this.post({ type: 'end', gen });
      }),
    );
  }

  /** Silence at once (the worklet's buffer is dropped) and cancel the context being played. */
  stop(): void {
    const session = this.session;
    this.session = undefined;
    this.gen++;
    this.post({ type: 'stop', gen: this.gen });
    if (!session) return;
    session.offs.forEach((off) => off());
    session.decoder?.close();
    session.ctx.cancel();
  }

  get stats(): PlayerStats {
    const rate = this.sampleRate || 48000;
    const ms = (samples: number): number => (samples / rate) * 1000;
    return {
      contextId: this.session?.ctx.id,
      sampleRate: this.sampleRate,
      decodedMs: ms(this.session?.written ?? 0),
      playedMs: ms(this.counters.played),
      bufferedMs: ms(this.counters.buffered),
      underruns: this.counters.underruns,
      firstAudioMs: this.counters.firstAudioMs,
    };
  }

  async close(): Promise<void> {
    this.stop();
    const audio = this.audio;
    this.audio = undefined;
    this.rate = 0;
    this.queued = [];
    await audio?.context.close();
  }

  private targetSamples(rate: number): number {
    return Math.round(((this.options.jitterMs ?? 80) * rate) / 1000);
  }

  private decoded(session: Session, audio: DecodedAudio): void {
    if (session.gen !== this.gen) return;
    const rate = this.sampleRate || audio.sampleRate;
    let samples = resampleLinear(audio.samples, audio.sampleRate, rate);
    const start = Math.round((audio.startMs * rate) / 1000);
    if (start > session.written) this.push(session, new Float32Array(start - session.written));
    else if (start < session.written) samples = samples.slice(session.written - start);
    if (samples.length === 0) return;
    if (this.counters.firstAudioMs === undefined && samples.some((x) => Math.abs(x) > SILENCE)) {
      const since = session.ctx.firstTextAt;
      this.counters.firstAudioMs = since === undefined ? 0 : performance.now() - since;
      this.emit('firstaudio', { contextId: session.ctx.id, ms: this.counters.firstAudioMs });
    }
    this.push(session, samples);
  }

  private push(session: Session, samples: Float32Array): void {
    session.written += samples.length;
    const own =
      samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength
        ? samples
        : samples.slice();
    this.post({ type: 'push', gen: session.gen, samples: own }, [own.buffer]);
  }

  private post(message: object, transfer: Transferable[] = []): void {
    if (this.audio) this.audio.node.port.postMessage(message, transfer);
    else this.queued.push({ message, transfer });
  }

  private report(m: WorkletReport): void {
    const session = this.session;
    if (!session || m.gen !== this.gen) return;
    const rate = this.sampleRate;
    Object.assign(this.counters, { played: m.played, buffered: m.buffered, underruns: m.underruns });
    const ms = (m.played / rate) * 1000;
    if (m.type === 'position')
      this.emit('position', { contextId: session.ctx.id, ms, bufferedMs: (m.buffered / rate) * 1000 });
    else this.emit('ended', { contextId: session.ctx.id, playedMs: ms });
  }
}

interface WorkletReport {
  type: 'position' | 'drained';
  gen: number;
  played: number;
  buffered: number;
  underruns: number;
}

function asError(e: unknown): SpeechgateError {
  return e instanceof SpeechgateError ? e : new SpeechgateError('internal', String(e), { cause: e });
}

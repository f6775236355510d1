/**
 * speechgate as a LiveKit Agents TTS. `stream()` sends text to one speechgate context as it arrives (LLM
 * tokens; speechgate splits sentences itself) and yields 20 ms AudioFrames of 16-bit PCM as they are made,
 * with the words of each sentence (timed on the segment's audio) attached as timed transcripts.
 * `synthesize()` does the same for one finished text. One WebSocket per TTS instance, shared by its streams.
 */
import { APIConnectionError, createTimedString, tts, type APIConnectOptions } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import {
  SpeechgateClient,
  SpeechgateError,
  type Context,
  type ContextEvent,
  type WebSocketConstructor,
  type WordTiming,
} from '@speechgate/client';
import { WebSocket } from 'ws';

export interface SpeechgateTTSOptions {
  /** ws(s)://HOST/v1/stream */
  url: string;
  /** A JWT with scope tts, or a function that returns a fresh one on every (re)connect. */
  token: string | (() => string | Promise<string>);
  voice?: string;
  /** Output rate of the PCM frames (default 24000; also 8000, 16000, 22050, 48000). */
  sampleRate?: number;
  /** Speaking rate, 1 = normal. */
  speed?: number;
  /** A client to share (default: one is created and closed with this TTS). */
  client?: SpeechgateClient;
}

type SynthesizedAudio = tts.SynthesizedAudio;

export class TTS extends tts.TTS {
  label = 'speechgate.TTS';
  readonly #client: SpeechgateClient;
  readonly #ownsClient: boolean;
  readonly #options: SpeechgateTTSOptions;

  constructor(options: SpeechgateTTSOptions) {
    super(options.sampleRate ?? 24000, 1, { streaming: true, alignedTranscript: true });
    this.#options = options;
    this.#ownsClient = options.client === undefined;
    this.#client =
      options.client ??
      new SpeechgateClient({
        url: options.url,
        token: options.token,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      });
    // The first connection's failure surfaces on the first stream instead.
    this.#client.ready.catch(() => undefined);
  }

  override get model(): string {
    return this.#options.voice ?? 'default';
  }

  override get provider(): string {
    return 'speechgate';
  }

  /** A new speechgate context for one segment of speech. */
  openContext(): Context {
    return this.#client.context({
      voice: this.#options.voice,
      format: { encoding: 'pcm_s16le', sampleRate: this.sampleRate },
      speed: this.#options.speed,
    });
  }

  synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): ChunkedStream {
    return new ChunkedStream(this, text, connOptions, abortSignal);
  }

  stream(options?: { connOptions?: APIConnectOptions }): SynthesizeStream {
    return new SynthesizeStream(this, options?.connOptions);
  }

  override async close(): Promise<void> {
    if (this.#ownsClient) this.#client.close();
    await super.close();
  }
}

/** speechgate errors as agents-js errors: retryable ones are retried by the framework. */
function apiError(err: unknown): unknown {
  if (!(err instanceof SpeechgateError)) return err;
  return new APIConnectionError({
    message: `speechgate ${err.code}: ${err.message}`,
    options: { retryable: err.retryable },
  });
}

/**
 * Forwards one context's audio as SynthesizedAudio: the last frame is marked final, a sentence's first frame
 * carries its words (times in seconds from the segment's start).
 */
async function forward(
  segmentId: string,
  events: AsyncIterable<ContextEvent>,
  sampleRate: number,
  requestId: string,
  put: (audio: SynthesizedAudio) => void,
): Promise<void> {
  let pending: SynthesizedAudio | undefined;
  let words: WordTiming[] = [];
  for await (const ev of events) {
    if (ev.type === 'sentence') {
      words = ev.words;
    } else if (ev.type === 'audio') {
      if (pending) put(pending);
      const pcm = new Int16Array(ev.payload.slice().buffer);
      pending = {
        requestId,
        segmentId,
        frame: new AudioFrame(pcm, sampleRate, 1, pcm.length),
        final: false,
      };
      if (words.length > 0) {
        pending.timedTranscripts = words.map((w) =>
          createTimedString({ text: `${w.word} `, startTime: w.startMs / 1000, endTime: w.endMs / 1000 }),
        );
        pending.deltaText = words.map((w) => w.word).join(' ');
        words = [];
      }
    }
  }
  if (pending) put({ ...pending, final: true });
}

export class ChunkedStream extends tts.ChunkedStream {
  label = 'speechgate.ChunkedStream';
  readonly #tts: TTS;

  constructor(ttsInstance: TTS, text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal) {
    super(text, ttsInstance, connOptions, abortSignal);
    this.#tts = ttsInstance;
  }

  protected async run(): Promise<void> {
    const ctx = this.#tts.openContext();
    const cancel = (): void => ctx.cancel();
    this.abortSignal.addEventListener('abort', cancel, { once: true });
    try {
      const events = ctx.events(); // subscribed before any text goes out: nothing is missed
      ctx.sendText(this.inputText);
      void ctx.end().catch(() => undefined);
      await forward(ctx.id, events, this.#tts.sampleRate, ctx.id, (a) => this.queue.put(a));
    } catch (err) {
      throw apiError(err);
    } finally {
      this.abortSignal.removeEventListener('abort', cancel);
    }
  }
}

export class SynthesizeStream extends tts.SynthesizeStream {
  label = 'speechgate.SynthesizeStream';
  readonly #tts: TTS;

  constructor(ttsInstance: TTS, connOptions?: APIConnectOptions) {
    super(ttsInstance, connOptions);
    this.#tts = ttsInstance;
  }

  /**
   * Text between flushes is one speechgate context (one segment). Segments are forwarded in order: a
   * segment's audio waits for the previous segment's to be out (its context buffers meanwhile).
   */
  protected async run(): Promise<void> {
    const requestId = `sg-${Date.now().toString(36)}`;
    let current: { ctx: Context; events: AsyncIterableIterator<ContextEvent> } | undefined;
    let delivered: Promise<void> = Promise.resolve();
    const open = new Set<Context>();
    const cancelAll = (): void => open.forEach((c) => c.cancel());
    this.abortSignal.addEventListener('abort', cancelAll, { once: true });
    const finish = ({ ctx, events }: { ctx: Context; events: AsyncIterableIterator<ContextEvent> }): void => {
      void ctx.end().catch(() => undefined);
      // Each segment's audio follows the previous segment's; its events buffer until then.
      delivered = delivered
        .then(() => forward(ctx.id, events, this.#tts.sampleRate, requestId, (a) => this.queue.put(a)))
        .finally(() => open.delete(ctx));
    };
    try {
      for await (const data of this.input) {
        if (this.abortSignal.aborted) break;
        if (data === tts.SynthesizeStream.FLUSH_SENTINEL) {
          if (current) finish(current);
          current = undefined;
          continue;
        }
        if (!current) {
          const ctx = this.#tts.openContext();
          current = { ctx, events: ctx.events() };
          open.add(ctx);
          this.markStarted();
        }
        current.ctx.sendText(data);
      }
      if (current) finish(current);
      await delivered;
      this.queue.put(tts.SynthesizeStream.END_OF_STREAM);
    } catch (err) {
      throw apiError(err);
    } finally {
      this.abortSignal.removeEventListener('abort', cancelAll);
    }
  }
}

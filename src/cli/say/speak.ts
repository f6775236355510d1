/**
 * One `say` run over the client library: connect, open a context, send the text (stdin chunk by chunk
 * as it is read) while frames are written to the file as they arrive, then finish the file.
 */
import { addAbortSignal, type Readable } from 'node:stream';
import { WebSocket } from 'ws';
import { SpeechgateClient, type Context, type ContextEvent, type DoneEvent } from '@speechgate/client';
import type { AudioFormat } from '../../audio/format.js';
import { AudioFile } from './audio-file.js';
import { createContainer } from './containers.js';
import type { SayOptions } from './options.js';
import { openOutput } from './output.js';
import { maxPieceChars, TextFeed } from './text-feed.js';

/** Text sent ahead of the audio; with one piece (4000) it stays under the gateway's default 20 000. */
const WINDOW_CHARS = 8000;

export interface SpeakIO {
  stdin: Readable;
  stdout: NodeJS.WritableStream;
  /** Aborting stops the run early (Ctrl-C): the audio received so far is kept, as a complete file. */
  signal: AbortSignal;
}

export interface SpeakResult {
  /** The gateway's report; undefined when the run was interrupted. */
  done: DoneEvent | undefined;
  format: AudioFormat;
  voice: string;
  /** Client-side: first text sent to first frame received. */
  firstAudioMs: number | undefined;
  /** Bytes in the output; 0 if it was never opened. */
  bytes: number;
}

export async function speak(options: SayOptions, io: SpeakIO): Promise<SpeakResult> {
  const client = new SpeechgateClient({
    url: options.url,
    token: options.token,
    WebSocket,
    reconnect: false,
  });
  const closeClient = (): void => client.close();
  io.signal.addEventListener('abort', closeClient, { once: true }); // until a context takes over
  try {
    let info;
    try {
      info = await client.ready;
    } catch (err) {
      if (io.signal.aborted)
        return { done: undefined, format: options.format, voice: '', firstAudioMs: undefined, bytes: 0 };
      throw err;
    }
    io.signal.removeEventListener('abort', closeClient);
    const voice = options.voice ?? info.defaultVoice;
    const voiceRate = info.voices.find((v) => v.id === voice)?.sampleRate ?? options.format.sampleRate;
    const file = new AudioFile(createContainer(options.container, options.format, voiceRate), () =>
      openOutput(options.output, io.stdout),
    );
    const ctx = client.context({ voice: options.voice, format: options.format, speed: options.speed });
    const events = ctx.events(); // before any text: no event can be missed
    const feed = new TextFeed(ctx, {
      maxPieceChars: maxPieceChars(info.limits.maxMessageBytes),
      windowChars: WINDOW_CHARS,
    });
    let done: DoneEvent | undefined;
    try {
      done = await run(ctx, feed, events, file, options.text ?? io.stdin, io.signal);
    } catch (err) {
      if (file.started) await file.finish().catch(() => undefined); // keep what arrived, playable
      throw err;
    } finally {
      feed.dispose();
    }
    const interrupted = done === undefined;
    const bytes = interrupted && !file.started ? 0 : await file.finish();
    const firstAudioMs =
      ctx.firstFrameAt !== undefined && ctx.firstTextAt !== undefined
        ? ctx.firstFrameAt - ctx.firstTextAt
        : undefined;
    // The gateway answers with the encoding asked for (never mp3 here), its rate defaulted.
    const format = (ctx.format as AudioFormat | undefined) ?? options.format;
    return { done, format, voice, firstAudioMs, bytes };
  } finally {
    io.signal.removeEventListener('abort', closeClient);
    client.close();
  }
}

/** Input and output side by side; whichever fails first cancels the context and stops the other. */
async function run(
  ctx: Context,
  feed: TextFeed,
  events: AsyncIterableIterator<ContextEvent>,
  file: AudioFile,
  source: string | Readable,
  signal: AbortSignal,
): Promise<DoneEvent | undefined> {
  const stopInput = new AbortController();
  const cancel = (): void => {
    stopInput.abort();
    ctx.cancel();
  };
  signal.addEventListener('abort', cancel, { once: true });
  const input = sendInput(ctx, feed, source, stopInput.signal).catch((err: unknown) => {
    cancel();
    throw err;
  });
  try {
    const done = await receive(events, file);
    await input;
    return done;
  } catch (err) {
    cancel();
    await input.catch(() => undefined);
    throw err;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

async function sendInput(
  ctx: Context,
  feed: TextFeed,
  source: string | Readable,
  signal: AbortSignal,
): Promise<void> {
  if (typeof source === 'string') {
    if (await feed.send(source, signal)) void ctx.end();
    return;
  }
  source.setEncoding('utf8'); // multi-byte characters split across reads are joined again
  addAbortSignal(signal, source);
  try {
    for await (const chunk of source) {
      if (!(await feed.send(chunk as string, signal))) return;
    }
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  }
  if (ctx.state === 'open' && !signal.aborted) void ctx.end();
}

/** Writes frames until `done` (returned) or cancellation (undefined); a refused message is fatal here. */
async function receive(
  events: AsyncIterableIterator<ContextEvent>,
  file: AudioFile,
): Promise<DoneEvent | undefined> {
  for await (const ev of events) {
    if (ev.type === 'audio') await file.frame(ev.payload, ev.sentenceEnd);
    // Refused text is not spoken: the file would silently miss it.
    else if (ev.type === 'refused') throw ev.error;
    else if (ev.type === 'done') return ev;
  }
  return undefined;
}

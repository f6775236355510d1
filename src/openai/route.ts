/**
 * POST /v1/audio/speech: OpenAI-compatible one-shot synthesis whose response streams while the audio
 * is being made. Auth (scope tts:speech), a context slot and the character budget are taken before any
 * work; errors before the first audio byte are JSON, later ones cut the connection.
 */
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { AuthError, extractToken, SCOPE_SPEECH, type Principal, type TokenVerifier } from '../auth/index.js';
import { SpeechgateError, toSpeechgateError } from '../errors.js';
import { logFailure } from '../log.js';
import type { AudioContainer } from '../audio/container/index.js';
import type { FrameEncoder } from '../audio/frame-encoder.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { readBody } from '../server/body.js';
import { HttpExchange } from '../server/http.js';
import { admitNewStream, FRAME_MS, OPEN_GATE, SpeechStream, type SpeechSink } from '../speech/index.js';
import { abortError, type Synthesizer } from '../tts/engine.js';
import { concatBytes } from '../util/concat.js';
import { responseFormat } from './formats.js';
import { voiceCatalog } from './voices.js';
import { parseSpeechRequest, type SpeechRequest } from './request.js';
import { bodyWriter, type BodyMode, type BodyWriter } from './response-body.js';
import { corsHeaders } from '../server/cors.js';

/** The whole input is pushed at once and ended at once: the stall timer never fires. */
const DOWNLOAD_STALL_MS = 1000;

export const SPEECH_ROUTE = '/v1/audio/speech';

export interface SpeechContext {
  deps: GatewayDeps;
  verifier: TokenVerifier;
  maxBodyBytes: number;
  /** How long a write may wait for a client that reads nothing (default DEFAULT_WRITE_TIMEOUT_MS). */
  writeTimeoutMs?: number;
  shuttingDown(): boolean;
  /** Registers a response in progress, so shutdown can wait for it or cut it. */
  track(exchange: HttpExchange, done: Promise<void>): void;
}

/** The uWS route handler. Everything needed from `req` is read before the first await. */
export function handleSpeech(res: HttpResponse, req: HttpRequest, ctx: SpeechContext): void {
  const authorization = req.getHeader('authorization');
  const contentLength = req.getHeader('content-length');
  const origin = req.getHeader('origin');
  const exchange = new HttpExchange(res, ctx.writeTimeoutMs);
  exchange.extraHeaders = corsHeaders(ctx.deps.config.http.corsOrigins, origin);
  const body = readBody(res, contentLength, ctx.maxBodyBytes, exchange.signal);
  body.catch(() => undefined); // awaited below, or abandoned when auth fails first
  const done = serveSpeech(exchange, authorization, body, ctx);
  ctx.track(exchange, done);
}

async function serveSpeech(
  exchange: HttpExchange,
  authorization: string,
  body: Promise<Buffer>,
  ctx: SpeechContext,
): Promise<void> {
  const { metrics, logger } = ctx.deps;
  let status = 200;
  let tenant: string | undefined;
  try {
    if (ctx.shuttingDown()) throw new SpeechgateError('shutting_down', 'server is shutting down');
    const principal = await authenticate(authorization, ctx);
    tenant = principal.tenant;
    const request = parseSpeechRequest(await body, voiceCatalog(ctx.deps));
    await synthesizeResponse(exchange, principal, request, ctx);
  } catch (err) {
    const aborted = exchange.aborted;
    // A body that was too large is still arriving: answer and close rather than read it all.
    const tooLarge = err instanceof SpeechgateError && err.code === 'message_too_large';
    const error = exchange.sendError(err, tooLarge);
    status = aborted ? 499 : error.httpStatus;
    if (!aborted) metrics.errors.inc({ code: error.code });
    if (error instanceof AuthError) metrics.authFailures.inc({ reason: error.reason });
    if (!aborted) logFailure(logger, error, 'speech request failed', { route: SPEECH_ROUTE, tenant });
  } finally {
    metrics.httpRequests.inc({ route: SPEECH_ROUTE, status: String(status) });
  }
}

async function authenticate(authorization: string, ctx: SpeechContext): Promise<Principal> {
  const found = extractToken({ authorization });
  if (found === undefined) throw new AuthError('missing');
  return ctx.verifier.verify(found.token, SCOPE_SPEECH);
}

/**
 * WAV and FLAC inputs up to this many characters (some 20 s of speech, under 1 MB of WAV) are sent whole,
 * with the real sizes in the header and a Content-Length: every reader then gets the duration right.
 * Longer ones stream with "unknown length" headers (see docs/HTTP.md).
 */
export const WHOLE_FILE_MAX_CHARS = 300;

function bodyMode(request: SpeechRequest): BodyMode {
  if (request.streamFormat === 'sse') return 'sse';
  const sized = request.responseFormat === 'wav' || request.responseFormat === 'flac';
  return sized && request.input.length <= WHOLE_FILE_MAX_CHARS ? 'whole' : 'stream';
}

async function synthesizeResponse(
  exchange: HttpExchange,
  principal: Principal,
  request: SpeechRequest,
  ctx: SpeechContext,
): Promise<void> {
  const { limits, metrics, voices, logger } = ctx.deps;
  const voice = voices.get(request.voice);
  admitNewStream(voice);
  const lease = await limits.acquireContext(principal.tenant);
  let encoder: FrameEncoder | undefined;
  try {
    await limits.consumeChars(principal.tenant, request.input.length);
    const format = responseFormat(request.responseFormat);
    encoder = await ctx.deps.encoders.open(format.encoderFormat, voice.sampleRate);
    const container = await format.container(encoder.preSkip, voice.sampleRate);
    const mode = bodyMode(request);
    // Made before any frame (Ogg needs its head first), sent with the first audio.
    const writer = bodyWriter(
      mode,
      exchange,
      { 'Content-Type': format.contentType, 'Cache-Control': 'no-store', 'X-Speechgate-Voice': voice.id },
      container.header(),
    );
    const frames = await speakInto(
      exchange,
      request,
      principal.tenant,
      voice,
      encoder,
      container,
      writer,
      ctx,
    );
    const characters = request.input.length;
    await writer.finish(container.trailer(), container.finalHeader(), {
      input_tokens: characters,
      output_tokens: frames,
      total_tokens: characters + frames,
    });
    const audioSeconds = (frames * FRAME_MS) / 1000;
    metrics.recordSynthesis(principal.tenant, { characters, audioSeconds });
    logger.info(
      {
        route: SPEECH_ROUTE,
        tenant: principal.tenant,
        voice: voice.id,
        format: request.responseFormat,
        body: mode,
        characters,
        audioSeconds,
      },
      'speech request served',
    );
  } finally {
    encoder?.destroy(); // the stream destroys it too; destroy() is idempotent
    await lease.release();
  }
}

/** Runs the whole input through a speech stream into the response; resolves with the frame count. */
function speakInto(
  exchange: HttpExchange,
  request: SpeechRequest,
  tenant: string,
  voice: Synthesizer,
  encoder: FrameEncoder,
  container: AudioContainer,
  writer: BodyWriter,
  ctx: SpeechContext,
): Promise<number> {
  const { metrics, cache, config } = ctx.deps;
  let pending: Uint8Array[] = [];
  return new Promise<number>((resolve, reject) => {
    const sink: SpeechSink = {
      sentence: () => undefined,
      frame: (frame) => void pending.push(container.frame(frame.payload)),
      // One write per encoded batch: the first audio leaves early, and a slow reader slows synthesis.
      batch: async () => {
        pending.push(container.flush());
        const bytes = concatBytes(pending);
        pending = [];
        await writer.chunk(bytes);
      },
      flushed: () => undefined,
      done: (summary) =>
        settle(() => {
          // Frames after the last batch (none today) are not lost.
          const rest = concatBytes(pending);
          pending = [];
          writer.chunk(rest).then(() => resolve(summary.frames), reject);
        }),
      failed: (error) => settle(() => reject(toSpeechgateError(error))),
    };
    const stream = new SpeechStream({
      voice,
      format: encoder.format,
      speed: request.speed,
      openEncoder: () => Promise.resolve(encoder),
      gate: OPEN_GATE,
      services: { cache: config.cache.maxBytes > 0 ? cache : undefined, metrics },
      // A download: no deadline to meet, one sentence at a time.
      tuning: { stallMs: DOWNLOAD_STALL_MS, lookahead: 0, live: false },
      sink,
      tenant,
    });
    const signal = exchange.signal;
    const onAbort = (): void => settle(() => reject(abortError(signal)));
    let settled = false;
    function settle(finish: () => void): void {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      stream.close();
      finish();
    }
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.push(request.input);
    stream.end();
  });
}

/**
 * POST /v1/audio/speech: OpenAI-compatible one-shot synthesis whose response streams while the audio
 * is being made. Auth (scope tts:speech), a context slot and the character budget are taken before any
 * work; errors before the first audio byte are JSON, later ones cut the connection.
 */
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { AuthError, extractToken, SCOPE_SPEECH, type Principal, type TokenVerifier } from '../auth/index.js';
import { SpeechgateError } from '../errors.js';
import { logFailure } from '../log.js';
import type { GatewayDeps } from '../session/types.js';
import { readBody } from './body.js';
import { HttpExchange } from './http.js';
import { createSpeechContainer } from './speech-container.js';
import { SpeechAudio } from './speech-audio.js';
import { parseSpeechRequest, type SpeechRequest } from './speech-request.js';

export const SPEECH_ROUTE = '/v1/audio/speech';

export interface SpeechContext {
  deps: GatewayDeps;
  verifier: TokenVerifier;
  maxBodyBytes: number;
  shuttingDown(): boolean;
  /** Registers a response in progress, so shutdown can wait for it or cut it. */
  track(exchange: HttpExchange, done: Promise<void>): void;
}

/** The uWS route handler. Everything needed from `req` is read before the first await. */
export function handleSpeech(res: HttpResponse, req: HttpRequest, ctx: SpeechContext): void {
  const authorization = req.getHeader('authorization');
  const contentLength = req.getHeader('content-length');
  const exchange = new HttpExchange(res);
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
    const request = parseSpeechRequest(await body, {
      ids: ctx.deps.voices.list().map((v) => v.id),
      defaultVoice: ctx.deps.voices.defaultVoice,
    });
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

async function synthesizeResponse(
  exchange: HttpExchange,
  principal: Principal,
  request: SpeechRequest,
  ctx: SpeechContext,
): Promise<void> {
  const { limits, metrics, voices, cache, logger } = ctx.deps;
  const lease = await limits.acquireContext(principal.tenant);
  let audio: SpeechAudio | undefined;
  try {
    await limits.consumeChars(principal.tenant, request.input.length);
    const voice = voices.get(request.voice);
    const container = createSpeechContainer(request.responseFormat);
    const startedAt = performance.now();
    audio = await SpeechAudio.create({
      voice,
      format: container.encoderFormat,
      speed: request.speed,
      cache: ctx.deps.config.cache.maxBytes > 0 ? cache : undefined,
      signal: exchange.signal,
      metrics,
      encoders: ctx.deps.encoders,
    });
    let head: Uint8Array | undefined = container.start(audio.preSkip, voice.sampleRate);
    let frameCount = 0;
    for await (const batch of audio.frames(request.input)) {
      const bytes = container.frames(batch.frames);
      frameCount += batch.frames.length;
      if (bytes.length === 0) continue;
      // Headers go out with the first audio, so a failure before it can still be a JSON error.
      if (head !== undefined) {
        exchange.startStream(200, {
          'Content-Type': container.contentType,
          'Cache-Control': 'no-store',
          'X-Speechgate-Voice': voice.id,
        });
        metrics.timeToFirstAudio.observe((performance.now() - startedAt) / 1000);
        await exchange.write(head);
        head = undefined;
      }
      await exchange.write(bytes);
    }
    if (head !== undefined) {
      // Nothing speakable (e.g. only punctuation): a valid, empty stream.
      exchange.startStream(200, { 'Content-Type': container.contentType, 'Cache-Control': 'no-store' });
      await exchange.write(head);
    }
    await exchange.write(container.end());
    exchange.end();
    const audioSeconds = (frameCount * 20) / 1000;
    metrics.recordSynthesis(principal.tenant, { characters: request.input.length, audioSeconds });
    logger.info(
      {
        route: SPEECH_ROUTE,
        tenant: principal.tenant,
        voice: voice.id,
        format: request.responseFormat,
        characters: request.input.length,
        audioSeconds,
      },
      'speech request served',
    );
  } finally {
    audio?.destroy();
    await lease.release();
  }
}

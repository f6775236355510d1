/**
 * `speechgate say`: text (argument, or stdin streamed as it arrives) to an audio file through a running
 * gateway. Exit status 0 done, 1 the gateway or the connection failed, 2 bad usage, 130 interrupted.
 */
import { SpeechgateError } from '@speechgate/client';
import { parseSayArgs, SAY_HELP, UsageError, type SayOptions } from './say/options.js';
import { speak, type SpeakResult } from './say/speak.js';

const PREFIX = 'speechgate say:';

export async function sayCommand(argv: string[]): Promise<void> {
  let options: SayOptions | 'help';
  try {
    options = parseSayArgs(argv, process.env);
    if (options !== 'help') checkTerminals(options);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${PREFIX} ${err.message}\nRun "speechgate say --help" for usage.\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(`${SAY_HELP}\n`);
    return;
  }

  const interrupt = new AbortController();
  // The first Ctrl-C ends the run cleanly (the file is kept, complete); a second one kills at once.
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await speak(options, {
      stdin: process.stdin,
      stdout: process.stdout,
      signal: interrupt.signal,
    });
    report(options, result);
    if (result.done === undefined) process.exitCode = 130;
  } catch (err) {
    reportError(options, err);
    process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function checkTerminals(options: SayOptions): void {
  if (options.output === '-' && process.stdout.isTTY)
    throw new UsageError('not writing audio to a terminal: redirect stdout or use -o FILE');
  if (options.text === undefined && process.stdin.isTTY)
    throw new UsageError('no text: give it as an argument or pipe it on stdin');
}

function describeFormat(options: SayOptions, result: SpeakResult): string {
  const { encoding, sampleRate } = result.format;
  const khz = `${sampleRate / 1000} kHz`;
  if (options.container === 'ogg') return `Ogg Opus, ${khz}`;
  const name = { pcm_s16le: '16-bit PCM', mulaw: 'mu-law', alaw: 'A-law', opus: 'Opus' }[encoding];
  return `WAV ${name}, ${khz}`;
}

function report(options: SayOptions, result: SpeakResult): void {
  const { done } = result;
  if (options.json) {
    const summary = {
      output: options.output,
      container: options.container,
      encoding: result.format.encoding,
      sampleRate: result.format.sampleRate,
      voice: result.voice,
      interrupted: done === undefined,
      bytes: result.bytes,
      timeToFirstAudioMs: result.firstAudioMs === undefined ? null : Math.round(result.firstAudioMs),
      ...(done && {
        serverTimeToFirstAudioMs: done.timeToFirstAudioMs,
        audioMs: done.audioMs,
        frames: done.frames,
        sentences: done.sentences,
        characters: done.characters,
        cacheHits: done.cacheHits,
      }),
    };
    process.stderr.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  if (options.quiet) return;
  const where = options.output === '-' ? 'stdout' : options.output;
  const first =
    result.firstAudioMs === undefined
      ? 'no audio'
      : `first audio after ${Math.round(result.firstAudioMs)} ms`;
  if (done === undefined) {
    process.stderr.write(`${PREFIX} interrupted; kept what arrived in ${where} (${result.bytes} bytes)\n`);
    return;
  }
  const sentences = `${done.sentences} sentence${done.sentences === 1 ? '' : 's'}`;
  process.stderr.write(
    `${PREFIX} ${where} (${describeFormat(options, result)}): ${(done.audioMs / 1000).toFixed(2)} s of audio, ` +
      `${sentences}, ${first}\n`,
  );
}

function reportError(options: SayOptions, err: unknown): void {
  const code = err instanceof SpeechgateError ? err.code : undefined;
  let message = err instanceof Error ? err.message : String(err);
  if ((code === 'unauthenticated' || code === 'token_expired') && options.token === undefined)
    message += ' (no token given: use --token or SPEECHGATE_TOKEN)';
  if (code === 'connection_failed') message += ` (is a gateway running at ${withoutQuery(options.url)}?)`;
  if (options.json) {
    process.stderr.write(`${JSON.stringify({ error: { code: code ?? 'failed', message } })}\n`);
    return;
  }
  process.stderr.write(`${PREFIX} ${message}${code === undefined ? '' : ` [${code}]`}\n`);
}

/** A URL may carry `?token=`: never print that part. */
function withoutQuery(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

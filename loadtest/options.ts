/** Command line of `npm run bench`; parsing is pure so that it is tested without starting anything. */
import { parseArgs } from 'node:util';
import { DEFAULT_PACE, type TokenPace } from './tokens.js';

export type BenchMode = 'whole' | 'tokens';
export type BenchFormat = 'opus' | 'pcm_s16le' | 'mulaw';
const FORMATS: readonly BenchFormat[] = ['opus', 'pcm_s16le', 'mulaw'];

export interface BenchOptions {
  streams: number[];
  modes: BenchMode[];
  /** Contexts per stream and level; with `durationS` too, whichever ends first. */
  paragraphs: number;
  /** Seconds per level after which no stream starts another context. */
  durationS: number | undefined;
  format: BenchFormat;
  voice: string | undefined;
  pace: TokenPace;
  jitterBufferMs: number;
  contextTimeoutS: number;
  /** Barge-in: cancel each context after this many frames and time the cancel (undefined: off). */
  bargeInFrames: number | undefined;
  seed: number;
  json: string | undefined;
  /** Against a running gateway (ws://…/v1/stream) instead of starting one. */
  url: string | undefined;
  token: string | undefined;
  /** A running gateway's pid, to read its CPU from /proc rather than /metrics. */
  serverPid: number | undefined;
  /** Options of the gateway the bench starts itself. */
  device: string;
  threads: number | undefined;
  cache: boolean;
  gatewayMain: string | undefined;
  help: boolean;
}

/** Paragraph count when neither --paragraphs nor --duration is given. */
export const DEFAULT_PARAGRAPHS = 3;
/** Upper bound on contexts per stream in a --duration run, so every loop ends on its own. */
export const MAX_PARAGRAPHS = 10_000;

export class UsageError extends Error {}

export const USAGE = `usage: npm run bench -- [options]

Opens N concurrent WebSocket streams against a speechgate gateway, speaks paragraphs whole or token by
token at an LLM's pace, and reports time to first audio, real-time factor, frame gaps, underruns of a
simulated real-time player, and the gateway's CPU. Starts its own gateway unless --url is given.

  --streams 1,4,8,16        concurrency levels, run in turn
  --mode both               whole | tokens | both
  --paragraphs 3            contexts per stream and level
  --duration S              seconds per level (no new context after it); with --paragraphs, first wins
  --format opus             opus | pcm_s16le | mulaw
  --voice ID                voice to request (default: the gateway's default)
  --token-rate 30-50        LLM tokens per second (one number, or a range a context draws from)
  --token-jitter 0.5        each token gap varies by up to ± this fraction
  --jitter-buffer 100       ms the simulated player buffers before it starts
  --context-timeout 120     seconds before a context counts as failed and is cancelled
  --barge-in N              cancel every context after its N-th frame; reports cancel → last frame
  --seed 1                  seed of token splitting and pacing
  --json FILE               also write every aggregate and the machine's description as JSON

  own gateway (default):
  --device cpu              SPEECHGATE_DEVICE: cpu | webgpu | cuda
  --threads N               SPEECHGATE_THREADS (default: the gateway's)
  --cache                   keep the phrase cache on (off by default, so repeated text is synthesized)
  --gateway-main PATH       the CLI to run with "serve" (env SPEECHGATE_GATEWAY_MAIN;
                            default dist/src/cli/main.js in the package root)

  running gateway:
  --url ws://HOST:PORT/v1/stream   --token JWT (or env SPEECHGATE_TOKEN)
  --server-pid PID          read its CPU from /proc (default: process_cpu_seconds_total on /metrics)
`;

function positiveInt(name: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be an integer >= ${min}`);
  return value;
}

function nonNegative(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a number >= 0`);
  return value;
}

export function parseStreams(text: string): number[] {
  const levels = text.split(',').map((part) => positiveInt('streams', part.trim()));
  if (levels.length === 0) throw new UsageError('--streams needs at least one level');
  return levels;
}

export function parseTokenRate(text: string): { minRate: number; maxRate: number } {
  const [low, high = low, extra] = text.split('-');
  const minRate = Number(low);
  const maxRate = Number(high);
  if (extra !== undefined || !(minRate > 0) || !(maxRate >= minRate))
    throw new UsageError('--token-rate must be a positive number or a range like 30-50');
  return { minRate, maxRate };
}

function parseModes(text: string): BenchMode[] {
  if (text === 'both') return ['whole', 'tokens'];
  if (text === 'whole' || text === 'tokens') return [text];
  throw new UsageError('--mode must be whole, tokens or both');
}

export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = {}): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        streams: { type: 'string', default: '1,4,8,16' },
        mode: { type: 'string', default: 'both' },
        paragraphs: { type: 'string' },
        duration: { type: 'string' },
        format: { type: 'string', default: 'opus' },
        voice: { type: 'string' },
        'token-rate': { type: 'string', default: `${DEFAULT_PACE.minRate}-${DEFAULT_PACE.maxRate}` },
        'token-jitter': { type: 'string', default: String(DEFAULT_PACE.jitter) },
        'jitter-buffer': { type: 'string', default: '100' },
        'context-timeout': { type: 'string', default: '120' },
        'barge-in': { type: 'string' },
        seed: { type: 'string', default: '1' },
        json: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        'server-pid': { type: 'string' },
        device: { type: 'string', default: 'cpu' },
        threads: { type: 'string' },
        cache: { type: 'boolean', default: false },
        'gateway-main': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }

  const format = values.format as BenchFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const jitter = nonNegative('token-jitter', values['token-jitter']);
  if (jitter >= 1) throw new UsageError('--token-jitter must be below 1');
  const durationS = values.duration === undefined ? undefined : nonNegative('duration', values.duration);
  if (durationS === 0) throw new UsageError('--duration must be above 0');
  const paragraphs =
    values.paragraphs !== undefined
      ? positiveInt('paragraphs', values.paragraphs)
      : durationS !== undefined
        ? MAX_PARAGRAPHS
        : DEFAULT_PARAGRAPHS;
  const token = values.token ?? env.SPEECHGATE_TOKEN;
  if (values.url !== undefined && token === undefined)
    throw new UsageError('--url needs --token (or SPEECHGATE_TOKEN)');
  if (values.url === undefined && (values.token !== undefined || values['server-pid'] !== undefined))
    throw new UsageError('--token and --server-pid go with --url');

  return {
    streams: parseStreams(values.streams),
    modes: parseModes(values.mode),
    paragraphs: Math.min(paragraphs, MAX_PARAGRAPHS),
    durationS,
    format,
    voice: values.voice,
    pace: { ...parseTokenRate(values['token-rate']), jitter },
    jitterBufferMs: nonNegative('jitter-buffer', values['jitter-buffer']),
    contextTimeoutS: positiveInt('context-timeout', values['context-timeout']),
    bargeInFrames: values['barge-in'] === undefined ? undefined : positiveInt('barge-in', values['barge-in']),
    seed: positiveInt('seed', values.seed, 0),
    json: values.json,
    url: values.url === undefined ? undefined : streamUrl(values.url),
    token: values.url === undefined ? undefined : token,
    serverPid:
      values['server-pid'] === undefined ? undefined : positiveInt('server-pid', values['server-pid']),
    device: values.device,
    threads: values.threads === undefined ? undefined : positiveInt('threads', values.threads),
    cache: values.cache,
    gatewayMain: values['gateway-main'] ?? env.SPEECHGATE_GATEWAY_MAIN,
    help: values.help,
  };
}

/** ws(s)://host[:port]/v1/stream from what a user may type (http URL, or no path). */
export function streamUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError('--url is not a valid URL');
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new UsageError('--url must be a ws(s) or http(s) URL');
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/stream';
  url.search = '';
  url.hash = '';
  return url.href;
}

/** The gateway's /metrics URL, next to its stream URL. */
export function metricsUrl(wsUrl: string): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '/metrics';
  return url.href;
}

/**
 * `speechgate say` arguments: where to connect, what to say, and which file format to write. The
 * container follows the output's extension unless `--format` names it; rates and encodings are checked
 * here against the gateway's own format table so a typo fails before any connection is made.
 */
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { SUPPORTED_RATES, type AudioEncoding, type AudioFormat } from '../../audio/format.js';
import { MAX_SPEED, MIN_SPEED } from '../../protocol/parse.js';

export const DEFAULT_URL = 'ws://127.0.0.1:8080/v1/stream';

export type Container = 'ogg' | 'wav';

export interface SayOptions {
  /** The text to speak; undefined means read it from stdin as it arrives. */
  text: string | undefined;
  /** A file path, or '-' for stdout. */
  output: string;
  container: Container;
  format: AudioFormat;
  url: string;
  token: string | undefined;
  voice: string | undefined;
  speed: number | undefined;
  quiet: boolean;
  /** Report the result (or the error) as one JSON line on stderr. */
  json: boolean;
}

/** Bad command line: the CLI exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const SAY_HELP = `usage: speechgate say [TEXT...] -o FILE [options]
       COMMAND | speechgate say -o FILE [options]

Speaks TEXT (or stdin, streamed as it arrives: audio starts before the input ends) through a running
gateway and writes the audio to FILE as it is received.

  -o, --output FILE    .ogg/.opus: Ogg Opus, 48 kHz; .wav: WAV (16-bit PCM, 24 kHz by default);
                       "-" writes to stdout (Ogg unless --format wav)
  --format ogg|wav     the container, when the extension does not say it
  --rate HZ            WAV: 8000, 16000, 22050, 24000 or 48000 (PCM); Ogg: 48000 or 24000
  --encoding ENC       WAV: pcm_s16le (default), mulaw or alaw (G.711, 8 kHz, for telephony)
  --voice ID           a voice of the gateway (default: the gateway's default voice)
  --speed X            speaking rate, ${MIN_SPEED} to ${MAX_SPEED} (default 1)
  --url URL            gateway WebSocket (default $SPEECHGATE_URL or ${DEFAULT_URL})
  --token JWT          access token (default $SPEECHGATE_TOKEN)
  -q, --quiet          no summary on stderr
  --json               the summary (or the error) as one JSON line on stderr
  -h, --help           this help

Exit status: 0 done, 1 the gateway or the connection failed, 2 bad usage, 130 interrupted.`;

const WAV_ENCODINGS: readonly AudioEncoding[] = ['pcm_s16le', 'mulaw', 'alaw'];

function containerOf(output: string, format: string | undefined): Container {
  if (format !== undefined) {
    if (format === 'ogg' || format === 'opus') return 'ogg';
    if (format === 'wav') return 'wav';
    throw new UsageError('--format must be ogg or wav');
  }
  if (output === '-') return 'ogg';
  const ext = extname(output).toLowerCase();
  if (ext === '.ogg' || ext === '.opus') return 'ogg';
  if (ext === '.wav') return 'wav';
  throw new UsageError(
    `cannot tell the format from "${ext || output}": name the file .ogg or .wav, or use --format`,
  );
}

function audioFormat(
  container: Container,
  encodingArg: string | undefined,
  rateArg: string | undefined,
): AudioFormat {
  let encoding: AudioEncoding;
  if (container === 'ogg') {
    if (encodingArg !== undefined && encodingArg !== 'opus')
      throw new UsageError('--encoding applies to WAV output (Ogg holds Opus)');
    encoding = 'opus';
  } else {
    encoding = (encodingArg ?? 'pcm_s16le') as AudioEncoding;
    if (!WAV_ENCODINGS.includes(encoding))
      throw new UsageError('--encoding must be pcm_s16le, mulaw or alaw');
  }
  const allowed = SUPPORTED_RATES[encoding];
  if (rateArg === undefined) return { encoding, sampleRate: allowed[0]! };
  const sampleRate = /^\d+$/.test(rateArg) ? Number(rateArg) : NaN;
  if (!allowed.includes(sampleRate)) {
    throw new UsageError(
      `--rate for ${encoding} must be one of ${[...allowed].sort((a, b) => a - b).join(', ')}`,
    );
  }
  return { encoding, sampleRate };
}

function parseSpeed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const speed = Number(value);
  if (value.trim() === '' || !(speed >= MIN_SPEED && speed <= MAX_SPEED))
    throw new UsageError(`--speed must be a number from ${MIN_SPEED} to ${MAX_SPEED}`);
  return speed;
}

function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError('--url is not a valid URL');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new UsageError('--url must start with ws:// or wss://');
  return value;
}

/** The parsed options, or 'help'. Throws UsageError for anything the user must fix. */
export function parseSayArgs(argv: string[], env: NodeJS.ProcessEnv): SayOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        format: { type: 'string' },
        rate: { type: 'string' },
        encoding: { type: 'string' },
        voice: { type: 'string' },
        speed: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        quiet: { type: 'boolean', short: 'q', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.output === undefined || values.output === '')
    throw new UsageError('-o FILE is required ("-" for stdout)');
  const text = positionals.length > 0 ? positionals.join(' ') : undefined;
  if (text !== undefined && text.trim() === '') throw new UsageError('the text is empty');
  const container = containerOf(values.output, values.format);
  const token = values.token ?? env['SPEECHGATE_TOKEN'];
  return {
    text,
    output: values.output,
    container,
    format: audioFormat(container, values.encoding, values.rate),
    url: parseUrl(values.url ?? env['SPEECHGATE_URL'] ?? DEFAULT_URL),
    token: token === '' ? undefined : token,
    voice: values.voice,
    speed: parseSpeed(values.speed),
    quiet: values.quiet,
    json: values.json,
  };
}

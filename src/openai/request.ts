/**
 * The body of POST /v1/audio/speech, shaped like OpenAI's speech API so its clients work unchanged:
 * { model, input, voice, response_format, speed, instructions, stream_format }. Values are validated
 * here; client text is never echoed in error messages.
 */
import { SpeechgateError, type ErrorCode } from '../errors.js';
import { MAX_SPEED, MIN_SPEED } from '../protocol/parse.js';

export type SpeechResponseFormat = 'mp3' | 'opus' | 'flac' | 'wav' | 'pcm';
export type SpeechStreamFormat = 'audio' | 'sse';

/** A request error that names the offending field, as OpenAI's error bodies do (`param`). */
export class RequestFieldError extends SpeechgateError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly param: string,
  ) {
    super(code, message);
  }
}

export interface SpeechRequest {
  input: string;
  /** A voice id of the registry. */
  voice: string;
  responseFormat: SpeechResponseFormat;
  /** 'sse': server-sent events carrying base64 audio (OpenAI's speech.audio.delta / .done). */
  streamFormat: SpeechStreamFormat;
  /** Within MIN_SPEED..MAX_SPEED, the range every transport accepts and the engine renders. */
  speed: number;
}

/** OpenAI caps `input` at 4096 characters; the same limit keeps requests comparable. */
export const MAX_INPUT_CHARS = 4096;

/** OpenAI's built-in voice names: mapped by SPEECHGATE_VOICE_ALIASES, else to the default voice. */
export const OPENAI_VOICE_NAMES: ReadonlySet<string> = new Set([
  'alloy',
  'ash',
  'ballad',
  'cedar',
  'coral',
  'echo',
  'fable',
  'marin',
  'nova',
  'onyx',
  'sage',
  'shimmer',
  'verse',
]);

const SUPPORTED_FORMATS: readonly SpeechResponseFormat[] = ['mp3', 'opus', 'flac', 'wav', 'pcm'];
/** OpenAI formats this gateway has no encoder for; named in the error so the fix is obvious. */
const UNSUPPORTED_FORMATS: ReadonlySet<string> = new Set(['aac']);

/** OpenAI's default, so a request that names no format gets what OpenAI would send. */
export const DEFAULT_RESPONSE_FORMAT: SpeechResponseFormat = 'mp3';

export interface VoiceCatalog {
  ids: readonly string[];
  defaultVoice: string;
  /** Lower-case alias → voice id (SPEECHGATE_VOICE_ALIASES); OpenAI names not in it take the default. */
  aliases?: ReadonlyMap<string, string>;
}

function bad(param: string, message: string): SpeechgateError {
  return new RequestFieldError('bad_request', message, param);
}

export function parseSpeechRequest(body: Uint8Array, voices: VoiceCatalog): SpeechRequest {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    // The parser's message quotes the input: not passed on.
    throw new SpeechgateError('malformed_message', 'request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SpeechgateError('malformed_message', 'request body must be a JSON object');
  }
  const fields = value as Record<string, unknown>;

  if (fields.model !== undefined && typeof fields.model !== 'string')
    throw bad('model', 'model must be a string');
  // Accepted for compatibility and ignored: these voices have no way to follow style prompts.
  if (
    fields.instructions !== undefined &&
    fields.instructions !== null &&
    typeof fields.instructions !== 'string'
  )
    throw bad('instructions', 'instructions must be a string');

  return {
    input: parseInput(fields.input),
    voice: parseVoice(fields.voice, voices),
    responseFormat: parseFormat(fields.response_format),
    streamFormat: parseStreamFormat(fields.stream_format),
    speed: parseSpeed(fields.speed),
  };
}

function parseInput(input: unknown): string {
  if (typeof input !== 'string') throw bad('input', 'input must be a string');
  if (input.trim() === '') throw bad('input', 'input is empty');
  if (input.length > MAX_INPUT_CHARS) throw bad('input', `input exceeds ${MAX_INPUT_CHARS} characters`);
  return input;
}

function parseVoice(voice: unknown, voices: VoiceCatalog): string {
  if (voice === undefined || voice === null) return voices.defaultVoice;
  if (typeof voice !== 'string') throw bad('voice', 'voice must be a string');
  if (voices.ids.includes(voice)) return voice;
  const name = voice.toLowerCase();
  const alias = voices.aliases?.get(name);
  if (alias !== undefined) return alias;
  if (OPENAI_VOICE_NAMES.has(name)) return voices.defaultVoice;
  throw new RequestFieldError('unknown_voice', `unknown voice; available: ${voices.ids.join(', ')}`, 'voice');
}

function parseFormat(format: unknown): SpeechResponseFormat {
  if (format === undefined || format === null) return DEFAULT_RESPONSE_FORMAT;
  if (typeof format !== 'string') throw unsupported('response_format must be a string');
  const normalized = format.toLowerCase();
  if ((SUPPORTED_FORMATS as readonly string[]).includes(normalized))
    return normalized as SpeechResponseFormat;
  const supported = SUPPORTED_FORMATS.join(', ');
  if (UNSUPPORTED_FORMATS.has(normalized)) {
    throw unsupported(
      `response_format "${normalized}" is not supported by this server; use one of: ${supported}`,
    );
  }
  throw unsupported(`unknown response_format; use one of: ${supported}`);
}

function unsupported(message: string, param = 'response_format'): SpeechgateError {
  return new RequestFieldError('unsupported_format', message, param);
}

function parseStreamFormat(format: unknown): SpeechStreamFormat {
  if (format === undefined || format === null || format === 'audio') return 'audio';
  if (format === 'sse') return 'sse';
  throw unsupported('stream_format must be "audio" or "sse"', 'stream_format');
}

/** The same range and wording as the WebSocket protocol (client/src/validate.ts) and `speechgate say`. */
function parseSpeed(speed: unknown): number {
  if (speed === undefined || speed === null) return 1;
  if (typeof speed !== 'number' || !Number.isFinite(speed)) throw bad('speed', 'speed must be a number');
  if (!(speed >= MIN_SPEED && speed <= MAX_SPEED))
    throw bad('speed', `speed must be between ${MIN_SPEED} and ${MAX_SPEED}`);
  return speed;
}

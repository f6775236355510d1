/**
 * The body of POST /v1/audio/speech, shaped like OpenAI's speech API so its clients work unchanged:
 * { model, input, voice, response_format, speed }. Values are validated here; client text is never
 * echoed in error messages.
 */
import { SpeechgateError } from '../errors.js';
import { ENGINE_SPEED_RANGE } from '../tts/engine.js';

export type SpeechResponseFormat = 'opus' | 'wav' | 'pcm';

export interface SpeechRequest {
  input: string;
  /** A voice id of the registry. */
  voice: string;
  responseFormat: SpeechResponseFormat;
  /** Already clamped to what the engine can do. */
  speed: number;
}

/** OpenAI caps `input` at 4096 characters; the same limit keeps requests comparable. */
export const MAX_INPUT_CHARS = 4096;

/** OpenAI's accepted range for `speed`; values outside are refused, like OpenAI does. */
export const API_SPEED_RANGE = { min: 0.25, max: 4 } as const;
/** What the ONNX voices can render (they clamp to this themselves); clamping here keeps cache keys stable. */
export { ENGINE_SPEED_RANGE };

/** OpenAI's built-in voice names: accepted and mapped to the gateway's default voice. */
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

const SUPPORTED_FORMATS: readonly SpeechResponseFormat[] = ['opus', 'wav', 'pcm'];
/** OpenAI formats this gateway has no encoder for; named in the error so the fix is obvious. */
const UNSUPPORTED_FORMATS: ReadonlySet<string> = new Set(['mp3', 'aac', 'flac']);

/**
 * OpenAI defaults to mp3, which this gateway cannot produce; WAV is what every player and library
 * reads, so a request that names no format still gets playable audio (the Content-Type says which).
 */
export const DEFAULT_RESPONSE_FORMAT: SpeechResponseFormat = 'wav';

export interface VoiceCatalog {
  ids: readonly string[];
  defaultVoice: string;
}

function bad(message: string): SpeechgateError {
  return new SpeechgateError('bad_request', message);
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

  if (fields.model !== undefined && typeof fields.model !== 'string') throw bad('model must be a string');
  if (fields.instructions !== undefined && typeof fields.instructions !== 'string')
    throw bad('instructions must be a string');
  if (fields.stream_format !== undefined && fields.stream_format !== 'audio') {
    throw new SpeechgateError(
      'unsupported_format',
      'stream_format must be "audio" (server-sent events are not supported)',
    );
  }

  return {
    input: parseInput(fields.input),
    voice: parseVoice(fields.voice, voices),
    responseFormat: parseFormat(fields.response_format),
    speed: parseSpeed(fields.speed),
  };
}

function parseInput(input: unknown): string {
  if (typeof input !== 'string') throw bad('input must be a string');
  if (input.trim() === '') throw bad('input is empty');
  if (input.length > MAX_INPUT_CHARS) throw bad(`input exceeds ${MAX_INPUT_CHARS} characters`);
  return input;
}

function parseVoice(voice: unknown, voices: VoiceCatalog): string {
  if (voice === undefined || voice === null) return voices.defaultVoice;
  if (typeof voice !== 'string') throw bad('voice must be a string');
  if (voices.ids.includes(voice)) return voice;
  if (OPENAI_VOICE_NAMES.has(voice.toLowerCase())) return voices.defaultVoice;
  throw new SpeechgateError('unknown_voice', `unknown voice; available: ${voices.ids.join(', ')}`);
}

function parseFormat(format: unknown): SpeechResponseFormat {
  if (format === undefined || format === null) return DEFAULT_RESPONSE_FORMAT;
  if (typeof format !== 'string')
    throw new SpeechgateError('unsupported_format', 'response_format must be a string');
  const normalized = format.toLowerCase();
  if ((SUPPORTED_FORMATS as readonly string[]).includes(normalized))
    return normalized as SpeechResponseFormat;
  const supported = SUPPORTED_FORMATS.join(', ');
  if (UNSUPPORTED_FORMATS.has(normalized)) {
    throw new SpeechgateError(
      'unsupported_format',
      `response_format "${normalized}" is not supported by this server; use one of: ${supported}`,
    );
  }
  throw new SpeechgateError('unsupported_format', `unknown response_format; use one of: ${supported}`);
}

function parseSpeed(speed: unknown): number {
  if (speed === undefined || speed === null) return 1;
  if (typeof speed !== 'number' || !Number.isFinite(speed)) throw bad('speed must be a number');
  if (speed < API_SPEED_RANGE.min || speed > API_SPEED_RANGE.max) {
    throw bad(`speed must be between ${API_SPEED_RANGE.min} and ${API_SPEED_RANGE.max}`);
  }
  return Math.min(ENGINE_SPEED_RANGE.max, Math.max(ENGINE_SPEED_RANGE.min, speed));
}

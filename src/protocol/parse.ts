/**
 * Strict validation of client → server messages (messages.ts). Anything not in the contract is
 * refused, unknown fields included, so a typo ("sampleRate" for "sample_rate") fails loudly instead
 * of silently taking a default. Error messages name fields, never the client's values.
 */
import { parseAudioFormat } from '../audio/format.js';
import { SpeechgateError, type ErrorCode } from '../errors.js';
import type { ClientMessage, FormatSpec, StartMessage } from './messages.js';
import { MAX_CONTEXT_ID_BYTES } from './frame-header.js';

export const MIN_SPEED = 0.5;
export const MAX_SPEED = 2;
/** Voice ids are short names; the registry decides whether one exists. */
const MAX_VOICE_ID_LENGTH = 128;
/** All ASCII, so its length in characters is its length in UTF-8 bytes. */
const CONTEXT_ID = /^[A-Za-z0-9_.:-]+$/;
/** Field names are echoed in errors only when they look like identifiers. */
const SAFE_NAME = /^[A-Za-z0-9_]{1,32}$/;

const FIELDS: Record<ClientMessage['type'], readonly string[]> = {
  start: ['type', 'context_id', 'voice', 'format', 'speed'],
  text: ['type', 'context_id', 'text'],
  flush: ['type', 'context_id'],
  end: ['type', 'context_id'],
  cancel: ['type', 'context_id'],
};
const TYPES = Object.keys(FIELDS) as ClientMessage['type'][];
const FORMAT_FIELDS = ['encoding', 'sample_rate'];

type Fields = Record<string, unknown>;

function fail(code: ErrorCode, message: string): never {
  throw new SpeechgateError(code, message);
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownFields(fields: Fields, allowed: readonly string[], where: string): void {
  for (const name of Object.keys(fields)) {
    if (allowed.includes(name)) continue;
    const shown = SAFE_NAME.test(name) ? `"${name}"` : 'with an invalid name';
    fail('malformed_message', `unknown field ${shown} in ${where}; allowed: ${allowed.join(', ')}`);
  }
}

function isMessageType(value: string): value is ClientMessage['type'] {
  return (TYPES as string[]).includes(value);
}

function contextId(fields: Fields): string {
  const id = fields['context_id'];
  if (typeof id !== 'string') fail('malformed_message', 'context_id must be a string');
  if (id.length < 1 || id.length > MAX_CONTEXT_ID_BYTES || !CONTEXT_ID.test(id)) {
    fail('bad_request', `context_id must be 1..${MAX_CONTEXT_ID_BYTES} characters of A-Z a-z 0-9 _ . : -`);
  }
  return id;
}

function format(value: unknown): FormatSpec {
  if (!isObject(value)) fail('malformed_message', 'format must be an object { encoding, sample_rate }');
  rejectUnknownFields(value, FORMAT_FIELDS, 'format');
  const rate = value['sample_rate'];
  if (rate !== undefined && typeof rate !== 'number')
    fail('malformed_message', 'format.sample_rate must be a number');
  const encoding = value['encoding'];
  if (encoding !== undefined && typeof encoding !== 'string') {
    fail('malformed_message', 'format.encoding must be a string');
  }
  // Throws unsupported_format for an unknown encoding or a rate the encoding does not offer.
  const parsed = parseAudioFormat({ encoding, sampleRate: rate });
  return { encoding: parsed.encoding, sample_rate: parsed.sampleRate };
}

function start(fields: Fields, context_id: string): StartMessage {
  const message: StartMessage = { type: 'start', context_id };
  const voice = fields['voice'];
  if (voice !== undefined) {
    if (typeof voice !== 'string') fail('malformed_message', 'voice must be a string');
    if (voice.length < 1 || voice.length > MAX_VOICE_ID_LENGTH) {
      fail('bad_request', `voice must be 1..${MAX_VOICE_ID_LENGTH} characters`);
    }
    message.voice = voice;
  }
  if (fields['format'] !== undefined) message.format = format(fields['format']);
  const speed = fields['speed'];
  if (speed !== undefined) {
    if (typeof speed !== 'number') fail('malformed_message', 'speed must be a number');
    if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) {
      fail('bad_request', `speed must be between ${MIN_SPEED} and ${MAX_SPEED}`);
    }
    message.speed = speed;
  }
  return message;
}

/**
 * Parses one JSON text frame. Throws SpeechgateError with code malformed_message (not JSON, wrong
 * shape or field type, unknown field), unknown_message_type, bad_request (a value out of range) or
 * unsupported_format.
 */
export function parseClientMessage(data: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    fail('malformed_message', 'message is not valid JSON');
  }
  if (!isObject(value)) fail('malformed_message', 'message must be a JSON object');
  const type = value['type'];
  if (typeof type !== 'string') fail('malformed_message', 'message needs a string field "type"');
  if (!isMessageType(type))
    fail('unknown_message_type', `unknown message type; expected one of: ${TYPES.join(', ')}`);
  rejectUnknownFields(value, FIELDS[type], `a ${type} message`);
  const context_id = contextId(value);

  switch (type) {
    case 'start':
      return start(value, context_id);
    case 'text': {
      const text = value['text'];
      if (typeof text !== 'string') fail('malformed_message', 'text must be a string');
      return { type, context_id, text };
    }
    case 'flush':
    case 'end':
    case 'cancel':
      return { type, context_id };
  }
}

/** The context id of a raw message when it has a valid one, for attributing a parse error. */
export function peekContextId(data: string): string | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isObject(value) ? contextId(value) : undefined;
  } catch {
    return undefined;
  }
}

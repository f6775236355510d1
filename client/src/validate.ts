/**
 * Strict validation of client → server messages (protocol.ts), shared by the gateway (which must refuse
 * them) and clients and tools (which may check what they send). Anything not in the contract is refused,
 * unknown fields included, so a typo ("sampleRate" for "sample_rate") fails loudly instead of silently
 * taking a default. Error messages name fields, never the sender's values.
 */
import { MAX_CONTEXT_ID_BYTES } from './frame.js';
import type { ClientMessage, FormatSpec, StartMessage } from './protocol.js';

export const MIN_SPEED = 0.5;
export const MAX_SPEED = 2;
/** Voice ids are short names; the gateway's registry decides whether one exists. */
const MAX_VOICE_ID_LENGTH = 128;
/** All ASCII, so its length in characters is its length in UTF-8 bytes. */
const CONTEXT_ID = /^[A-Za-z0-9_.:-]+$/;
/** Field names are echoed in errors only when they look like identifiers. */
const SAFE_NAME = /^[A-Za-z0-9_]{1,32}$/;

export type ProtocolErrorCode = 'malformed_message' | 'unknown_message_type' | 'bad_request';

/** A message that breaks the contract; `code` is the gateway's error code for it. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ValidateOptions {
  /**
   * Checks a start message's format (its fields already have the right types) and returns it complete; may
   * throw its own error. Default: the fields as given.
   */
  checkFormat?: (format: { encoding?: string; sample_rate?: number }) => Partial<FormatSpec>;
}

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

function fail(code: ProtocolErrorCode, message: string): never {
  throw new ProtocolError(code, message);
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

function format(value: unknown, options: ValidateOptions): Partial<FormatSpec> {
  if (!isObject(value)) fail('malformed_message', 'format must be an object { encoding, sample_rate }');
  rejectUnknownFields(value, FORMAT_FIELDS, 'format');
  const rate = value['sample_rate'];
  if (rate !== undefined && typeof rate !== 'number')
    fail('malformed_message', 'format.sample_rate must be a number');
  const encoding = value['encoding'];
  if (encoding !== undefined && typeof encoding !== 'string') {
    fail('malformed_message', 'format.encoding must be a string');
  }
  const given: { encoding?: string; sample_rate?: number } = {};
  if (encoding !== undefined) given.encoding = encoding;
  if (rate !== undefined) given.sample_rate = rate;
  return options.checkFormat ? options.checkFormat(given) : (given as Partial<FormatSpec>);
}

function start(fields: Fields, context_id: string, options: ValidateOptions): StartMessage {
  const message: StartMessage = { type: 'start', context_id };
  const voice = fields['voice'];
  if (voice !== undefined) {
    if (typeof voice !== 'string') fail('malformed_message', 'voice must be a string');
    if (voice.length < 1 || voice.length > MAX_VOICE_ID_LENGTH) {
      fail('bad_request', `voice must be 1..${MAX_VOICE_ID_LENGTH} characters`);
    }
    message.voice = voice;
  }
  if (fields['format'] !== undefined) message.format = format(fields['format'], options);
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
 * Parses one JSON text frame. Throws ProtocolError with code malformed_message (not JSON, wrong shape or
 * field type, unknown field), unknown_message_type or bad_request (a value out of range); checkFormat may
 * throw its own.
 */
export function parseClientMessage(data: string, options: ValidateOptions = {}): ClientMessage {
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
      return start(value, context_id, options);
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

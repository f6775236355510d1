/**
 * Client → server messages, validated by the protocol's own validator (client/src/validate.ts) and
 * checked against what this gateway supports; every failure becomes a SpeechgateError.
 */
import {
  parseClientMessage as parseWire,
  ProtocolError,
  type ClientMessage,
} from '@speechgate/client/protocol';
import { SpeechgateError } from '../errors.js';
import { parseOutputFormat, wireFormat } from './output-format.js';

export { MAX_SPEED, MIN_SPEED, peekContextId } from '@speechgate/client/protocol';

/**
 * Parses one JSON text frame. Throws SpeechgateError with code malformed_message (not JSON, wrong
 * shape or field type, unknown field), unknown_message_type, bad_request (a value out of range) or
 * unsupported_format.
 */
export function parseClientMessage(data: string): ClientMessage {
  try {
    return parseWire(data, {
      // Throws unsupported_format for an unknown encoding (mp3 included) or a rate the encoding does not offer.
      checkFormat: ({ encoding, sample_rate }) =>
        wireFormat(parseOutputFormat({ encoding, sampleRate: sample_rate })),
    });
  } catch (err) {
    if (err instanceof ProtocolError) throw new SpeechgateError(err.code, err.message);
    throw err;
  }
}

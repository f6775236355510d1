/** Server messages that do not belong to a context's audio: `ready` and `error`. */
import type { SpeechgateError } from '../errors.js';
import { PROTOCOL, type ErrorMessage, type ReadyMessage } from '../protocol/messages.js';
import type { Synthesizer } from '../tts/engine.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { outputRates } from '../protocol/output-format.js';

/** BCP 47 "undetermined", for a synthesizer that does not state its language. */
const UNKNOWN_LANGUAGE = 'und';

function languageOf(voice: Synthesizer): string {
  return voice.language || UNKNOWN_LANGUAGE;
}

export function readyMessage(sessionId: string, deps: GatewayDeps): ReadyMessage {
  const formats = outputRates();
  const { limits } = deps.config;
  return {
    type: 'ready',
    protocol: PROTOCOL,
    session_id: sessionId,
    voices: deps.voices.list().map((v) => ({
      id: v.id,
      name: v.name,
      language: languageOf(v),
      sample_rate: v.sampleRate,
    })),
    default_voice: deps.voices.defaultVoice,
    formats,
    limits: {
      max_contexts: limits.maxContextsPerConnection,
      max_message_bytes: limits.maxMessageBytes,
      chars_per_minute: limits.charsPerMinute,
    },
  };
}

export function errorMessage(err: SpeechgateError, fatal: boolean, contextId?: string): ErrorMessage {
  const message: ErrorMessage = {
    type: 'error',
    code: err.code,
    message: err.message,
    fatal,
    retryable: err.retryable,
  };
  if (contextId !== undefined) message.context_id = contextId;
  if (err.retryAfterSeconds !== undefined) message.retry_after_s = err.retryAfterSeconds;
  return message;
}

/** Where an unexpected failure came from, for the log: the error's class and first stack frame, no message. */
export function causeForLog(err: SpeechgateError): { cause?: string; at?: string } {
  const cause = err.cause;
  if (!(cause instanceof Error)) return {};
  const at = cause.stack
    ?.split('\n')
    .find((line) => line.trimStart().startsWith('at '))
    ?.trim();
  return { cause: cause.name, at };
}

import { SpeechgateError } from '../errors.js';
import type { Synthesizer } from '../tts/engine.js';

/** A refused stream may retry once the backlog has had a second to drain. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1;

/**
 * Refuses a new stream while its voice is over capacity, so that the streams already playing keep up
 * instead of every stream underrunning. Both transports call it before taking a context slot.
 */
export function admitNewStream(voice: Synthesizer): void {
  if (voice.isOverloaded?.() === true) {
    throw new SpeechgateError('overloaded', 'the server is over capacity; try again shortly', {
      retryAfterSeconds: OVERLOAD_RETRY_AFTER_SECONDS,
    });
  }
}

/**
 * Text cut the way an LLM streams it: words with their leading space, sub-word pieces for long words,
 * digits in groups of up to three, punctuation on its own; each token 1..6 characters. Pacing follows a
 * rate in tokens per second with jitter, so the gateway sees text arrive as it would from a model.
 */
import { between, type Random } from './random.js';

export const MAX_TOKEN_CHARS = 6;
/** Up to three digits, with the space before them. */
const MAX_NUMBER_TOKEN_CHARS = 4;

/** Pieces whose concatenation is exactly `text`; no piece is empty or longer than MAX_TOKEN_CHARS. */
export function llmTokens(text: string, random: Random): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(/\s*(?:\p{L}+|\p{N}+|[^\s\p{L}\p{N}])|\s+/gu)) {
    const piece = Array.from(match[0]);
    const isNumber = /\p{N}$/u.test(match[0]);
    while (piece.length > 0) {
      const longest = isNumber ? MAX_NUMBER_TOKEN_CHARS : MAX_TOKEN_CHARS;
      if (piece.length <= longest) {
        tokens.push(piece.splice(0).join(''));
        break;
      }
      // Sub-word pieces of 2..longest characters, as a BPE vocabulary would cut a rare word.
      const size = Math.min(longest, 2 + Math.floor(random() * (longest - 1)));
      tokens.push(piece.splice(0, size).join(''));
    }
  }
  return tokens;
}

export interface TokenPace {
  /** Tokens per second; a context draws its own rate in [min, max]. */
  minRate: number;
  maxRate: number;
  /** Each gap is the mean gap times a factor drawn in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

export const DEFAULT_PACE: TokenPace = { minRate: 30, maxRate: 50, jitter: 0.5 };

/**
 * When each token is sent, in ms after the first one (which goes at 0). Times are absolute so that a
 * late timer does not push every later token back, as a model's output does not slow down either.
 */
export function tokenSchedule(count: number, pace: TokenPace, random: Random): number[] {
  const meanGap = 1000 / between(random, pace.minRate, pace.maxRate);
  const times: number[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (i > 0) at += meanGap * between(random, 1 - pace.jitter, 1 + pace.jitter);
    times.push(at);
  }
  return times;
}

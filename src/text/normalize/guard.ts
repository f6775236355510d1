/**
 * Bounds on what one written item may cost, whatever was written. An LLM answer can hold a 3,000-digit
 * number, a URL of a thousand dots, a "word" of 10,000 letters or a line of 80 '=': read naively each
 * becomes thousands of words in one sentence, and the acoustic model's work grows with the square of a
 * sentence's length. Every item is read in bounded words, however long it is written:
 *
 * - A digit run longer than MAX_DIGITS: its first MAX_DIGITS digits, in groups of DIGIT_GROUP with a pause
 *   between groups, then "and so on". (Card numbers, IBANs and phone numbers are shorter and keep their
 *   usual readings.)
 * - A word longer than MAX_WORD_LETTERS letters: its first MAX_WORD_LETTERS letters, then "and so on".
 *   The longest English dictionary words have about 30.
 * - A run of RUN_MIN or more of one symbol ("-----", "=====", "****", a markdown rule): one soft pause.
 * - Anything else written without a space (a URL, a path, dotted or glued text, code): at most
 *   MAX_CHUNK_TOKENS words and marks, then "and so on"; the rest of the chunk is skipped. A long but
 *   ordinary URL or "$1,234,567.89" reads in about 15 to 25 words.
 */
import type { Ctx } from './context.js';
import { spellDigits } from './numbers.js';

export const MAX_DIGITS = 24;
export const DIGIT_GROUP = 4;
export const MAX_WORD_LETTERS = 40;
export const RUN_MIN = 3;
export const MAX_CHUNK_TOKENS = 40;
const AND_SO_ON = 'and so on';
/** Symbols whose runs are already read as one mark ("...", "?!", "--"). */
const RUNS_READ_ELSEWHERE = new Set(['.', '!', '?', '-']);

/** Reads the token at i if it is overlong (see above); returns the next token index, or undefined. */
export function readOverlong(c: Ctx, i: number): number | undefined {
  const t = c.toks[i];
  if (t === undefined) return undefined;
  if (t.kind === 'num' && t.text.length > MAX_DIGITS) {
    for (let k = 0; k < MAX_DIGITS; k += DIGIT_GROUP) {
      if (k > 0) c.out.punct(',', t.start, t.end);
      c.out.say(spellDigits(t.text.slice(k, k + DIGIT_GROUP)), t.start, t.end);
    }
    c.out.punct(',', t.start, t.end);
    c.out.say(AND_SO_ON, t.start, t.end);
    return i + 1;
  }
  if (t.kind === 'word' && t.text.length > MAX_WORD_LETTERS) {
    c.out.say(t.text.slice(0, MAX_WORD_LETTERS).toLowerCase(), t.start, t.end);
    c.out.punct(',', t.start, t.end);
    c.out.say(AND_SO_ON, t.start, t.end);
    return i + 1;
  }
  if (t.kind === 'sym' && !RUNS_READ_ELSEWHERE.has(t.text)) {
    let j = i + 1;
    while (c.isSym(j, t.text) && c.glued(j)) j++;
    if (j - i >= RUN_MIN) {
      c.out.punct(',', t.start, c.end(j - 1), true);
      return j;
    }
  }
  return undefined;
}

/**
 * Called after each reader: if the chunk that began with output size `from` has grown past
 * MAX_CHUNK_TOKENS, cuts it there, says "and so on" and skips the rest of the chunk. Returns where to go on.
 */
export function capChunk(c: Ctx, from: number, next: number): number {
  if (c.out.size - from <= MAX_CHUNK_TOKENS) return next;
  c.out.truncate(from + MAX_CHUNK_TOKENS);
  let j = next;
  while (c.glued(j)) j++;
  const last = c.toks[Math.max(0, j - 1)];
  c.out.punct(',', last?.start ?? 0, last?.end ?? 0);
  c.out.say(AND_SO_ON, last?.start ?? 0, last?.end ?? 0);
  return j;
}

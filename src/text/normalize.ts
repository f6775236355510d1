/**
 * Text normaliser of the TTS front end: what users type -> spoken words and pause marks, each
 * carrying the UTF-16 span of the written item it came from (so word timings map back to the text).
 *
 * Pipeline: fold look-alike characters (same length, so offsets survive) -> lex into words, digit
 * runs, single symbols and whole URLs/e-mails -> walk the tokens, letting the first reader that
 * recognises a written item (phone number, date, money, abbreviation...) consume it -> the emitter
 * keeps the output clean (no leading mark, never two marks in a row).
 * Deterministic and pure; the only outside input is the CMU dictionary module (see lexicon.ts).
 *
 * Reading choices (en-US):
 * - URLs drop the scheme and "www.": "https://www.example.com/docs" -> example dot com slash docs.
 * - Dr./St. are doctor/saint before a name, drive/street after a capitalised word or house number.
 * - All-caps words are said when the lexicon knows them (NASA, FBI), else spelled; a few that the
 *   lexicon knows as other words (US, IT, AI, AM...) are spelled unless the whole text is shouting.
 * - Four-digit numbers 1000-2099 read as years unless an amount is evident ("2026 people").
 * - Codes (after "PIN", "order #"...), digit strings of 5+ and leading-zero numbers: digit by digit,
 *   zero as "zero". Phone numbers likewise, with a ',' pause between the written groups.
 * - Brackets and line breaks are soft ',' pauses, a blank line a soft '.'; quotes are dropped.
 * - Overlong items (huge numbers, endless URLs or words, symbol runs) are read in bounded words: see
 *   normalize/guard.ts for the caps.
 */
import { readAbbreviation } from './normalize/abbreviations.js';
import { fold } from './normalize/chars.js';
import { Ctx } from './normalize/context.js';
import { readMonthDate } from './normalize/dates.js';
import { lex } from './normalize/lexer.js';
import { readMoneyCode, readMoneySymbol } from './normalize/money.js';
import { readNumeric } from './normalize/numeric.js';
import { capChunk, readOverlong } from './normalize/guard.js';
import { readRoman } from './normalize/roman.js';
import { readSymbol } from './normalize/symbols.js';
import type { NormToken } from './normalize/types.js';
import { speakEmail, speakUrl } from './normalize/web.js';
import { readDotted, readInitial, readWord } from './normalize/words.js';

export type { NormToken, PunctMark, PunctToken, WordToken } from './normalize/types.js';

function step(c: Ctx, i: number): number {
  const t = c.toks[i];
  if (t === undefined) return i + 1;
  switch (t.kind) {
    case 'url':
      speakUrl(t.text, c.out, t.start, t.end);
      return i + 1;
    case 'email':
      speakEmail(t.text, c.out, t.start, t.end);
      return i + 1;
    case 'num':
      return readNumeric(c, i) ?? readSymbol(c, i);
    case 'word':
      return (
        readDotted(c, i) ??
        readInitial(c, i) ??
        readMonthDate(c, i) ??
        readMoneyCode(c, i) ??
        readAbbreviation(c, i) ??
        readRoman(c, i) ??
        readWord(c, i)
      );
    case 'sym':
      return readMoneySymbol(c, i) ?? readNumeric(c, i) ?? readSymbol(c, i);
  }
}

export function normalize(input: string): NormToken[] {
  if (typeof input !== 'string' || input.length === 0) return [];
  const c = new Ctx(lex(fold(input)));
  let i = 0;
  /** Output size where the current whitespace-free chunk began. */
  let chunkFrom = 0;
  while (i < c.toks.length) {
    const t = c.toks[i];
    // A line break is a pause, a blank line a sentence break; both vanish at the very end.
    if (t !== undefined && t.gap >= 2 && i > 0)
      c.out.punct(t.gap === 3 ? '.' : ',', c.end(i - 1), t.start, true);
    if (t === undefined || t.gap > 0) chunkFrom = c.out.size;
    const next = readOverlong(c, i) ?? step(c, i);
    i = capChunk(c, chunkFrom, next > i ? next : i + 1);
  }
  return c.out.finish();
}

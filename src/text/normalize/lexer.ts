import { isDigit, isLetter, isSpace, isWordInner } from './chars.js';
import { detectWeb } from './web.js';

export type LexKind = 'word' | 'num' | 'sym' | 'url' | 'email';

/** Whitespace before a token: 0 none (glued to the previous one), 1 spaces, 2 a line break, 3 a blank line. */
export type Gap = 0 | 1 | 2 | 3;

/**
 * A lexical token: a run of letters (with inner apostrophes and marks), a run of ASCII digits, one
 * other code point, or a whole URL / e-mail address. Offsets index the (same-length) input.
 */
export interface Lex {
  kind: LexKind;
  text: string;
  start: number;
  end: number;
  gap: Gap;
}

function wordEnd(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const cp = s.codePointAt(j) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (isLetter(cp) || (j > i && isWordInner(cp))) {
      j += width;
    } else if (cp === 39 && j > i && isLetter(s.codePointAt(j + 1) ?? 0)) {
      j += 1; // an apostrophe between letters: don't, o'clock
    } else {
      break;
    }
  }
  return j;
}

export function lex(s: string): Lex[] {
  const out: Lex[] = [];
  let i = 0;
  let spaced = true;
  let newlines = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (isSpace(cp)) {
      if (cp === 10) newlines++;
      spaced = true;
      i += width;
      continue;
    }
    const gap: Gap = !spaced ? 0 : newlines >= 2 ? 3 : newlines === 1 ? 2 : 1;
    spaced = false;
    newlines = 0;
    if (gap > 0) {
      const web = detectWeb(s, i);
      if (web !== undefined) {
        for (let k = i; k < web.start; k++)
          out.push({ kind: 'sym', text: s.charAt(k), start: k, end: k + 1, gap: k === i ? gap : 0 });
        out.push({
          kind: web.kind,
          text: s.slice(web.start, web.end),
          start: web.start,
          end: web.end,
          gap: web.start === i ? gap : 0,
        });
        i = web.end;
        continue;
      }
    }
    let end: number;
    let kind: LexKind;
    if (isLetter(cp)) {
      end = wordEnd(s, i);
      kind = 'word';
    } else if (isDigit(cp)) {
      end = i + 1;
      while (end < s.length && isDigit(s.charCodeAt(end))) end++;
      kind = 'num';
    } else {
      end = i + width;
      kind = 'sym';
    }
    out.push({ kind, text: s.slice(i, end), start: i, end, gap });
    i = end;
  }
  return out;
}

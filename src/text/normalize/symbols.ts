import { startsLower } from './chars.js';
import type { Ctx } from './context.js';
import { isCurrencySymbol } from './money.js';
import { vulgarFraction } from './numeric.js';
import { readPer } from './units.js';

/** Symbols said as words wherever they stand. */
const SAID: Readonly<Record<string, string>> = {
  '&': 'and',
  '+': 'plus',
  '=': 'equals',
  '@': 'at',
  '%': 'percent',
  '‰': 'per mille',
  '×': 'times',
  '÷': 'divided by',
  '±': 'plus or minus',
  '°': 'degrees',
  '§': 'section',
  '©': 'copyright',
  '√': 'square root of',
  '∞': 'infinity',
};

/** Said only between two numbers ("3 < 5"); elsewhere they are decoration or emoticons. */
const BETWEEN_NUMBERS: Readonly<Record<string, string>> = {
  '*': 'times',
  '<': 'less than',
  '>': 'greater than',
  '≤': 'less than or equal to',
  '≥': 'greater than or equal to',
  '≈': 'approximately',
  '≠': 'not equal to',
  '^': 'to the power of',
};

/** Marks that are a plain pause. Brackets and separators are soft: dropped at the very end. */
const MARKS: Readonly<Record<string, ',' | '.' | '?' | '!' | ';' | ':' | '—' | '…'>> = {
  ',': ',',
  ';': ';',
  '?': '?',
  '!': '!',
  '…': '…',
  '—': '—',
};
const SOFT_PAUSES = new Set(['(', ')', '[', ']', '{', '}', '|', '•', '·', '¦']);

const ASCII_ALNUM = /^[A-Za-z0-9]+$/;

function between(c: Ctx, i: number, spacedOk: boolean): boolean {
  const ok = (k: number) => (spacedOk ? c.near(k) : c.glued(k));
  return c.isNum(i - 1) && ok(i) && ok(i + 1) && (c.isNum(i + 1) || isCurrencySymbol(c.text(i + 1)));
}

function say(c: Ctx, i: number, next: number, words: string): number {
  c.out.say(words, c.start(i), c.end(next - 1));
  return next;
}

function readHyphen(c: Ctx, i: number): number {
  let j = i + 1;
  while (c.isSym(j, '-') && c.glued(j)) j++;
  if (j - i >= 2 || (!c.glued(i) && !c.glued(i + 1))) {
    c.out.punct('—', c.start(i), c.end(j - 1)); // "--", " - "
    return j;
  }
  const afterTime = c.glued(i) && (c.lower(i - 1) === 'am' || c.lower(i - 1) === 'pm') && c.isNum(i + 1);
  if (between(c, i, false) && c.text(i - 1) === c.text(i + 1)) return i + 1; // 50-50
  if (between(c, i, false) || afterTime) return say(c, i, i + 1, 'to'); // 5-10, $5-$10, 9am-5pm
  return i + 1; // hyphenated words split silently: well-known, COVID-19
}

/** A symbol token that no reader before claimed: punctuation, pauses, symbols said as words. */
export function readSymbol(c: Ctx, i: number): number {
  const ch = c.text(i);
  const [start, end] = [c.start(i), c.end(i)];
  const mark = Object.hasOwn(MARKS, ch) ? MARKS[ch] : undefined;
  if (mark !== undefined) {
    c.out.punct(mark, start, end);
    return i + 1;
  }
  if (SOFT_PAUSES.has(ch)) {
    c.out.punct(',', start, end, true);
    return i + 1;
  }
  switch (ch) {
    case '.': {
      // Glued between a word and a lowercase word or digits it is a dot: file.txt, Node.js, v2.beta
      const next = c.toks[i + 1];
      if (c.glued(i) && c.glued(i + 1) && ASCII_ALNUM.test(c.text(i - 1)) && next !== undefined) {
        if (next.kind === 'num' || (ASCII_ALNUM.test(next.text) && startsLower(next.text)))
          return say(c, i, i + 1, 'dot');
      }
      let j = i + 1;
      while (c.isSym(j, '.') && c.glued(j)) j++;
      c.out.punct(j - i >= 3 ? '…' : '.', start, c.end(j - 1));
      return j;
    }
    case ':':
      if (between(c, i, false)) return say(c, i, i + 1, 'to'); // ratios: 3:1
      c.out.punct(':', start, end);
      return i + 1;
    case '-':
      return readHyphen(c, i);
    case '–':
      if (between(c, i, true)) return say(c, i, i + 1, 'to');
      c.out.punct('—', start, end);
      return i + 1;
    case '#': {
      const prev = c.glued(i) ? c.text(i - 1) : '';
      if (prev === 'C' || prev === 'F') return say(c, i, i + 1, 'sharp'); // C#, F#
      if (c.isNum(i + 1) && c.glued(i + 1)) return say(c, i, i + 1, 'number');
      // "#A-123", "#B7" are numbers too; a hashtag is a word of its own.
      const code = c.text(i + 1).length === 1 || (c.glued(i + 2) && (c.isNum(i + 2) || c.isSym(i + 2, '-')));
      if (c.isWord(i + 1) && c.glued(i + 1) && !c.glued(i))
        return say(c, i, i + 1, code ? 'number' : 'hashtag');
      return i + 1;
    }
    case '/': {
      if (c.lower(i - 1) === 'and' && c.lower(i + 1) === 'or') return i + 1; // and/or
      const per = c.isNum(i - 1) ? readPer(c, i) : undefined;
      return per === undefined ? say(c, i, i + 1, 'slash') : say(c, i, per.next, per.words);
    }
    case '~':
      return c.isNum(i + 1) && c.glued(i + 1) ? say(c, i, i + 1, 'about') : i + 1;
  }
  const said = Object.hasOwn(SAID, ch) ? SAID[ch] : undefined;
  if (said !== undefined) return say(c, i, i + 1, said);
  const math = Object.hasOwn(BETWEEN_NUMBERS, ch) ? BETWEEN_NUMBERS[ch] : undefined;
  if (math !== undefined && between(c, i, true)) return say(c, i, i + 1, math);
  const fraction = vulgarFraction(ch);
  if (fraction !== undefined) return say(c, i, i + 1, fraction);
  return i + 1; // quotes, emoji, currency signs alone, anything unspeakable
}

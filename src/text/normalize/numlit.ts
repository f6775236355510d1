import type { Ctx } from './context.js';
import { cardinalOrDigits, decimalWords } from './numbers.js';
import { own } from './table.js';

/** A written number: optional sign, integer digits (grouping commas removed), optional fraction digits. */
export interface NumLit {
  neg: boolean;
  /** '' for ".5". */
  int: string;
  frac: string | undefined;
  /** Written with thousands separators ("1,234"): then surely an amount, never a year or code. */
  grouped: boolean;
  /** Token index just after the number. */
  next: number;
}

// A '-' glued to a number is a minus sign only after these (or after whitespace).
const SIGN_CONTEXT = new Set([
  '(',
  '[',
  '{',
  '=',
  '/',
  ':',
  '"',
  "'",
  '<',
  '>',
  '~',
  '*',
  '+',
  '×',
  '$',
  '€',
  '£',
]);

export function parseNumber(c: Ctx, i: number): NumLit | undefined {
  let j = i;
  let neg = false;
  if (
    c.isSym(j, '-') &&
    c.isNum(j + 1) &&
    c.glued(j + 1) &&
    (!c.glued(j) || SIGN_CONTEXT.has(c.text(j - 1)))
  ) {
    neg = true;
    j++;
  }
  if (
    c.isSym(j, '.') &&
    c.isNum(j + 1) &&
    c.glued(j + 1) &&
    (neg || !c.glued(j) || SIGN_CONTEXT.has(c.text(j - 1)))
  ) {
    return { neg, int: '', frac: c.text(j + 1), grouped: false, next: j + 2 };
  }
  if (!c.isNum(j)) return undefined;
  let int = c.text(j);
  j++;
  let grouped = false;
  if (int.length <= 3 && int.charAt(0) !== '0') {
    while (c.isSym(j, ',') && c.glued(j) && c.isNum(j + 1) && c.glued(j + 1) && c.text(j + 1).length === 3) {
      int += c.text(j + 1);
      j += 2;
      grouped = true;
    }
  }
  let frac: string | undefined;
  if (c.isSym(j, '.') && c.glued(j) && c.isNum(j + 1) && c.glued(j + 1)) {
    frac = c.text(j + 1);
    j += 2;
  }
  return { neg, int, frac, grouped, next: j };
}

export function numberPhrase(n: NumLit): string {
  const body = n.frac === undefined ? cardinalOrDigits(n.int) : decimalWords(n.int, n.frac);
  return n.neg ? `minus ${body}` : body;
}

/** Exactly one (for singular units): "1", "01"; not "1.0". */
export function isOne(n: NumLit): boolean {
  return n.frac === undefined && /^0*1$/.test(n.int);
}

export function isPlainInt(n: NumLit): boolean {
  return !n.neg && !n.grouped && n.frac === undefined && n.int !== '';
}

const SCALE_WORDS = new Set(['hundred', 'thousand', 'million', 'billion', 'trillion']);
// Glued suffixes: $5k, 2.5M, $3bn. Lowercase "m" is metres, so only "M"/"MM"/"mn" are millions.
const SCALE_SUFFIXES: Readonly<Record<string, string>> = {
  k: 'thousand',
  K: 'thousand',
  M: 'million',
  MM: 'million',
  mn: 'million',
  mln: 'million',
  B: 'billion',
  bn: 'billion',
  T: 'trillion',
  tn: 'trillion',
};

/** A scale after a number ("2.5 million", "$5k"): its word and the token after it. */
export function readScale(c: Ctx, j: number): { word: string; next: number } | undefined {
  const t = c.toks[j];
  if (t?.kind !== 'word') return undefined;
  if (c.glued(j)) {
    const word = own(SCALE_SUFFIXES, t.text);
    if (word !== undefined) return { word, next: j + 1 };
  }
  const lower = t.text.toLowerCase();
  if (c.near(j) && SCALE_WORDS.has(lower)) return { word: lower, next: j + 1 };
  return undefined;
}

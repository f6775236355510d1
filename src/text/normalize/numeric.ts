import type { Ctx } from './context.js';
import { ORDINAL_SUFFIXES, readDayMonth, readNumericDate, slashDateWords } from './dates.js';
import { readMoneySuffix } from './money.js';
import {
  cardinalOrDigits,
  fractionWords,
  ordinalize,
  pluralizeLast,
  spellDigits,
  under100,
  yearWords,
} from './numbers.js';
import { isOne, isPlainInt, type NumLit, numberPhrase, parseNumber, readScale } from './numlit.js';
import { readPhone } from './phone.js';
import { readClock, readHourMeridiem } from './times.js';
import { readUnit } from './units.js';

// Words after which digits are an identifier, read one by one: "PIN 0420", "order #5512".
const CODE_CUES = new Set([
  'code', 'codes', 'pin', 'account', 'acct', 'order', 'extension', 'ext', 'zip', 'zipcode', 'postcode',
  'otp', 'passcode', 'password', 'tracking', 'serial', 'confirmation', 'reference', 'ref', 'invoice',
  'ticket', 'booking', 'policy', 'card', 'routing', 'iban', 'id', 'pnr', 'voucher', 'coupon', 'member',
  'membership', 'customer', 'case', 'claim', 'transaction', 'dial',
]); // prettier-ignore
// Emergency numbers are always said digit by digit: "call 911".
const EMERGENCY = new Set(['911', '999', '112']);
// "number 7" stays seven; "number 0451" / "number 123" are codes.
const WEAK_CODE_CUES = new Set(['number', 'no', 'num', 'nr']);
const CUE_FILLERS = new Set(['is', 'was', ':', '#', '.', 'number', 'no', 'num']);

// A four-digit number right after these is a year ("in 1984"); after those, an amount.
const YEAR_CUES = new Set([
  'in', 'since', 'by', 'from', 'until', 'till', 'during', 'circa', 'ca', 'c', 'year', 'early', 'late', 'mid',
  'before', 'after', 'around', 'of', 'summer', 'winter', 'spring', 'fall', 'autumn', 'between', 'through',
  'to', 'and', 'or', 'born', 'died', 'vintage', 'class', 'season', 'fiscal', 'fy', 'copyright',
]); // prettier-ignore
const AMOUNT_CUES = new Set([
  'about', 'over', 'under', 'than', 'nearly', 'almost', 'approximately', 'roughly', 'some', 'exactly',
  'only', 'just', 'total', 'all', 'another', 'additional', 'extra', 'page', 'pages', 'room', 'rooms',
]); // prettier-ignore
// Lowercase words that may follow a year; any other lowercase word makes the number an amount ("2026 people").
const YEAR_FOLLOWERS = new Set([
  'and', 'or', 'to', 'through', 'thru', 'until', 'till', 'was', 'were', 'is', 'are', 'will', 'would', 'had',
  'has', 'have', 'saw', 'when', 'where', 'which', 'that', 'as', 'the', 'a', 'onwards', 'onward', 'ad', 'bc',
  'ce', 'bce', 'election', 'elections', 'season', 'census', 'olympics', 'edition', 'model', 'vintage',
  'budget', 'report', 'survey', 'film', 'movie', 'album', 'tour', 'cup', 'championship', 'world', 'winter',
  'summer', 'spring', 'fall', 'autumn', 'but', 'so', 'for', 'in', 'on', 'at', 'i', 'we', 'he', 'she', 'they',
  'it', 'you', 'there', 'after', 'before', 'since', 'while', 'alone', 'again', 'also', 'too',
]); // prettier-ignore

const VULGAR: Readonly<Record<string, string>> = {
  '½': 'a half',
  '¼': 'a quarter',
  '¾': 'three quarters',
  '⅓': 'a third',
  '⅔': 'two thirds',
  '⅛': 'an eighth',
};
const VULGAR_ALONE: Readonly<Record<string, string>> = {
  '½': 'one half',
  '¼': 'one quarter',
  '¾': 'three quarters',
  '⅓': 'one third',
  '⅔': 'two thirds',
  '⅛': 'one eighth',
};

export function vulgarFraction(sym: string): string | undefined {
  return Object.hasOwn(VULGAR_ALONE, sym) ? VULGAR_ALONE[sym] : undefined;
}

/** Whether the digits at i (or in the chunk glued around them) follow a code cue like "PIN" or "order #". */
function codeCue(c: Ctx, i: number, digits: string): boolean {
  let j = i;
  while (j > 0 && j > i - 4 && c.glued(j)) j--; // start of the written chunk: "#5512", "A-1234"
  if (c.glued(j)) return false;
  j--;
  for (let steps = 0; j >= 0 && steps < 4; steps++, j--) {
    const w = c.isWord(j) ? c.lower(j) : c.text(j);
    if (CODE_CUES.has(w)) return true;
    if (WEAK_CODE_CUES.has(w) && digits.length >= 3) return true;
    if (!CUE_FILLERS.has(w)) return false;
  }
  return false;
}

function readsAsYear(c: Ctx, i: number, next: number, value: number): boolean {
  if (value < 1000 || value > 2099) return false;
  const prev = c.near(i) ? c.lower(i - 1) : '';
  if (YEAR_CUES.has(prev)) return true;
  if (AMOUNT_CUES.has(prev) || (c.glued(i) && c.isSym(i - 1, '#'))) return false;
  const t = c.toks[next];
  if (t?.kind === 'word' && c.near(next)) {
    const first = t.text.charAt(0);
    if (first !== first.toUpperCase() && !YEAR_FOLLOWERS.has(t.text.toLowerCase())) return false;
  }
  return true;
}

function say(c: Ctx, from: number, next: number, words: string): number {
  c.out.say(words, c.start(from), c.end(next - 1));
  return next;
}

/** The word after an integer that changes how it reads: 1st, 1990s, '90s. */
function readSuffixed(c: Ctx, i: number, n: NumLit): number | undefined {
  const j = n.next;
  if (!isPlainInt(n) || !c.glued(j)) return undefined;
  const suffix = c.lower(j);
  if (ORDINAL_SUFFIXES.has(suffix)) return say(c, i, j + 1, ordinalize(cardinalOrDigits(n.int)));
  const apostrophe = c.isSym(j, "'") && c.lower(j + 1) === 's' && c.glued(j + 1);
  if (suffix === 's' || apostrophe) {
    // Decades ("1990s", "'60s") and plurals of numbers ("B-52s", "the 747s").
    const decade = n.int.endsWith('0') && (n.int.length === 2 || n.int.length === 4);
    const base = !decade
      ? cardinalOrDigits(n.int)
      : n.int.length === 4
        ? yearWords(Number(n.int))
        : under100(Number(n.int));
    return say(c, i, apostrophe ? j + 2 : j + 1, pluralizeLast(base));
  }
  return undefined;
}

/** n/d glued: fractions, "24/7", ratings "8/10", and month/day dates. */
function readSlash(c: Ctx, i: number, n: NumLit): number | undefined {
  const j = n.next;
  if (!isPlainInt(n) || !c.isSym(j, '/') || !c.glued(j) || !c.isNum(j + 1) || !c.glued(j + 1))
    return undefined;
  if (c.glued(j + 2) && (c.isNum(j + 3) || c.isSym(j + 2, '.'))) return undefined;
  const [a, b] = [Number(n.int), c.value(j + 1)];
  const key = `${a}/${b}`;
  if (key === '24/7') return say(c, i, j + 2, 'twenty four seven');
  if (a === b) return say(c, i, j + 2, `${cardinalOrDigits(n.int)} ${cardinalOrDigits(c.text(j + 1))}`);
  if (b >= 2 && b <= 9 && a >= 1 && a < b) return say(c, i, j + 2, fractionWords(a, b));
  if (b === 10 || b === 100) {
    return say(c, i, j + 2, `${cardinalOrDigits(n.int)} out of ${b === 10 ? 'ten' : 'one hundred'}`);
  }
  const date = slashDateWords(a, b);
  return date === undefined ? undefined : say(c, i, j + 2, date);
}

/** Integers with nothing special around them: codes, long strings, years, plain cardinals. */
function plainWords(c: Ctx, i: number, n: NumLit): string {
  if (!isPlainInt(n)) return numberPhrase(n);
  const d = n.int;
  if (EMERGENCY.has(d)) return spellDigits(d);
  if ((d.length > 1 && d.charAt(0) === '0') || d.length >= 5 || codeCue(c, i, d)) return spellDigits(d);
  if (d.length === 4 && readsAsYear(c, i, n.next, Number(d))) return yearWords(Number(d));
  return cardinalOrDigits(d);
}

/** Any number starting at i, with what is glued to or follows it. */
export function readNumber(c: Ctx, i: number): number | undefined {
  const n = parseNumber(c, i);
  if (n === undefined) return undefined;
  if (isPlainInt(n)) {
    const done = readHourMeridiem(c, i) ?? readDayMonth(c, i) ?? readSuffixed(c, i, n) ?? readSlash(c, i, n);
    if (done !== undefined) return done;
  }
  let j = n.next;
  if (c.isSym(j, '%') && c.near(j)) return say(c, i, j + 1, `${numberPhrase(n)} percent`);
  if (c.isSym(j, '‰') && c.near(j)) return say(c, i, j + 1, `${numberPhrase(n)} per mille`);
  const vulgar = c.glued(j) && Object.hasOwn(VULGAR, c.text(j)) ? VULGAR[c.text(j)] : undefined;
  if (vulgar !== undefined && isPlainInt(n)) return say(c, i, j + 1, `${numberPhrase(n)} and ${vulgar}`);
  const scale = readScale(c, j);
  if (scale !== undefined) j = scale.next;
  const money = readMoneySuffix(c, i, n, scale?.word, j);
  if (money !== undefined) return money;
  const amount = scale === undefined ? numberPhrase(n) : `${numberPhrase(n)} ${scale.word}`;
  const unit = readUnit(c, j, isOne(n) && scale === undefined);
  if (unit !== undefined) return say(c, i, unit.next, `${amount} ${unit.words}`);
  const head = scale === undefined ? plainWords(c, i, n) : amount;
  if (c.glued(j) && c.lower(j) === 'x') {
    // "4x4" four by four, "2x faster" two times
    return say(c, i, j + 1, `${head} ${c.isNum(j + 1) && c.glued(j + 1) ? 'by' : 'times'}`);
  }
  return say(c, i, j, head);
}

/** Everything that starts with a digit (or a sign / point before one). */
export function readNumeric(c: Ctx, i: number): number | undefined {
  return readPhone(c, i) ?? readNumericDate(c, i) ?? readClock(c, i) ?? readDotted(c, i) ?? readNumber(c, i);
}

/** Three or more dot-joined numbers: IPv4 addresses digit by digit, versions part by part. */
function readDotted(c: Ctx, i: number): number | undefined {
  if (!c.isNum(i)) return undefined;
  const parts: string[] = [c.text(i)];
  let j = i + 1;
  while (c.isSym(j, '.') && c.glued(j) && c.isNum(j + 1) && c.glued(j + 1)) {
    parts.push(c.text(j + 1));
    j += 2;
  }
  if (parts.length < 3) return undefined;
  const ip = parts.length === 4 && parts.every((p) => p.length <= 3 && Number(p) <= 255);
  const words = parts.map((p) => (ip ? spellDigits(p) : cardinalOrDigits(p)));
  return say(c, i, j, words.join(ip ? ' dot ' : ' point '));
}

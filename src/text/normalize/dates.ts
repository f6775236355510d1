import { startsUpper } from './chars.js';
import type { Ctx } from './context.js';
import { ordinalize, shortYearWords, under100, yearWords } from './numbers.js';
import { own } from './table.js';

const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
  'november', 'december',
] as const; // prettier-ignore

const MONTH_ABBREVIATIONS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

export const ORDINAL_SUFFIXES = new Set(['st', 'nd', 'rd', 'th']);

/** A month name at token i. "May"/"March" and abbreviations must be capitalised (may, march, dec...). */
function monthAt(c: Ctx, i: number): { month: number; next: number } | undefined {
  if (!c.isWord(i)) return undefined;
  const text = c.text(i);
  const lower = text.toLowerCase();
  const full = MONTHS.indexOf(lower as (typeof MONTHS)[number]);
  if (full >= 0)
    return (lower !== 'may' && lower !== 'march') || startsUpper(text)
      ? { month: full + 1, next: i + 1 }
      : undefined;
  const month = own(MONTH_ABBREVIATIONS, lower);
  if (month === undefined || !startsUpper(text)) return undefined;
  return { month, next: c.isSym(i + 1, '.') && c.glued(i + 1) ? i + 2 : i + 1 };
}

function monthName(month: number): string {
  return MONTHS[month - 1] ?? '';
}

/** A day number at token j (1-31, optional glued st/nd/rd/th) that is not the start of a time or decimal. */
function dayAt(c: Ctx, j: number): { day: number; next: number } | undefined {
  const day = c.value(j, 2);
  if (!(day >= 1 && day <= 31)) return undefined;
  const after = j + 1;
  if (c.glued(after) && (c.isSym(after, ':') || (c.isNum(after + 1) && c.glued(after + 1)))) return undefined;
  const suffixed = c.isWord(after) && c.glued(after) && ORDINAL_SUFFIXES.has(c.lower(after));
  if (c.glued(after) && c.isWord(after) && !suffixed) return undefined;
  return { day, next: suffixed ? after + 1 : after };
}

/** A four-digit year at j, optionally after a glued comma: "January 5, 2026". */
function yearAt(c: Ctx, j: number): { words: string; next: number } | undefined {
  const k = c.isSym(j, ',') && c.glued(j) ? j + 1 : j;
  if (!c.isNum(k) || !c.spaced(k) || c.text(k).length !== 4) return undefined;
  if (c.glued(k + 1) && !c.isSym(k + 1, '.') && !c.isSym(k + 1, ',')) return undefined;
  return { words: yearWords(c.value(k)), next: k + 1 };
}

function speak(c: Ctx, from: number, next: number, words: string): number {
  c.out.say(words, c.start(from), c.end(next - 1));
  return next;
}

/** "Jan. 5th", "January 5, 2026", "March 2026". */
export function readMonthDate(c: Ctx, i: number): number | undefined {
  const m = monthAt(c, i);
  if (m === undefined || !c.spaced(m.next)) return undefined;
  const d = dayAt(c, m.next);
  if (d !== undefined) {
    const y = yearAt(c, d.next);
    const words = `${monthName(m.month)} ${ordinalize(under100(d.day))}`;
    return y === undefined ? speak(c, i, d.next, words) : speak(c, i, y.next, `${words} ${y.words}`);
  }
  const y = yearAt(c, m.next);
  return y === undefined ? undefined : speak(c, i, y.next, `${monthName(m.month)} ${y.words}`);
}

/** "5 January 2026", "21st March": the fifth of january. */
export function readDayMonth(c: Ctx, i: number): number | undefined {
  const d = dayAt(c, i);
  if (d === undefined || !c.spaced(d.next)) return undefined;
  const m = monthAt(c, d.next);
  if (m === undefined) return undefined;
  const words = `the ${ordinalize(under100(d.day))} of ${monthName(m.month)}`;
  const y = yearAt(c, m.next);
  return y === undefined ? speak(c, i, m.next, words) : speak(c, i, y.next, `${words} ${y.words}`);
}

/** "2026-11-21", "2026/11/21", "11/21/2026" (US order), "21/11/2026", "21.11.2026", "1/5/26". */
export function readNumericDate(c: Ctx, i: number): number | undefined {
  if (!c.isNum(i)) return undefined;
  const sep = c.text(i + 1);
  if (sep !== '/' && sep !== '-' && sep !== '.') return undefined;
  for (let k = i + 1; k <= i + 4; k++) {
    if (!c.glued(k) || (k % 2 === i % 2 ? !c.isNum(k) : !c.isSym(k, sep))) return undefined;
  }
  if (c.glued(i + 5) && (c.isNum(i + 5) || (c.isSym(i + 5, sep) && c.isNum(i + 6)))) return undefined;
  const [a, b, y] = [c.text(i), c.text(i + 2), c.text(i + 4)];
  let month: number;
  let day: number;
  let year: string;
  if (a.length === 4 && b.length <= 2 && y.length <= 2) {
    [year, month, day] = [a, Number(b), Number(y)];
  } else if (a.length <= 2 && b.length <= 2 && (y.length === 4 || (y.length === 2 && sep === '/'))) {
    const dayFirst = sep === '.' || Number(a) > 12;
    [month, day, year] = dayFirst ? [Number(b), Number(a), y] : [Number(a), Number(b), y];
  } else {
    return undefined;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const yw = year.length === 4 ? yearWords(Number(year)) : shortYearWords(year);
  return speak(c, i, i + 5, `${monthName(month)} ${ordinalize(under100(day))} ${yw}`);
}

/** "12/25" read as a date when it cannot be a simple fraction (checked by the caller). */
export function slashDateWords(month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${monthName(month)} ${ordinalize(under100(day))}`;
}

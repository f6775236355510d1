import type { Ctx } from './context.js';
import { spellDigits } from './numbers.js';

/**
 * Phone numbers and other grouped digit strings (cards, ZIP+4), read digit by digit with a ','
 * pause between the written groups: "(555) 123-4567" -> five five five, one two three, four five ...
 */

const MAX_GROUPS = 6;

interface Group {
  digits: string;
  /** What joined it to the previous group: '-', '.', ' ' or '' for the first / the "(555)" one. */
  sep: string;
  /** Token index after the group. */
  next: number;
}

function collect(c: Ctx, i: number): { plus: boolean; paren: boolean; groups: Group[] } | undefined {
  let j = i;
  let plus = false;
  let paren = false;
  const groups: Group[] = [];
  if (c.isSym(j, '+') && c.isNum(j + 1) && c.glued(j + 1) && !c.glued(j)) {
    plus = true;
    j++;
  } else if (c.isSym(j, '(') && c.isNum(j + 1) && c.glued(j + 1) && c.isSym(j + 2, ')') && c.glued(j + 2)) {
    const area = c.text(j + 1);
    if (area.length < 2 || area.length > 4 || !c.isNum(j + 3) || !c.near(j + 3)) return undefined;
    paren = true;
    groups.push({ digits: area, sep: '', next: j + 3 });
    j += 3;
  }
  if (!c.isNum(j)) return undefined;
  let sep = '';
  // Bounded: no phone number has more groups, and an unbounded scan per token would be quadratic.
  while (groups.length < MAX_GROUPS) {
    groups.push({ digits: c.text(j), sep, next: j + 1 });
    j++;
    const sym = c.text(j);
    if ((sym === '-' || sym === '.') && c.glued(j) && c.isNum(j + 1) && c.glued(j + 1)) {
      sep = sym;
      j++;
    } else if (c.spaced(j) && c.isNum(j) && c.text(j).length >= 2) {
      sep = ' ';
    } else {
      break;
    }
  }
  // Never swallow the start of a decimal, a time or a grouped amount: "555-1234.5", "555 12:30".
  const last = groups.at(-1)?.next ?? j;
  if (c.glued(last) && ['.', ':', ','].includes(c.text(last)) && c.isNum(last + 1) && c.glued(last + 1)) {
    return undefined;
  }
  return { plus, paren, groups };
}

function isPhoneLike(plus: boolean, paren: boolean, groups: readonly Group[]): boolean {
  const total = groups.reduce((n, g) => n + g.digits.length, 0);
  if (plus) return groups.length >= 2 ? total >= 8 && total <= 15 : total >= 10 && total <= 15;
  if (paren) return total >= 7 && total <= 12 && groups.length >= 2;
  // A leading trunk zero marks a national number in any grouping: "0412 345 678", "020 7946 0958".
  if (groups[0]?.digits.startsWith('0') && groups.length >= 2 && total >= 9 && total <= 12) return true;
  const seps = new Set(groups.slice(1).map((g) => g.sep));
  if (seps.size !== 1) return false;
  const shape = groups.map((g) => g.digits.length).join('-');
  if (shape === '3-3-4' || shape === '1-3-3-4') return true;
  // A card number, unless it is a list of years: "1999 2005 2026 1900".
  const first = Number(groups[0]?.digits);
  if (shape === '4-4-4-4') return !seps.has(' ') || first < 1000 || first > 2099;
  return !seps.has(' ') && (shape === '3-4' || shape === '5-4');
}

/** "555-123-4567", "(555) 123-4567", "+1 555 123 4567", "+44 20 7946 0958", "4242 4242 4242 4242". */
export function readPhone(c: Ctx, i: number): number | undefined {
  const found = collect(c, i);
  if (found === undefined) return undefined;
  const { plus, paren, groups } = found;
  // Drop trailing space-joined groups that spoil the shape: "call 555-1234 12 times".
  while (groups.length > 1 && !isPhoneLike(plus, paren, groups) && groups.at(-1)?.sep === ' ') groups.pop();
  if (!isPhoneLike(plus, paren, groups)) return undefined;
  const next = groups.at(-1)?.next ?? i + 1;
  const start = c.start(i);
  const end = c.end(next - 1);
  if (plus) c.out.say('plus', start, end);
  groups.forEach((g, n) => {
    if (n > 0) c.out.punct(',', start, end);
    c.out.say(spellDigits(g.digits), start, end);
  });
  return next;
}

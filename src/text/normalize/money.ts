import type { Ctx } from './context.js';
import { cardinalOrDigits } from './numbers.js';
import { type NumLit, numberPhrase, parseNumber, readScale } from './numlit.js';
import { own } from './table.js';

/** A currency's spoken names; no `subOne` means amounts with decimals are read "point ...". */
interface Currency {
  one: string;
  many: string;
  subOne?: string;
  subMany?: string;
}

const cur = (one: string, many: string, subOne?: string, subMany?: string): Currency =>
  subOne === undefined ? { one, many } : { one, many, subOne, subMany: subMany ?? `${subOne}s` };

const DOLLAR = cur('dollar', 'dollars', 'cent');
const EURO = cur('euro', 'euros', 'cent');
const POUND = cur('pound', 'pounds', 'penny', 'pence');
const YEN = cur('yen', 'yen');
const RUPEE = cur('rupee', 'rupees', 'paisa', 'paise');
const CAD = cur('canadian dollar', 'canadian dollars', 'cent');
const AUD = cur('australian dollar', 'australian dollars', 'cent');
const NZD = cur('new zealand dollar', 'new zealand dollars', 'cent');
const HKD = cur('hong kong dollar', 'hong kong dollars', 'cent');
const SGD = cur('singapore dollar', 'singapore dollars', 'cent');
const PESO = cur('peso', 'pesos', 'centavo');
const REAL = cur('real', 'reais', 'centavo');
const FRANC = cur('swiss franc', 'swiss francs', 'centime');
const YUAN = cur('yuan', 'yuan');
const WON = cur('won', 'won');
const RUBLE = cur('ruble', 'rubles', 'kopeck');
const KRONA = cur('krona', 'kronor');
const KRONE = cur('krone', 'kroner');
const BITCOIN = cur('bitcoin', 'bitcoin');

const SYMBOLS: Readonly<Record<string, Currency>> = {
  $: DOLLAR,
  '€': EURO,
  '£': POUND,
  '¥': YEN,
  '₹': RUPEE,
  '₩': WON,
  '₽': RUBLE,
  '₺': cur('lira', 'lira'),
  '₪': cur('shekel', 'shekels', 'agora', 'agorot'),
  '₦': cur('naira', 'naira', 'kobo', 'kobo'),
  '₱': PESO,
  '₿': BITCOIN,
};

const CODES: Readonly<Record<string, Currency>> = {
  USD: DOLLAR,
  EUR: EURO,
  GBP: POUND,
  JPY: YEN,
  INR: RUPEE,
  CAD,
  AUD,
  NZD,
  HKD,
  SGD,
  MXN: PESO,
  BRL: REAL,
  CHF: FRANC,
  CNY: YUAN,
  RMB: YUAN,
  KRW: WON,
  RUB: RUBLE,
  SEK: KRONA,
  NOK: KRONE,
  DKK: KRONE,
  BTC: BITCOIN,
};

// Letters glued before "$": US$5, C$20, A$10.
const DOLLAR_PREFIXES: Readonly<Record<string, Currency>> = {
  US: DOLLAR,
  C: CAD,
  CA: CAD,
  A: AUD,
  AU: AUD,
  NZ: NZD,
  HK: HKD,
  S: SGD,
  SG: SGD,
  MX: PESO,
  R: REAL,
};

function isZero(digits: string): boolean {
  return /^0*$/.test(digits);
}

/** "$3.50" three dollars and fifty cents; "$2.5 million" two point five million dollars. */
function moneyPhrase(money: Currency, n: NumLit, scale: string | undefined): string {
  const sign = n.neg ? 'minus ' : '';
  const unsigned = { ...n, neg: false };
  if (scale !== undefined) return `${sign}${numberPhrase(unsigned)} ${scale} ${money.many}`;
  const whole = n.int === '' ? '0' : n.int;
  const major = (digits: string) =>
    `${cardinalOrDigits(digits)} ${/^0*1$/.test(digits) ? money.one : money.many}`;
  if (n.frac === undefined) return sign + major(whole);
  if (money.subOne === undefined || n.frac.length > 2)
    return `${sign}${numberPhrase(unsigned)} ${money.many}`;
  const cents = Number(n.frac.padEnd(2, '0'));
  if (cents === 0) return sign + major(whole);
  const minor = `${cardinalOrDigits(String(cents))} ${cents === 1 ? money.subOne : money.subMany}`;
  return isZero(whole) ? sign + minor : `${sign}${major(whole)} and ${minor}`;
}

/** Amount after a currency at `j` (optionally one space away), with its scale; emits the item. */
function speakAmountAt(c: Ctx, from: number, j: number, money: Currency, neg: boolean): number | undefined {
  if (!c.near(j)) return undefined;
  const n = parseNumber(c, j);
  if (n === undefined) return undefined;
  const scale = readScale(c, n.next);
  const next = scale?.next ?? n.next;
  c.out.say(moneyPhrase(money, { ...n, neg: n.neg || neg }, scale?.word), c.start(from), c.end(next - 1));
  return next;
}

/** "$5", "-$5", "€20", "£5.99", "$ 2.5 million" starting at a symbol. */
export function readMoneySymbol(c: Ctx, i: number): number | undefined {
  let j = i;
  const neg = c.isSym(j, '-') && !c.glued(j) && c.glued(j + 1);
  if (neg) j++;
  const money = own(SYMBOLS, c.text(j));
  if (money === undefined || c.toks[j]?.kind !== 'sym') return undefined;
  return speakAmountAt(c, i, j + 1, money, neg);
}

/** "USD 40", "US$40", "C$ 20" starting at a word. */
export function readMoneyCode(c: Ctx, i: number): number | undefined {
  const word = c.text(i);
  const prefixed = own(DOLLAR_PREFIXES, word);
  if (prefixed !== undefined && c.isSym(i + 1, '$') && c.glued(i + 1))
    return speakAmountAt(c, i, i + 2, prefixed, false);
  const coded = c.isWord(i) ? own(CODES, word) : undefined;
  if (coded === undefined || !c.isNum(i + 1)) return undefined;
  return speakAmountAt(c, i, i + 1, coded, false);
}

/** A currency after an amount ("20€", "40 USD", "50¢"): emits the money item from `from`. */
export function readMoneySuffix(
  c: Ctx,
  from: number,
  n: NumLit,
  scale: string | undefined,
  j: number,
): number | undefined {
  if (!c.near(j)) return undefined;
  const t = c.toks[j];
  if (t?.kind === 'sym' && t.text === '¢' && scale === undefined) {
    c.out.say(
      `${numberPhrase(n)} ${/^0*1$/.test(n.int) && n.frac === undefined ? 'cent' : 'cents'}`,
      c.start(from),
      t.end,
    );
    return j + 1;
  }
  const money =
    t?.kind === 'sym'
      ? own(SYMBOLS, t.text)
      : t?.kind === 'word' && c.spaced(j)
        ? own(CODES, t.text)
        : undefined;
  if (money === undefined || t === undefined) return undefined;
  c.out.say(moneyPhrase(money, n, scale), c.start(from), t.end);
  return j + 1;
}

export function isCurrencySymbol(s: string): boolean {
  return Object.hasOwn(SYMBOLS, s);
}

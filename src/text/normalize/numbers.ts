/** Numbers as English words (en-US: no "and" inside cardinals). Inputs are digit strings, never floats. */

const ONES = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
] as const; // prettier-ignore
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'] as const;
const SCALES = [
  '', 'thousand', 'million', 'billion', 'trillion', 'quadrillion', 'quintillion', 'sextillion', 'septillion',
  'octillion', 'nonillion', 'decillion',
] as const; // prettier-ignore

/** Longer digit strings have no scale word left and are read digit by digit. */
export const MAX_CARDINAL_DIGITS = SCALES.length * 3;

export function digitName(d: number): string {
  return ONES[d] ?? '';
}

export function under100(n: number): string {
  if (n < 20) return ONES[n] ?? '';
  const tens = TENS[Math.floor(n / 10)] ?? '';
  return n % 10 === 0 ? tens : `${tens} ${ONES[n % 10] ?? ''}`;
}

function under1000(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds === 0) return under100(rest);
  const head = `${ONES[hundreds] ?? ''} hundred`;
  return rest === 0 ? head : `${head} ${under100(rest)}`;
}

function stripZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return digits.slice(i);
}

/** "1234567" -> "one million two hundred thirty four thousand five hundred sixty seven". */
export function cardinal(digits: string): string | undefined {
  const d = stripZeros(digits);
  if (d.length > MAX_CARDINAL_DIGITS) return undefined;
  if (d === '0') return 'zero';
  const parts: string[] = [];
  const groups = Math.ceil(d.length / 3);
  for (let g = 0; g < groups; g++) {
    const endExclusive = d.length - (groups - 1 - g) * 3;
    const value = Number(d.slice(Math.max(0, endExclusive - 3), endExclusive));
    if (value === 0) continue;
    parts.push(under1000(value));
    const scale = SCALES[groups - 1 - g];
    if (scale) parts.push(scale);
  }
  return parts.join(' ');
}

/** Cardinal when it has words for it, else digit by digit. */
export function cardinalOrDigits(digits: string): string {
  return cardinal(digits) ?? spellDigits(digits);
}

/** "0451" -> "zero four five one". */
export function spellDigits(digits: string): string {
  const out: string[] = [];
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) out.push(ONES[d] ?? '');
  }
  return out.join(' ');
}

const IRREGULAR_ORDINALS: Readonly<Record<string, string>> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

/** Turns the last word of a cardinal phrase into its ordinal: "twenty one" -> "twenty first". */
export function ordinalize(phrase: string): string {
  const cut = phrase.lastIndexOf(' ') + 1;
  const last = phrase.slice(cut);
  const irregular = Object.hasOwn(IRREGULAR_ORDINALS, last) ? IRREGULAR_ORDINALS[last] : undefined;
  const ord = irregular ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return phrase.slice(0, cut) + ord;
}

export function ordinal(digits: string): string | undefined {
  const c = cardinal(digits);
  return c === undefined ? undefined : ordinalize(c);
}

/** Plural of the last word, for decades: "nineteen ninety" -> "nineteen nineties". */
export function pluralizeLast(phrase: string): string {
  if (phrase.endsWith('y')) return `${phrase.slice(0, -1)}ies`;
  if (phrase.endsWith('x')) return `${phrase}es`;
  return `${phrase}s`;
}

/** Years as people say them: 1999 nineteen ninety nine, 2005 two thousand five, 1900 nineteen hundred. */
export function yearWords(year: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) return cardinalOrDigits(String(year));
  const high = Math.floor(year / 100);
  const low = year % 100;
  if (year % 1000 === 0 || (year > 2000 && year < 2010)) return cardinalOrDigits(String(year));
  if (low === 0) return `${under100(high)} hundred`;
  if (low < 10) return `${under100(high)} oh ${ONES[low] ?? ''}`;
  return `${under100(high)} ${under100(low)}`;
}

/** A two-digit year ("'26", 1/5/26): "26" twenty six, "05" oh five. */
export function shortYearWords(digits: string): string {
  const n = Number(digits);
  if (n >= 10) return under100(n);
  return `oh ${ONES[n] ?? ''}`;
}

/** "3", "14" -> "three point one four"; an empty integer part reads "point five". */
export function decimalWords(intDigits: string, fracDigits: string): string {
  const head = intDigits === '' ? '' : `${cardinalOrDigits(intDigits)} `;
  return `${head}point ${spellDigits(fracDigits)}`;
}

const DENOMINATORS: Readonly<Record<number, [string, string]>> = {
  2: ['half', 'halves'],
  4: ['quarter', 'quarters'],
};

/** Simple fractions: 1/2 one half, 3/4 three quarters, 2/3 two thirds, 5/8 five eighths. */
export function fractionWords(numerator: number, denominator: number): string {
  const names = DENOMINATORS[denominator];
  const one = names?.[0] ?? ordinalize(under100(denominator));
  const many = names?.[1] ?? `${one}s`;
  return `${under100(numerator)} ${numerator === 1 ? one : many}`;
}

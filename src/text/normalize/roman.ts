import { isAllCaps, startsLower } from './chars.js';
import type { Ctx } from './context.js';
import { cardinalOrDigits, ordinalize } from './numbers.js';

/** Roman numerals in the places they are common: Chapter IV, Henry VIII, World War II, Rocky II. */

const ROMAN = /^(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/;
const VALUES: Readonly<Record<string, number>> = { I: 1, V: 5, X: 10, L: 50, C: 100 };

function romanValue(s: string): number | undefined {
  if (s.length === 0 || s.length > 12 || !ROMAN.test(s)) return undefined;
  let total = 0;
  for (let k = 0; k < s.length; k++) {
    const v = VALUES[s.charAt(k)] ?? 0;
    const nextV = VALUES[s.charAt(k + 1)] ?? 0;
    total += v < nextV ? -v : v;
  }
  return total;
}

// Counted things: the numeral is a cardinal ("chapter four").
const COUNT_CUES = new Set([
  'chapter', 'part', 'volume', 'vol', 'book', 'act', 'scene', 'section', 'article', 'phase', 'episode',
  'season', 'stage', 'level', 'tier', 'type', 'class', 'grade', 'appendix', 'canto', 'war', 'round', 'title',
  'unit', 'psalm', 'schedule', 'annex', 'bowl', 'league', 'division', 'category', 'mark', 'model',
]); // prettier-ignore

// Monarchs and popes: the numeral is an ordinal ("henry the eighth").
const REGNAL_NAMES = new Set([
  'Henry', 'Edward', 'George', 'William', 'Richard', 'Charles', 'James', 'John', 'Elizabeth', 'Mary', 'Anne',
  'Louis', 'Philip', 'Peter', 'Paul', 'Pius', 'Leo', 'Gregory', 'Benedict', 'Clement', 'Innocent', 'Urban',
  'Boniface', 'Alexander', 'Nicholas', 'Ivan', 'Catherine', 'Frederick', 'Friedrich', 'Wilhelm', 'Ferdinand',
  'Francis', 'Napoleon', 'Victor', 'Gustav', 'Gustavus', 'Carl', 'Karl', 'Christian', 'Frederik', 'Harald',
  'Olaf', 'Haakon', 'Alfonso', 'Juan', 'Carlos', 'Felipe', 'Philippe', 'Henri', 'Otto', 'Constantine',
  'Justinian', 'Ramesses', 'Rameses', 'Thutmose', 'Amenhotep', 'Ptolemy', 'Cleopatra', 'Darius', 'Xerxes',
  'Antiochus', 'Rama', 'Edmund', 'Harold', 'Stephen', 'Malcolm', 'David', 'Robert', 'Alfred', 'Sancho',
  'Pedro', 'Manuel', 'Afonso', 'Sigismund', 'Casimir', 'Selim', 'Suleiman', 'Mehmed', 'Murad', 'Mohammed',
  'Hussein', 'Faisal', 'Abdullah', 'Leopold', 'Albert', 'Umberto', 'Emmanuel', 'Sixtus', 'Julius', 'Adrian',
  'Martin', 'Eugene', 'Celestine', 'Honorius', 'Nero', 'Rudolf', 'Rudolph', 'Maximilian', 'Matthias',
]); // prettier-ignore

/** A numeral at i read by its context, or undefined to leave the token to the acronym/word reader. */
export function readRoman(c: Ctx, i: number): number | undefined {
  const text = c.text(i);
  if (!c.isWord(i) || !c.spaced(i) || !c.isWord(i - 1) || !/^[IVXLC]+$/.test(text)) return undefined;
  const value = romanValue(text);
  if (value === undefined || value > 399) return undefined;
  const prev = c.text(i - 1);
  let words: string | undefined;
  if (REGNAL_NAMES.has(prev)) {
    words = `the ${ordinalize(cardinalWords(value))}`;
  } else if (COUNT_CUES.has(prev.toLowerCase())) {
    // "In this chapter I show ..." is the pronoun: a lone I needs a non-word after it.
    const pronoun =
      text === 'I' && prev !== 'War' && c.isWord(i + 1) && c.near(i + 1) && startsLower(c.text(i + 1));
    if (!pronoun && (text.length > 1 || text === 'I' || text === 'V' || text === 'X'))
      words = cardinalWords(value);
  } else if (
    text.length > 1 &&
    /^[IVX]+$/.test(text) &&
    c.capitalized(i - 1) &&
    !isAllCaps(prev) &&
    !c.shouting
  ) {
    words = cardinalWords(value); // titles and sequels: Rocky II, Final Fantasy VII
  }
  if (words === undefined) return undefined;
  c.out.say(words, c.start(i), c.end(i));
  return i + 1;
}

function cardinalWords(n: number): string {
  return cardinalOrDigits(String(n));
}

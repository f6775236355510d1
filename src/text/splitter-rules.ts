/**
 * The heuristics behind SentenceSplitter, in one place: which characters end sentences and clauses,
 * which words before a '.' are abbreviations, and what may start a sentence.
 *
 * Guiding trade-off: a missed boundary only merges two sentences into one segment (audio starts a
 * little later, the voice still reads the period), while a false boundary breaks prosody in the
 * middle of a sentence. Ambiguous cases therefore lean towards not splitting ("U.S. The" stays
 * together), except where the common case clearly is a sentence end ("etc. The", "Inc. The").
 */

/** What the word before a single '.' says about a possible sentence end. */
export type WordKind = 'binding' | 'beforeNumber' | 'terminal' | 'word';

/** Titles and shorthands that are followed by more of the same sentence ("Dr. Smith", "e.g. this"). */
const BINDING = new Set([
  ...['mr', 'mrs', 'ms', 'mx', 'messrs', 'mme', 'mlle', 'dr', 'prof', 'rev', 'fr', 'hon', 'pres', 'gov'],
  ...['sen', 'rep', 'gen', 'col', 'maj', 'capt', 'cpt', 'lt', 'sgt', 'cmdr', 'adm', 'st', 'mt', 'ft'],
  ...['univ', 'vs', 'v', 'cf', 'e.g', 'i.e', 'viz', 'approx', 'ca', 'c', 'esp', 'incl'],
]);

/** Usually followed by a number ("No. 5", "Jan. 3", "p. 12"); before a capitalised word they end a sentence. */
const BEFORE_NUMBER = new Set([
  ...['no', 'nos', 'nr', 'vol', 'vols', 'fig', 'figs', 'p', 'pp', 'pt', 'ch', 'chap', 'sec', 'sect', 'art'],
  ...['eq', 'ref', 'op', 'tel', 'ext', 'est', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept'],
  ...['oct', 'nov', 'dec'],
]);

/**
 * Abbreviations that often end a sentence, so they split like ordinary words when a plausible
 * sentence start follows. Listed explicitly so that dotted ones ("M.D.", "D.C.") are not taken for
 * initials.
 */
const TERMINAL = new Set([
  ...['etc', 'inc', 'ltd', 'co', 'corp', 'llc', 'plc', 'jr', 'sr', 'bros', 'esq', 'al', 'ave', 'blvd', 'rd'],
  ...['dept', 'a.m', 'p.m', 'a.d', 'b.c', 'b.c.e', 'c.e', 'ph.d', 'm.d', 'd.c', 'b.a', 'm.a', 'b.sc', 'm.sc'],
]);

/** Words a long sentence may be cut in front of when it has no clause punctuation. */
const CONJUNCTIONS = new Set([
  ...['and', 'but', 'or', 'nor', 'because', 'although', 'though', 'while', 'whereas', 'which', 'unless'],
  ...['until', 'since', 'whether', 'where', 'when'],
]);

const PERIOD = 0x2e;
const HASH = 0x23;
const LAST_WORD_RE = /[\p{L}\p{N}.']+$/u;
const INITIALS_RE = /^(?:\p{Lu}\.)*\p{Lu}$/u;
const LIST_NUMBER_RE = /^\d{1,3}$/;
const WORD_CHAR_RE = /[\p{L}\p{N}]/u;
const LOWERCASE_RE = /\p{Ll}/u;
const SPACE_RE = /\s/;

const TERMINATORS = new Set([0x2e, 0x21, 0x3f, 0x2026, 0x61f, 0x964, 0x3002, 0xff01, 0xff1f]);
/** CJK full stops need no space after them: the next character starts the sentence. */
const FULL_WIDTH_TERMINATORS = new Set([0x3002, 0xff01, 0xff1f]);
const CLOSERS = new Set(
  Array.from(')]}"\'*_`\u201d\u2019\u00bb\u300d\u300f\u3011\uff09', (ch) => ch.charCodeAt(0)),
);
/** Clause marks that count only when whitespace follows ("1,000", "10:30" and URLs are not clauses). */
const SPACED_CLAUSE_MARKS = new Set([0x2c, 0x3b, 0x3a, 0x60c]);
/** Dashes and CJK clause marks that separate clauses even without surrounding spaces. */
const BARE_CLAUSE_MARKS = new Set([0x2014, 0x2015, 0xff0c, 0xff1b, 0xff1a, 0x3001]);
/** Characters that continue the sentence before them rather than start a new one. */
const CONTINUATIONS = new Set(
  Array.from(',;:.!?)]}%&\u2026\u201d\u2019\u00bb\u060c', (ch) => ch.charCodeAt(0)),
);

export function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c >= 128 && SPACE_RE.test(String.fromCharCode(c));
}

export function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
  return WORD_CHAR_RE.test(String.fromCharCode(c));
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export const isTerminator = (c: number): boolean => TERMINATORS.has(c);
export const isFullWidthTerminator = (c: number): boolean => FULL_WIDTH_TERMINATORS.has(c);
export const isCloser = (c: number): boolean => CLOSERS.has(c);
export const isSpacedClauseMark = (c: number): boolean => SPACED_CLAUSE_MARKS.has(c);
export const isBareClauseMark = (c: number): boolean => BARE_CLAUSE_MARKS.has(c);

/** A free-standing " - ", " -- " or " – " between words is a spoken dash, not a hyphen or a range. */
export function isDashWord(word: string): boolean {
  return word === '-' || word === '--' || word === '\u2013';
}

export function isConjunction(word: string): boolean {
  return CONJUNCTIONS.has(word);
}

/**
 * Whether `c` (the first non-space character after a candidate boundary) can begin a sentence:
 * anything except a lowercase letter or punctuation that continues the previous sentence. Digits,
 * capitals, caseless scripts, opening quotes and list markers all qualify.
 */
export function isPlausibleStart(c: number): boolean {
  if (CONTINUATIONS.has(c)) return false;
  if (c < 128) return !(c >= 97 && c <= 122);
  return !LOWERCASE_RE.test(String.fromCharCode(c));
}

/** Classifies the text right before a single '.' (`before` may carry leading punctuation). */
export function classifyWord(before: string, firstInSegment: boolean): WordKind {
  const word = (LAST_WORD_RE.exec(before)?.[0] ?? '').replace(/^[.']+/, '');
  if (word === '') return 'word';
  const lower = word.toLowerCase();
  if (TERMINAL.has(lower)) return 'terminal';
  // "I." is far more often the pronoun ending a sentence than an initial.
  if (word !== 'I' && INITIALS_RE.test(word)) return 'binding';
  if (BINDING.has(lower)) return 'binding';
  if (BEFORE_NUMBER.has(lower)) return 'beforeNumber';
  // "1. Open the file" at the start of a segment is a list item, not a sentence "1."
  if (firstInSegment && word === before && LIST_NUMBER_RE.test(word)) return 'binding';
  return 'word';
}

/**
 * Decides a candidate sentence end once the first non-space character after it (`next`, already
 * known to be a plausible start) has arrived. `singleDot`: the terminator run is exactly ".";
 * `quoted`: closing quotes or brackets follow the run, which makes the run a real ending.
 */
export function terminatorEndsSentence(
  singleDot: boolean,
  quoted: boolean,
  before: string,
  firstInSegment: boolean,
  next: number,
): boolean {
  if (!singleDot || quoted) return true;
  switch (classifyWord(before, firstInSegment)) {
    case 'binding':
      return false;
    case 'beforeNumber':
      return !isDigit(next) && next !== HASH;
    default:
      return true;
  }
}

/** A complete word that belongs with the word after it ("Dr.", "J.", "No."), so a stall must not cut after it. */
function bindsToNext(token: string, firstInSegment: boolean): boolean {
  if (token.length < 2 || token.charCodeAt(token.length - 1) !== PERIOD) return false;
  if (token.charCodeAt(token.length - 2) === PERIOD) return false;
  const kind = classifyWord(token.slice(0, -1), firstInSegment);
  return kind === 'binding' || kind === 'beforeNumber';
}

/**
 * Whether a word at the very end of the buffer (no whitespace after it yet) is finished: it ends a
 * sentence with ?, !, an ellipsis or a '.' that is not part of a number or an abbreviation.
 */
function looksFinished(token: string, firstInSegment: boolean): boolean {
  let end = token.length;
  while (end > 0 && isCloser(token.charCodeAt(end - 1))) end--;
  if (end === 0 || !isTerminator(token.charCodeAt(end - 1))) return false;
  const quoted = end < token.length;
  const singleDot =
    token.charCodeAt(end - 1) === PERIOD && (end < 2 || !isTerminator(token.charCodeAt(end - 2)));
  if (!singleDot || quoted) return true;
  if (end >= 2 && isDigit(token.charCodeAt(end - 2))) return false; // "3." may become "3.14"
  const kind = classifyWord(token.slice(0, end - 1), firstInSegment);
  return kind === 'word' || kind === 'terminal';
}

/**
 * Where text that has stalled may be cut (an offset into `buffered`, which starts at a non-space
 * character), or -1 when fewer than `minWords` words would go. The cut follows the last complete
 * word: a word still growing at the end stays buffered unless it visibly ends a sentence, and so
 * do words that belong with the next one ("Dr.", "J.", "No.").
 */
export function stallCut(buffered: string, minWords: number): number {
  let end = buffered.length;
  if (end === 0) return -1;
  if (!isSpace(buffered.charCodeAt(end - 1))) {
    const tokenStart = tokenStartBefore(buffered, end);
    if (!looksFinished(buffered.slice(tokenStart, end), tokenStart === 0)) end = tokenStart;
  }
  for (;;) {
    while (end > 0 && isSpace(buffered.charCodeAt(end - 1))) end--;
    if (end === 0) return -1;
    const tokenStart = tokenStartBefore(buffered, end);
    if (!bindsToNext(buffered.slice(tokenStart, end), tokenStart === 0)) break;
    end = tokenStart;
  }
  return countWords(buffered, end) >= minWords ? end : -1;
}

function tokenStartBefore(text: string, end: number): number {
  let i = end;
  while (i > 0 && !isSpace(text.charCodeAt(i - 1))) i--;
  return i;
}

function countWords(text: string, end: number): number {
  let words = 0;
  let counted = false;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) counted = false;
    else if (!counted && isWordChar(c)) {
      counted = true;
      words++;
    }
  }
  return words;
}

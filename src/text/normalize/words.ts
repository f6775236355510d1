import { hasUpper, isAllCaps, startsUpper, toWordText } from './chars.js';
import type { Ctx } from './context.js';
import type { Emitter } from './emitter.js';
import { inDictionary, unpronounceable } from './lexicon.js';

// All-caps words that the lexicon knows as a different, ordinary word: spelled unless the whole
// text is shouting ("the US" is u s, not "us"; "IT department" is i t).
const SPELLED_CAPS = new Set([
  'US', 'IT', 'AI', 'AM', 'AD', 'ID', 'UN', 'UPS', 'OS', 'IMO', 'WHO', 'EST', 'EDT', 'PST', 'PDT', 'CST', 'CDT',
  'MST', 'MDT', 'GMT', 'UTC', 'BST', 'CET',
]); // prettier-ignore
// Acronyms said as words that the lexicon lacks.
const SAID_ACRONYMS = new Set(['covid', 'emoji', 'lidar', 'fomo', 'scotus', 'potus', 'flotus', 'unesco']);
// Dotted forms with a reading of their own; other runs of dotted letters are spelled (U.S., A.I.).
const DOTTED: Readonly<Record<string, string>> = {
  'e.g': 'for example',
  'i.e': 'that is',
  'a.k.a': 'also known as',
  'et.al': 'et al',
};
const MAX_DOTTED = 8;
const NAME_CAPITALS = /^Ma?c(?=[A-Z])|'[A-Z]/g;
const ASCII_WORD = /^[A-Za-z']+$/;
const CAMEL_PART = /[A-Z]+(?![a-z])|[A-Z]?[a-z']+/g;

/** Caps letters (optionally with "'s" or a plural "s"): a known word, else letter by letter. */
function speakAcronym(
  out: Emitter,
  caps: string,
  suffix: string,
  shouting: boolean,
  start: number,
  end: number,
): void {
  const lower = toWordText(caps);
  if (lower === '') return;
  const full = lower + suffix;
  const sayable = shouting
    ? inDictionary(lower) || (lower.length >= 4 && /[aeiou]/.test(lower))
    : !SPELLED_CAPS.has(caps) && (inDictionary(lower) || SAID_ACRONYMS.has(lower));
  // The phonemiser derives "X's" from a known "x"; a plural "s" it cannot, so "APIs" is spelled.
  if (sayable && (suffix !== 's' || inDictionary(full) || !inDictionary(lower))) {
    out.say(full, start, end);
    return;
  }
  if (suffix === '') {
    out.spell(lower, start, end);
    return;
  }
  // "APIs", "CEO's": the last letter carries the ending ("i's" is in the lexicon as eyes).
  out.spell(lower.slice(0, -1), start, end);
  out.say(`${lower.slice(-1)}'s`, start, end);
}

/** One written word (no digits): plain, possessive, acronym, camelCase, or unpronounceable letters. */
export function speakWord(out: Emitter, raw: string, shouting: boolean, start: number, end: number): void {
  const lower = toWordText(raw);
  if (lower === '') return;
  if (lower.length === 1) {
    if (lower === 'a' || lower === 'i') out.say(lower, start, end);
    else out.spell(lower, start, end);
    return;
  }
  const possessive = raw.length > 2 && /'s$/i.test(raw);
  const base = possessive ? raw.slice(0, -2) : raw;
  if (base.length >= 2 && isAllCaps(base)) {
    speakAcronym(out, base, possessive ? "'s" : '', shouting, start, end);
    return;
  }
  if (/^[A-Z]{2,}s$/.test(raw) && !inDictionary(lower)) {
    speakAcronym(out, raw.slice(0, -1), 's', shouting, start, end);
    return;
  }
  // camelCase and brand capitals: iPhone, eBay, macOS, OpenAI, GitHub (unless the lexicon has it whole).
  // Name capitals are not word boundaries: O'Shea, McAllister, MacKenzie.
  const innerCaps = ASCII_WORD.test(raw) && hasUpper(raw.replace(NAME_CAPITALS, '').slice(1));
  if (innerCaps && (!inDictionary(lower) || /[a-z][A-Z]{2}/.test(raw))) {
    for (const part of raw.match(CAMEL_PART) ?? [raw]) speakWord(out, part, shouting, start, end);
    return;
  }
  if (lower.length <= 5 && unpronounceable(lower)) out.spell(lower, start, end);
  else out.say(lower, start, end);
}

/** Dotted letters: U.S., A.I., e.g., i.e., Ph.D.; the last period may also end the sentence. */
export function readDotted(c: Ctx, i: number): number | undefined {
  const parts: string[] = [];
  let j = i;
  while (
    c.isWord(j) &&
    c.text(j).length <= 2 &&
    (j === i || c.glued(j)) &&
    c.isSym(j + 1, '.') &&
    c.glued(j + 1)
  ) {
    parts.push(c.text(j));
    j += 2;
    if (parts.length > MAX_DOTTED) return undefined;
  }
  let dotted = true;
  if (parts.length >= 1 && c.isWord(j) && c.glued(j) && c.text(j).length === 1) {
    parts.push(c.text(j)); // "U.S" without the final period
    j++;
    dotted = false;
  }
  if (parts.length < 2) return undefined;
  const key = parts.join('.').toLowerCase();
  const reading = Object.hasOwn(DOTTED, key) ? DOTTED[key] : undefined;
  const letters = parts.join('');
  if (reading === undefined && !parts.every((p) => p.length === 1) && key !== 'ph.d') return undefined;
  // "the U.K.'s": the last letter carries the possessive.
  const possessive = dotted && c.isSym(j, "'") && c.glued(j) && c.lower(j + 1) === 's' && c.glued(j + 1);
  if (possessive) j += 2;
  const [start, end] = [c.start(i), c.end(j - 1)];
  if (reading !== undefined) {
    c.out.say(reading, start, end);
  } else if (possessive) {
    c.out.spell(letters.slice(0, -1), start, end);
    c.out.say(`${letters.slice(-1)}'s`, start, end);
  } else {
    c.out.spell(letters, start, end);
  }
  if (dotted && !possessive && c.newSentenceAt(j)) c.out.punct('.', end - 1, end);
  return j;
}

/** A capital initial with its period: "J. K. Rowling", "Plan B. Then ...". */
export function readInitial(c: Ctx, i: number): number | undefined {
  const text = c.text(i);
  if (text.length !== 1 || text === 'I' || !startsUpper(text) || !c.isSym(i + 1, '.') || !c.glued(i + 1))
    return undefined;
  const next = i + 2;
  const newSentence = c.newSentenceAt(next);
  if (!newSentence && !(c.capitalized(next) && c.near(next))) return undefined;
  c.out.spell(text, c.start(i), c.end(i + 1));
  if (newSentence) c.out.punct('.', c.start(i + 1), c.end(i + 1));
  return next;
}

/** Any word token; handles the little glued forms w/, w/o, n/a and v2 first. */
export function readWord(c: Ctx, i: number): number {
  const text = c.text(i);
  const lower = text.toLowerCase();
  const [start, end] = [c.start(i), c.end(i)];
  if ((lower === 'w' || lower === 'n' || lower === 'y') && c.isSym(i + 1, '/') && c.glued(i + 1)) {
    const second = c.glued(i + 2) ? c.lower(i + 2) : '';
    if (lower === 'w' && second === 'o') return say(c, i, i + 3, 'without');
    if (lower === 'y' && second === 'o') return say(c, i, i + 3, 'years old');
    if (lower === 'n' && second === 'a') return say(c, i, i + 3, 'not applicable');
    if (lower === 'w' && !(c.isWord(i + 2) && c.glued(i + 2))) return say(c, i, i + 2, 'with');
  }
  if (text === 'v' && c.isNum(i + 1) && c.glued(i + 1)) return say(c, i, i + 1, 'version');
  // Letters in codes ("A1", "3D", "CO2") and a final capital ("vitamin A.") are letter names.
  const glue = (k: number) => c.isNum(k) || c.isSym(k, '&');
  const dashNumber = c.isSym(i + 1, '-') && c.glued(i + 1) && c.isNum(i + 2) && c.glued(i + 2); // A-1, F-16
  const inCode = (glue(i + 1) && c.glued(i + 1)) || (glue(i - 1) && c.glued(i)) || dashNumber; // AT&T, R&D
  const finalCap = text === 'A' && !c.sentenceInitial(i) && !c.isWord(i + 1);
  if ((inCode && text.length <= 3 && (text.length === 1 || isAllCaps(text))) || finalCap) {
    c.out.spell(text, start, end);
    return i + 1;
  }
  speakWord(c.out, text, c.shouting, start, end);
  return i + 1;
}

function say(c: Ctx, from: number, next: number, words: string): number {
  c.out.say(words, c.start(from), c.end(next - 1));
  return next;
}

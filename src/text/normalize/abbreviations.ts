import { isAllCaps, startsUpper } from './chars.js';
import type { Ctx } from './context.js';
import { own } from './table.js';

/**
 * Abbreviations written with or without their period. `dot`: only recognised with the period
 * (they are also ordinary words: "gen", "col"). `ends`: the period may also end the sentence
 * ("... and Sons Ltd. The ..."), so a full stop is kept when a new sentence visibly starts.
 * Lowercase forms without a period are left alone unless `bare`: "mr" is more likely a typo than a title.
 */
interface Abbrev {
  say: string;
  dot?: true;
  ends?: true;
  bare?: true;
}

const ABBREVIATIONS: Readonly<Record<string, Abbrev>> = {
  mr: { say: 'mister' },
  mrs: { say: 'missus' },
  ms: { say: 'ms' }, // the lexicon's "ms" is exactly "miz"; a spelled-out "miz" would be guessed wrong
  mx: { say: 'mix' },
  prof: { say: 'professor' },
  jr: { say: 'junior', ends: true },
  sr: { say: 'senior', ends: true },
  mt: { say: 'mount' },
  ft: { say: 'fort', dot: true },
  ave: { say: 'avenue', ends: true },
  blvd: { say: 'boulevard', ends: true },
  rd: { say: 'road', ends: true },
  ln: { say: 'lane', ends: true, dot: true },
  hwy: { say: 'highway', ends: true },
  pkwy: { say: 'parkway', ends: true },
  apt: { say: 'apartment', dot: true },
  ste: { say: 'suite', dot: true },
  bldg: { say: 'building', bare: true },
  etc: { say: 'et cetera', ends: true, bare: true },
  vs: { say: 'versus', bare: true },
  approx: { say: 'approximately', bare: true },
  appt: { say: 'appointment', bare: true },
  dept: { say: 'department', bare: true },
  inc: { say: 'incorporated', ends: true },
  ltd: { say: 'limited', ends: true },
  corp: { say: 'corporation', ends: true },
  co: { say: 'company', ends: true, dot: true },
  bros: { say: 'brothers', ends: true },
  gen: { say: 'general', dot: true },
  gov: { say: 'governor', dot: true },
  sen: { say: 'senator', dot: true },
  rep: { say: 'representative', dot: true },
  sgt: { say: 'sergeant' },
  capt: { say: 'captain' },
  lt: { say: 'lieutenant' },
  col: { say: 'colonel', dot: true },
  cmdr: { say: 'commander' },
  adm: { say: 'admiral', dot: true },
  pres: { say: 'president', dot: true },
  rev: { say: 'reverend', dot: true },
  fr: { say: 'father', dot: true },
  hon: { say: 'honorable', dot: true },
  vol: { say: 'volume', dot: true },
  ch: { say: 'chapter', dot: true },
  fig: { say: 'figure', dot: true },
  pg: { say: 'page', dot: true },
  pp: { say: 'pages', dot: true },
  ext: { say: 'extension', bare: true },
  tel: { say: 'telephone', dot: true },
  misc: { say: 'miscellaneous', bare: true },
  incl: { say: 'including', dot: true },
  excl: { say: 'excluding', dot: true },
  govt: { say: 'government', bare: true },
  intl: { say: 'international', bare: true },
  natl: { say: 'national', bare: true },
  univ: { say: 'university', dot: true },
  assn: { say: 'association', dot: true },
  mgmt: { say: 'management', bare: true },
  qty: { say: 'quantity', bare: true },
  cf: { say: 'compare', dot: true },
  ca: { say: 'circa', dot: true },
  viz: { say: 'namely', dot: true },
  yrs: { say: 'years', bare: true },
  hrs: { say: 'hours', bare: true },
  mins: { say: 'minutes', bare: true },
  secs: { say: 'seconds', bare: true },
  wk: { say: 'week', dot: true },
};

// Capitalised words that address or call a doctor rather than name a street: "Thanks Dr.", "Ask Dr. Lee".
const NOT_STREET_NAMES = new Set([
  'hi', 'hello', 'hey', 'dear', 'thanks', 'thank', 'yes', 'no', 'ok', 'okay', 'sorry', 'bye', 'goodbye',
  'welcome', 'morning', 'evening', 'ask', 'call', 'visit', 'see', 'meet', 'please', 'the', 'a', 'our', 'my',
]); // prettier-ignore

/** Whether "Dr"/"St" at i is the street sense (drive, street) rather than the title (doctor, saint). */
function streetSense(c: Ctx, i: number, next: number, dot: boolean, street: boolean): boolean {
  const p = i - 1;
  const nextName = c.near(next) && c.capitalized(next) && !(dot && c.newSentenceAt(next));
  const prevName =
    c.capitalized(p) &&
    !isAllCaps(c.text(p)) &&
    !NOT_STREET_NAMES.has(c.lower(p)) &&
    !(c.sentenceInitial(p) && nextName); // "Visit Dr. Smith" vs "Elm Dr. is closed"
  const prevNumber = c.isNum(p) || (c.isWord(p) && c.glued(p) && c.isNum(p - 1)); // 123 Main St, 5th St
  if (c.near(i) && (prevName || prevNumber)) return true; // "Main St. Then ...": a new sentence, not a name
  if (nextName) return false; // "Dr. Smith", "St. Louis"
  return street; // alone: "the Dr." doctor, "on St." street
}

function speak(c: Ctx, i: number, words: string, dot: boolean, ends: boolean): number {
  const next = dot ? i + 2 : i + 1;
  c.out.say(words, c.start(i), c.end(next - 1));
  if (dot && (next >= c.toks.length || (ends && c.newSentenceAt(next))))
    c.out.punct('.', c.start(i + 1), c.end(i + 1));
  return next;
}

/** Titles, street types, Latin and business abbreviations; "No." only before a number. */
export function readAbbreviation(c: Ctx, i: number): number | undefined {
  const text = c.text(i);
  const lower = text.toLowerCase();
  const dot = c.isSym(i + 1, '.') && c.glued(i + 1);
  const after = dot ? i + 2 : i + 1;
  const titled = startsUpper(text) && (!isAllCaps(text) || text.length === 1 || c.shouting);
  if (text === 'p' && dot && c.near(after) && c.isNum(after)) return speak(c, i, 'page', dot, false); // p. 5
  if (lower === 'no' || lower === 'nos') {
    const beforeNumber = c.near(after) && (c.isNum(after) || (c.isSym(after, '#') && c.isNum(after + 1)));
    if (!beforeNumber || !titled) return undefined; // "I said no. 5 came" is a sentence end
    return speak(c, i, lower === 'no' ? 'number' : 'numbers', dot, false);
  }
  if (lower === 'dr' || lower === 'st') {
    if (!dot && !titled) return undefined;
    const street = streetSense(c, i, after, dot, lower === 'st');
    const words = lower === 'dr' ? (street ? 'drive' : 'doctor') : street ? 'street' : 'saint';
    return speak(c, i, words, dot, street);
  }
  const entry = own(ABBREVIATIONS, lower);
  if (entry === undefined || (entry.dot === true && !dot)) return undefined;
  if (!dot && !titled && !(entry.bare === true && text === lower)) return undefined;
  return speak(c, i, entry.say, dot, entry.ends === true);
}

import type { Ctx } from './context.js';
import { own } from './table.js';

/** A unit abbreviation's spoken names. `glued` units (m, g, s...) only count when touching the number. */
interface Unit {
  one: string;
  many: string;
  glued?: true;
}

const u = (one: string, many = `${one}s`): Unit => ({ one, many });
const g = (one: string, many = `${one}s`): Unit => ({ one, many, glued: true });

// Case matters: "MB" megabytes vs "mb"; "in" (inches) is left out, it is far more often the preposition.
const UNITS: Readonly<Record<string, Unit>> = {
  mm: u('millimeter'),
  cm: u('centimeter'),
  m: g('meter'),
  km: u('kilometer'),
  ft: u('foot', 'feet'),
  yd: u('yard'),
  yds: u('yard'),
  mi: u('mile'),
  mg: u('milligram'),
  g: g('gram'),
  kg: u('kilogram'),
  kgs: u('kilogram'),
  lb: u('pound'),
  lbs: u('pound'),
  oz: u('ounce'),
  ml: u('milliliter'),
  mL: u('milliliter'),
  l: g('liter'),
  L: g('liter'),
  gal: u('gallon'),
  tsp: u('teaspoon'),
  tbsp: u('tablespoon'),
  mph: u('mile per hour', 'miles per hour'),
  kph: u('kilometer per hour', 'kilometers per hour'),
  kmh: u('kilometer per hour', 'kilometers per hour'),
  ms: u('millisecond'),
  sec: u('second'),
  secs: u('second'),
  min: u('minute'),
  mins: u('minute'),
  h: g('hour'),
  hr: u('hour'),
  hrs: u('hour'),
  wk: u('week'),
  wks: u('week'),
  yr: u('year'),
  yrs: u('year'),
  KB: u('kilobyte'),
  kB: u('kilobyte'),
  MB: u('megabyte'),
  GB: u('gigabyte'),
  TB: u('terabyte'),
  PB: u('petabyte'),
  kbps: u('kilobit per second', 'kilobits per second'),
  Mbps: u('megabit per second', 'megabits per second'),
  Gbps: u('gigabit per second', 'gigabits per second'),
  Hz: u('hertz', 'hertz'),
  kHz: u('kilohertz', 'kilohertz'),
  MHz: u('megahertz', 'megahertz'),
  GHz: u('gigahertz', 'gigahertz'),
  W: g('watt'),
  kW: u('kilowatt'),
  MW: u('megawatt'),
  kWh: u('kilowatt hour'),
  V: g('volt'),
  mAh: u('milliamp hour'),
  px: u('pixel'),
  dB: u('decibel'),
  kcal: u('kilocalorie'),
};

// Plain words that read "per ..." after a slash: $100/night, 3 doses/day.
const PER_WORDS = new Set([
  'hour', 'day', 'night', 'week', 'month', 'year', 'person', 'head', 'unit', 'item', 'piece', 'page', 'user',
  'seat', 'minute', 'second', 'mile', 'gallon', 'share', 'annum', 'capita', 'serving', 'dose', 'kid', 'adult',
]); // prettier-ignore

const TEMPERATURE: Readonly<Record<string, string>> = { C: 'celsius', F: 'fahrenheit', K: 'kelvin' };

/** "/h", "/night" glued after an amount or unit: "per hour". */
export function readPer(c: Ctx, j: number): { words: string; next: number } | undefined {
  if (!c.isSym(j, '/') || !c.glued(j) || !c.isWord(j + 1) || !c.glued(j + 1)) return undefined;
  const text = c.text(j + 1);
  const unit = own(UNITS, text);
  if (unit !== undefined) return { words: `per ${unit.one}`, next: j + 2 };
  const lower = text.toLowerCase();
  return PER_WORDS.has(lower) ? { words: `per ${lower}`, next: j + 2 } : undefined;
}

/** The unit after a number at token j ("km", "°C", "mph"), singular when the amount is exactly one. */
export function readUnit(c: Ctx, j: number, one: boolean): { words: string; next: number } | undefined {
  const t = c.toks[j];
  if (t === undefined || !c.near(j)) return undefined;
  if (t.kind === 'sym') {
    if (t.text === '℃' || t.text === '℉') {
      return {
        words: `${one ? 'degree' : 'degrees'} ${t.text === '℃' ? 'celsius' : 'fahrenheit'}`,
        next: j + 1,
      };
    }
    if (t.text !== '°') return undefined;
    const scale = c.glued(j + 1) && c.isWord(j + 1) ? own(TEMPERATURE, c.text(j + 1)) : undefined;
    const words = one ? 'degree' : 'degrees';
    return scale === undefined ? { words, next: j + 1 } : { words: `${words} ${scale}`, next: j + 2 };
  }
  if (t.kind !== 'word') return undefined;
  const unit = own(UNITS, t.text);
  if (unit === undefined || (unit.glued === true && !c.glued(j))) return undefined;
  let next = j + 1;
  let words = one ? unit.one : unit.many;
  if (c.glued(next) && (c.isSym(next, '²') || c.isSym(next, '³'))) {
    words = `${c.isSym(next, '²') ? 'square' : 'cubic'} ${words}`;
    next++;
  }
  const per = readPer(c, next);
  return per === undefined ? { words, next } : { words: `${words} ${per.words}`, next: per.next };
}

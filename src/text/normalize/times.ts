import type { Ctx } from './context.js';
import { cardinalOrDigits, digitName, under100 } from './numbers.js';

/** a.m./p.m. in any spelling after a time: "am", "PM", "a.m.", "p.m" (glued or one space away). */
function meridiem(c: Ctx, j: number): { letter: 'a' | 'p'; next: number; period: boolean } | undefined {
  if (!c.near(j) || !c.isWord(j)) return undefined;
  const w = c.lower(j);
  if (w === 'am' || w === 'pm') return { letter: w === 'am' ? 'a' : 'p', next: j + 1, period: false };
  if (
    (w === 'a' || w === 'p') &&
    c.isSym(j + 1, '.') &&
    c.glued(j + 1) &&
    c.lower(j + 2) === 'm' &&
    c.glued(j + 2)
  ) {
    const period = c.isSym(j + 3, '.') && c.glued(j + 3);
    return { letter: w, next: period ? j + 4 : j + 3, period };
  }
  return undefined;
}

function speakMeridiem(
  c: Ctx,
  from: number,
  words: string,
  m: { letter: 'a' | 'p'; next: number; period: boolean },
): number {
  const start = c.start(from);
  const end = c.end(m.next - 1);
  c.out.say(words, start, end);
  c.out.spell(`${m.letter}m`, start, end);
  // "at 7 p.m." at the end of a sentence: the abbreviation's period is also the full stop.
  if (m.period && c.newSentenceAt(m.next)) c.out.punct('.', end - 1, end);
  return m.next;
}

/** "10:15", "10:15 am", "14:30", "10:00" (ten o'clock), "7:05:30". */
export function readClock(c: Ctx, i: number): number | undefined {
  const hour = c.value(i, 2);
  const minText = c.text(i + 2);
  if (!(hour <= 24) || !c.isSym(i + 1, ':') || !c.glued(i + 1) || !c.isNum(i + 2) || !c.glued(i + 2))
    return undefined;
  const minute = c.value(i + 2, 2);
  if (minText.length !== 2 || !(minute < 60)) return undefined;
  let next = i + 3;
  let seconds = -1;
  if (
    c.isSym(next, ':') &&
    c.glued(next) &&
    c.isNum(next + 1) &&
    c.glued(next + 1) &&
    c.text(next + 1).length === 2
  ) {
    seconds = c.value(next + 1, 2);
    if (!(seconds < 60)) return undefined;
    next += 2;
  }
  if (c.isNum(next) && c.glued(next)) return undefined;
  const hourWords = cardinalOrDigits(String(hour));
  const m = meridiem(c, next);
  let words: string;
  if (minute === 0)
    words =
      m !== undefined ? hourWords : hour <= 12 && hour > 0 ? `${hourWords} o'clock` : `${hourWords} hundred`;
  else words = `${hourWords} ${minute < 10 ? `oh ${digitName(minute)}` : under100(minute)}`;
  if (seconds >= 0) words += ` and ${under100(seconds)} ${seconds === 1 ? 'second' : 'seconds'}`;
  if (m !== undefined) return speakMeridiem(c, i, words, m);
  c.out.say(words, c.start(i), c.end(next - 1));
  return next;
}

/** "7 pm", "7p.m.", "12 AM": an hour with a meridiem. */
export function readHourMeridiem(c: Ctx, i: number): number | undefined {
  const hour = c.value(i, 2);
  if (!(hour >= 1 && hour <= 12) || c.text(i).charAt(0) === '0') return undefined;
  const m = meridiem(c, i + 1);
  return m === undefined ? undefined : speakMeridiem(c, i, under100(hour), m);
}

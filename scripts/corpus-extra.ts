/**
 * Sentences written for the training corpus, beyond LJ Speech's 19th-century prose: the things a voice
 * gateway actually says (numbers, money, dates, times, codes, questions, short IVR prompts). Generated
 * from templates with a seeded PRNG, so the corpus is reproducible.
 */
import { seededRandom } from '../src/util/random.js';

const NAMES = ['Maria', 'James', 'Priya', 'Chen', 'Olivia', 'Ahmed', 'Sofia', 'Lucas', 'Grace', 'Daniel', 'Aisha', 'Tom', 'Elena', 'Kofi', 'Hannah', 'Diego']; // prettier-ignore
const CITIES = ['Boston', 'Denver', 'Chicago', 'Seattle', 'Austin', 'Atlanta', 'Portland', 'Phoenix', 'Miami', 'Dallas', 'Toronto', 'London', 'Madrid', 'Dublin']; // prettier-ignore
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']; // prettier-ignore
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const DEPARTMENTS = ['billing', 'technical support', 'sales', 'returns', 'appointments', 'the pharmacy', 'account services', 'claims', 'reservations', 'customer care']; // prettier-ignore
const ITEMS = ['order', 'package', 'refund', 'prescription', 'appointment', 'payment', 'reservation', 'ticket', 'delivery', 'invoice']; // prettier-ignore
const THINGS = ['coffee', 'lunch', 'the report', 'the meeting', 'the flight', 'dinner', 'the train', 'the concert', 'the movie', 'the game']; // prettier-ignore
const ADJ = [
  'quick',
  'short',
  'simple',
  'careful',
  'bright',
  'quiet',
  'busy',
  'long',
  'early',
  'late',
  'warm',
  'cold',
];

type Gen = (r: () => number) => string;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const digits = (r: () => number, n: number): string => Array.from({ length: n }, () => int(r, 0, 9)).join('');
const money = (r: () => number): string => `$${int(r, 1, 999)}.${String(int(r, 0, 99)).padStart(2, '0')}`;
const time = (r: () => number): string =>
  `${int(r, 1, 12)}:${pick(r, ['00', '15', '30', '45', '05', '20', '50'])} ${pick(r, ['am', 'pm', 'a.m.', 'p.m.'])}`;
const date = (r: () => number): string =>
  `${pick(r, MONTHS)} ${int(r, 1, 28)}${pick(r, ['', ', 2026', ', 2025', ', 2027'])}`;
const phone = (r: () => number): string => `${int(r, 200, 989)}-${int(r, 200, 989)}-${digits(r, 4)}`;

const TEMPLATES: Gen[] = [
  (r) => `Press ${int(r, 1, 9)} for ${pick(r, DEPARTMENTS)}.`,
  (r) =>
    `For ${pick(r, DEPARTMENTS)}, press ${int(r, 1, 9)}. For ${pick(r, DEPARTMENTS)}, press ${int(r, 1, 9)}.`,
  () => `To repeat these options, press the star key.`,
  (r) =>
    `Please enter your ${pick(r, ['account number', 'PIN', 'zip code', 'date of birth', 'order number'])}, followed by the pound key.`,
  (r) => `Your ${pick(r, ITEMS)} number is ${digits(r, int(r, 5, 8))}.`,
  (r) => `Your verification code is ${digits(r, 6)}.`,
  (r) => `Your balance is ${money(r)}.`,
  (r) => `A payment of ${money(r)} is due on ${date(r)}.`,
  (r) => `The total comes to ${money(r)}, including tax.`,
  (r) => `Your ${pick(r, ITEMS)} will arrive on ${pick(r, DAYS)}, ${date(r)}.`,
  (r) => `Your appointment is on ${date(r)} at ${time(r)}.`,
  (r) => `The next train to ${pick(r, CITIES)} leaves at ${time(r)} from platform ${int(r, 1, 12)}.`,
  (r) =>
    `Flight ${pick(r, ['UA', 'DL', 'BA', 'AA'])} ${int(r, 100, 2999)} to ${pick(r, CITIES)} is delayed by ${int(r, 10, 90)} minutes.`,
  (r) => `Please call us back at ${phone(r)}.`,
  (r) => `You can reach ${pick(r, NAMES)} at ${phone(r)}, extension ${int(r, 100, 999)}.`,
  (r) =>
    `The temperature today will reach ${int(r, 40, 99)} degrees, with a ${int(r, 5, 95)}% chance of rain.`,
  (r) =>
    `Sales grew by ${int(r, 1, 40)}.${int(r, 0, 9)}% in the ${pick(r, ['first', 'second', 'third', 'fourth'])} quarter.`,
  (r) => `The meeting was moved to ${pick(r, DAYS)} at ${time(r)}.`,
  (r) => `There are ${int(r, 2, 45)} people ahead of you in the queue.`,
  (r) => `Your estimated wait time is ${int(r, 2, 20)} minutes.`,
  (r) => `We received your ${pick(r, ITEMS)} on ${date(r)}.`,
  (r) => `Did you mean ${pick(r, CITIES)} or ${pick(r, CITIES)}?`,
  (r) =>
    `Would you like to ${pick(r, ['hear that again', 'speak to an agent', 'confirm your booking', 'change your address', 'make a payment'])}?`,
  () => `Is there anything else I can help you with today?`,
  (r) =>
    `Can you tell me your ${pick(r, ['name', 'date of birth', 'postcode', 'email address', 'member number'])}, please?`,
  (r) => `What time works best for ${pick(r, THINGS)}, ${pick(r, NAMES)}?`,
  (r) => `Why don't we meet in ${pick(r, CITIES)} on ${pick(r, DAYS)}?`,
  (r) => `How many ${pick(r, ['tickets', 'rooms', 'seats', 'boxes', 'copies'])} would you like?`,
  () => `Sorry, I didn't catch that. Could you say it again?`,
  (r) => `Thank you, ${pick(r, NAMES)}. Your ${pick(r, ITEMS)} has been confirmed.`,
  (r) => `Great! I've booked ${pick(r, THINGS)} for ${int(r, 2, 12)} people at ${time(r)}.`,
  () => `Okay, got it.`,
  () => `One moment, please.`,
  () => `Hello! How can I help?`,
  (r) =>
    `Goodbye, and have a ${pick(r, ['great', 'nice', 'lovely', 'good'])} ${pick(r, ['day', 'evening', 'weekend'])}!`,
  (r) =>
    `It was a ${pick(r, ADJ)} ${pick(r, ['day', 'trip', 'week', 'night'])}, and ${pick(r, NAMES)} was ${pick(r, ['tired', 'happy', 'hungry', 'surprised'])}.`,
  (r) => `In ${int(r, 1900, 2030)}, the population of ${pick(r, CITIES)} was about ${int(r, 10, 900)},000.`,
  (r) =>
    `The package weighs ${int(r, 1, 70)} pounds and measures ${int(r, 5, 40)} by ${int(r, 5, 40)} inches.`,
  (r) => `Drive ${int(r, 2, 90)} miles north on Route ${int(r, 1, 99)}, then turn left.`,
  (r) => `Dr. ${pick(r, NAMES)} will see you at ${time(r)} on ${pick(r, DAYS)}.`,
  (r) =>
    `Mr. and Mrs. ${pick(r, NAMES)} live at ${int(r, 10, 9999)} ${pick(r, ['Oak', 'Pine', 'Maple', 'Cedar', 'Elm'])} St.`,
  (r) => `The score was ${int(r, 0, 9)} to ${int(r, 0, 9)} after ${int(r, 1, 9)} innings.`,
  (r) => `Chapter ${int(r, 1, 30)} begins on page ${int(r, 10, 500)}.`,
  (r) => `Only ${int(r, 2, 9)} of the ${int(r, 10, 99)} samples, about ${int(r, 3, 30)}%, passed the test.`,
  (r) =>
    `The ${pick(r, ['1st', '2nd', '3rd', '4th', '5th', '21st', '32nd'])} floor is closed until ${pick(r, DAYS)}.`,
  (r) => `Order #${digits(r, 5)} shipped on ${int(r, 1, 12)}/${int(r, 1, 28)}/2026.`,
  () => `Send an email to support@example.com or visit www.example.com/help.`,
  (r) => `That's ${int(r, 2, 9)} times faster than last year, isn't it?`,
  () => `Wait... are you sure?`,
  (r) =>
    `First, ${pick(r, ['preheat the oven', 'unplug the router', 'check the cable', 'open the app'])}; then wait ${int(r, 10, 60)} seconds.`,
  (r) => `The answer is ${int(r, 2, 99)}.${int(r, 1, 99)}, not ${int(r, 2, 99)}.`,
  (r) =>
    `${pick(r, NAMES)} asked, "Where is the ${pick(r, ['station', 'museum', 'library', 'hospital', 'airport'])}?"`,
  (r) => `The price dropped from ${money(r)} to ${money(r)} overnight!`,
  (r) => `Please hold while I transfer you to ${pick(r, DEPARTMENTS)}.`,
  (r) =>
    `Our offices are open ${pick(r, DAYS)} to ${pick(r, DAYS)}, from ${int(r, 7, 10)} a.m. to ${int(r, 4, 9)} p.m.`,
  () => `Say "yes" to confirm, or "no" to start over.`,
];

export function extraSentences(count: number, seed = 20261121): string[] {
  const r = seededRandom(seed);
  const seen = new Set<string>();
  const out: string[] = [];
  for (let attempts = 0; out.length < count && attempts < count * 20; attempts++) {
    const s = pick(r, TEMPLATES)(r);
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return out;
}

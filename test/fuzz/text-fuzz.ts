/**
 * Fuzzer of the text front end: random text and mutations of realistic LLM output (numbers, URLs, markdown
 * tables, code, unicode, emoji, RTL, control characters) go through the sentence splitter, streamed in
 * random pieces, and each segment through the normaliser, phonemiser and acoustic-run splitter. Each case
 * must not throw, must give the same segments however it was streamed, and must stay within bounded
 * output per input character and bounded acoustic runs. Seeded, so any failure replays from its case number.
 *
 *   npm run fuzz:text -- --cases 100000 [--seed 1]
 */
import { pathToFileURL } from 'node:url';
import { FrontEnd } from '../../src/text/frontend.js';
import { PATHOLOGICAL_TEXTS } from '../../src/text/pathological.js';
import { SentenceSplitter, type Segment } from '../../src/text/splitter.js';
import { acousticLimit, splitForAcoustic } from '../../src/tts/acoustic-pieces.js';

/** Model ids per input character, at most (a digit or a '%' reads as a word of a few phonemes). */
export const MAX_IDS_PER_CHAR = 12;
/** Characters in one generated case, at most. */
const MAX_CASE_CHARS = 6000;

const REALISTIC = [
  'Sure! Here is the summary:\n\n| Item | Qty | Price |\n|------|-----|-------|\n| Widget | 3 | $4.99 |\n| Gadget | 12 | $1,299.00 |\n\nTotal: **$3,912.97** (incl. 8.25% tax).',
  'Call us at +1 (555) 123-4567 or e-mail support@example.com. Visit https://www.example.com/help?topic=billing&id=42#faq for more.',
  "```python\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint([fib(i) for i in range(10)])\n```\nThat's it.",
  'On Jan. 5th, 2026 at 10:15 am, Dr. Smith paid €3.50 (approx. 15% more) for 2.5 kg at 123 Main St.; the U.S. team won 3-2.',
  '1. First, open the app.\n2. Then tap *Settings* → _Privacy_.\n3. Finally, enable 2FA (two-factor auth) — done!',
  'Version 2.14.3 fixed CVE-2024-12345; SHA-256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.',
  'Le café coûte 3,50 € — 東京は晴れです。 مرحبا بالعالم. שלום עולם! Привет, мир? 😀👍🏽🇺🇸',
  'IDs: 00012345, 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00; coordinates 48.8584° N, 2.2945° E.',
  'The ratio is 3:1, i.e. 75%; see fig. 4b (p. 12) and eq. (3): E = mc^2, ∑x_i ≈ 1e-9 ± 0.5.',
  '<div class="note">Use `npm ci && npm test`; set NODE_ENV=production, PORT=8080.</div>\u0000\u0007\u001b[31m',
];

const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyz',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '0123456789',
  '0123456789,.',
  ' \n\t',
  '.,;:!?…—–-"\'()[]{}',
  '$€£¥%‰#@&*+=/\\|~^_<>`',
  'áéíóúñçüßøåæœ',
  'שלוםمرحباПриветмир東京晴',
  '\u0000\u0007\u001b\u200b\u200e\u200f\u202e\ufeff\ufffd',
  '½¼¾⅓²³°±×÷∑√∞≈≠≤≥',
];
const EMOJI = ['😀', '👍🏽', '🇺🇸', '👨‍👩‍👧', '\ud800', '\udc00'];

/** mulberry32: a small, fast, seedable generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

function randomText(r: () => number, length: number): string {
  let s = '';
  let alphabet = pick(r, ALPHABETS);
  while (s.length < length) {
    if (r() < 0.1) alphabet = pick(r, ALPHABETS);
    s += r() < 0.02 ? pick(r, EMOJI) : alphabet.charAt(Math.floor(r() * alphabet.length));
  }
  return s;
}

const SEEDS = [...REALISTIC, ...Object.values(PATHOLOGICAL_TEXTS).map((t) => t.slice(0, 1500))];

function mutate(r: () => number, text: string): string {
  let s = text;
  const edits = 1 + Math.floor(r() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (s.length + 1));
    const span = Math.floor(r() * 40);
    switch (Math.floor(r() * 6)) {
      case 0:
        s = s.slice(0, at) + randomText(r, 1 + span) + s.slice(at);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at + span);
        break;
      case 2: // a slice repeated: long numbers, runs, tables
        s = s.slice(0, at) + s.slice(at, at + 1 + (span % 8)).repeat(2 + Math.floor(r() * 400)) + s.slice(at);
        break;
      case 3:
        s = s.slice(0, at) + pick(r, SEEDS) + s.slice(at);
        break;
      case 4:
        s = s.slice(0, at) + pick(r, EMOJI) + s.slice(at);
        break;
      default:
        s = s.slice(0, at) + s.slice(at + 1, at + 1 + span) + s.slice(at, at + 1) + s.slice(at + 1 + span);
    }
    if (s.length > MAX_CASE_CHARS) s = s.slice(0, MAX_CASE_CHARS);
  }
  return s;
}

/** Case `n` of the run seeded `seed`. */
export function generateCase(seed: number, n: number): string {
  const r = rng(seed * 1_000_003 + n);
  const kind = r();
  if (kind < 0.3) return randomText(r, Math.floor(r() * (r() < 0.9 ? 300 : MAX_CASE_CHARS)));
  return mutate(r, pick(r, SEEDS));
}

function splitAll(text: string, pieces: readonly string[]): Segment[] {
  const splitter = new SentenceSplitter();
  const out: Segment[] = [];
  for (const piece of pieces) out.push(...splitter.push(piece));
  out.push(...splitter.end());
  if (pieces.join('') !== text) throw new Error('pieces do not make the text');
  return out;
}

export interface CaseReport {
  segments: number;
  ids: number;
  acousticRuns: number;
}

/** Runs one case; throws an Error saying what broke. */
export function checkCase(frontEnd: FrontEnd, text: string, r: () => number): CaseReport {
  const whole = splitAll(text, [text]);
  const pieces: string[] = [];
  for (let i = 0; i < text.length;) {
    const n = 1 + Math.floor(r() * 12);
    pieces.push(text.slice(i, i + n));
    i += n;
  }
  const streamed = splitAll(text, pieces);
  if (JSON.stringify(whole) !== JSON.stringify(streamed))
    throw new Error('streamed segments differ from whole');
  const report: CaseReport = { segments: whole.length, ids: 0, acousticRuns: 0 };
  const speed = pick(r, [0.33, 1, 1.5, 3]);
  for (const seg of whole) {
    if (text.slice(seg.start, seg.end) !== seg.text) throw new Error('a segment is not its span of the text');
    const p = frontEnd.phonemize(seg.text);
    if (p.ids.length > MAX_IDS_PER_CHAR * seg.text.length + 16) {
      throw new Error(`${p.ids.length} ids for a segment of ${seg.text.length} characters`);
    }
    for (const w of p.words) {
      if (w.start < 0 || w.end > seg.text.length || w.start > w.end)
        throw new Error('a word span is out of range');
    }
    const limit = acousticLimit(speed);
    for (const piece of splitForAcoustic(p.ids, limit)) {
      if (piece.ids.length > limit)
        throw new Error(`an acoustic run of ${piece.ids.length} > ${limit} tokens`);
      report.acousticRuns++;
    }
    report.ids += p.ids.length;
  }
  return report;
}

export interface FuzzSummary {
  cases: number;
  failures: { n: number; error: string; text: string }[];
  chars: number;
  segments: number;
  ids: number;
  acousticRuns: number;
  maxIdsPerChar: number;
}

export function fuzzText(options: {
  cases: number;
  seed?: number;
  onProgress?: (done: number) => void;
}): FuzzSummary {
  const seed = options.seed ?? 1;
  const frontEnd = new FrontEnd();
  const summary: FuzzSummary = {
    cases: 0,
    failures: [],
    chars: 0,
    segments: 0,
    ids: 0,
    acousticRuns: 0,
    maxIdsPerChar: 0,
  };
  for (let n = 0; n < options.cases; n++) {
    const text = generateCase(seed, n);
    try {
      const report = checkCase(frontEnd, text, rng(seed + n));
      summary.segments += report.segments;
      summary.ids += report.ids;
      summary.acousticRuns += report.acousticRuns;
      if (text.length > 0) summary.maxIdsPerChar = Math.max(summary.maxIdsPerChar, report.ids / text.length);
    } catch (err) {
      if (summary.failures.length < 20) {
        summary.failures.push({
          n,
          error: err instanceof Error ? err.message : String(err),
          text: text.slice(0, 200),
        });
      }
    }
    summary.cases++;
    summary.chars += text.length;
    if (options.onProgress && (n + 1) % 10_000 === 0) options.onProgress(n + 1);
  }
  return summary;
}

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cases = argument('cases', 10_000);
  const seed = argument('seed', 1);
  const started = process.cpuUsage();
  const summary = fuzzText({
    cases,
    seed,
    onProgress: (done) => process.stderr.write(`${done} cases\n`),
  });
  const cpu = process.cpuUsage(started);
  const { failures, ...totals } = summary;
  console.log(
    JSON.stringify({ seed, ...totals, failures: failures.length, cpuSeconds: (cpu.user + cpu.system) / 1e6 }),
  );
  for (const f of failures) console.log(`case ${f.n}: ${f.error}: ${JSON.stringify(f.text)}`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

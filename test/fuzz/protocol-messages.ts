/**
 * Seeded generator of client frames for the protocol fuzz: mostly plausible speechgate.v1 messages
 * (start/text/flush/cancel/end interleaved over a few context ids, with odd values), plus malformed
 * JSON, wrong types, huge fields, unknown types, binary frames, invalid UTF-8 and empty frames.
 *
 * Text content stays ordinary (short words, numbers, a little Unicode): pathological text is the
 * text front end's fuzz (fuzz:text); here it would only measure that, not the protocol.
 */
import type { Random } from '../../src/util/random.js';

export interface FuzzFrame {
  /** For the report: which family produced it. */
  kind: FrameKind;
  data: string | Buffer;
  /** Sent as a binary frame (otherwise a text frame, even when `data` is a Buffer). */
  binary: boolean;
}

export type FrameKind =
  | 'valid'
  | 'odd_values'
  | 'malformed_json'
  | 'wrong_types'
  | 'huge'
  | 'unknown_type'
  | 'binary'
  | 'invalid_utf8'
  | 'empty';

const WEIGHTS: [FrameKind, number][] = [
  ['valid', 55],
  ['odd_values', 10],
  ['malformed_json', 8],
  ['wrong_types', 8],
  ['huge', 3],
  ['unknown_type', 5],
  ['binary', 5],
  ['invalid_utf8', 1],
  ['empty', 3],
];
const TOTAL = WEIGHTS.reduce((s, [, w]) => s + w, 0);

const WORDS = [
  'the', 'voice', 'gateway', 'streams', 'audio', 'quickly', 'hello', 'world', 'today', 'seven',
  'numbers', 'like', 'café', 'naïve', 'über', 'Tokyo', '日本', '🙂', "don't", 'e.g.', 'Dr.', 'U.S.',
  'okay', 'twenty', 'fox', 'jumps', 'over', 'lazy', 'dog', 'and', 'then', 'stops',
]; // prettier-ignore
const PUNCT = ['', '', '', ',', '.', '!', '?', ';', ' -', '...', ':'];
const FORMATS = [
  { encoding: 'opus', sample_rate: 48000 },
  { encoding: 'pcm', sample_rate: 16000 },
  { encoding: 'pcm', sample_rate: 24000 },
  { encoding: 'mulaw', sample_rate: 8000 },
  { encoding: 'mp3', sample_rate: 24000 },
];
const ODD = [null, -1, 0, 1e308, -0, 'NaN', '', [], {}, true, '0', 'x'.repeat(300), '\u0000', '\ud800'];

export class ProtocolFuzzer {
  constructor(readonly random: Random) {}

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** A context id: mostly from a small pool, so messages land on contexts that exist. */
  contextId(): string {
    if (this.chance(0.85)) return `c${this.int(0, 3)}`;
    return this.chance(0.5) ? `r${this.int(0, 1_000_000)}` : this.pick(['', ' ', 'c0 ', 'C0', '💥', 'a/b']);
  }

  words(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) {
      const w = this.chance(0.1) ? String(this.int(0, 999_999)) : this.pick(WORDS);
      s += (i === 0 && this.chance(0.5) ? '' : ' ') + w + this.pick(PUNCT);
    }
    return s;
  }

  next(): FuzzFrame {
    let r = this.random() * TOTAL;
    for (const [kind, w] of WEIGHTS) {
      if ((r -= w) < 0) return this.frame(kind);
    }
    return this.frame('valid');
  }

  private frame(kind: FrameKind): FuzzFrame {
    const json = (value: unknown): FuzzFrame => ({ kind, data: JSON.stringify(value), binary: false });
    switch (kind) {
      case 'valid':
        return json(this.validMessage());
      case 'odd_values':
        return json(this.oddMessage());
      case 'malformed_json':
        return { kind, data: this.malformed(), binary: false };
      case 'wrong_types':
        return json(this.wrongTypes());
      case 'huge':
        return this.huge();
      case 'unknown_type':
        return json({
          type: this.pick([
            'speak',
            'START',
            '__proto__',
            'constructor',
            'toString',
            '',
            'ping',
            'x'.repeat(100),
          ]),
          context_id: this.contextId(),
          text: 'hello',
        });
      case 'binary': {
        const bytes = Buffer.alloc(this.int(0, 2048));
        for (let i = 0; i < bytes.length; i++) bytes[i] = this.int(0, 255);
        const data = this.chance(0.3) ? Buffer.from(JSON.stringify(this.validMessage())) : bytes;
        return { kind, data, binary: true };
      }
      case 'invalid_utf8': {
        const valid = Buffer.from(JSON.stringify({ type: 'text', context_id: 'c0', text: 'ab' }));
        const bad = this.pick([
          [0xff],
          [0xc3],
          [0xed, 0xa0, 0x80],
          [0x80, 0x80],
          [0xf8, 0x88, 0x80, 0x80, 0x80],
        ]);
        const at = this.int(0, valid.length);
        return {
          kind,
          data: Buffer.concat([valid.subarray(0, at), Buffer.from(bad), valid.subarray(at)]),
          binary: false,
        };
      }
      case 'empty':
        return { kind, data: this.chance(0.5) ? '' : Buffer.alloc(0), binary: this.chance(0.5) };
    }
  }

  private validMessage(): Record<string, unknown> {
    const context_id = this.contextId();
    const r = this.random();
    if (r < 0.25) {
      const msg: Record<string, unknown> = { type: 'start', context_id };
      if (this.chance(0.5)) msg.format = this.pick(FORMATS);
      if (this.chance(0.2)) msg.speed = Math.round((0.5 + this.random() * 1.5) * 100) / 100;
      return msg;
    }
    if (r < 0.7) return { type: 'text', context_id, text: this.words(this.int(1, 12)) };
    if (r < 0.8) return { type: 'flush', context_id };
    if (r < 0.9) return { type: 'end', context_id };
    return { type: 'cancel', context_id };
  }

  private oddMessage(): Record<string, unknown> {
    const msg = this.validMessage();
    const field = this.pick(['voice', 'speed', 'format', 'format.encoding', 'format.sample_rate', 'text']);
    const value = this.chance(0.5) ? this.pick(ODD) : this.pick(['aac', 'unknown-voice', 12345, 3.5, 1e9]);
    if (field.startsWith('format.')) msg.format = { ...FORMATS[0], [field.slice(7)]: value };
    else msg[field] = value;
    if (this.chance(0.2)) msg.type = 'start';
    return msg;
  }

  private wrongTypes(): unknown {
    const msg: Record<string, unknown> = this.validMessage();
    const field = this.pick(['type', 'context_id', 'text', 'format']);
    msg[field] = this.pick([42, null, [], { a: 1 }, true, ['text'], -1.5]);
    if (this.chance(0.1)) delete msg.context_id;
    if (this.chance(0.1)) return this.pick([[msg], 'text', 7, null, true]);
    return msg;
  }

  private malformed(): string {
    const full = JSON.stringify(this.validMessage());
    switch (this.int(0, 6)) {
      case 0:
        return full.slice(0, this.int(0, full.length - 1));
      case 1:
        return `${full}${this.pick(['}', ',', ' x', '\u0000', '{}'])}`;
      case 2:
        return this.pick([
          '{',
          '[]',
          'null',
          '1',
          '"str"',
          'true',
          '{"type":',
          "{'type':'start'}",
          'undefined',
        ]);
      case 3:
        return '['.repeat(this.int(100, 20_000)) + ']'.repeat(this.chance(0.5) ? 0 : 100);
      case 4:
        return full.replace(/"/g, this.pick(["'", '', '\\"']));
      case 5:
        return `{"type":"text","context_id":"c0","text":"${'\\u'}${this.pick(['d800', 'zzzz', '12', 'DFFF'])}"}`;
      default: {
        let s = '';
        for (let i = this.int(1, 200); i > 0; i--) s += String.fromCharCode(this.int(0, 0xffff));
        return s;
      }
    }
  }

  private huge(): FuzzFrame {
    const size = this.pick([10_000, 60_000, 70_000, 300_000]);
    switch (this.int(0, 3)) {
      case 0:
        return {
          kind: 'huge',
          data: JSON.stringify({ type: 'start', context_id: 'x'.repeat(size) }),
          binary: false,
        };
      case 1: {
        let text = '';
        while (text.length < size) text += `${this.words(8)}. `;
        return {
          kind: 'huge',
          data: JSON.stringify({ type: 'text', context_id: 'c0', text }),
          binary: false,
        };
      }
      case 2: {
        const msg: Record<string, unknown> = { type: 'flush', context_id: 'c1' };
        for (let i = 0; i < size / 20; i++) msg[`k${i}`] = i;
        return { kind: 'huge', data: JSON.stringify(msg), binary: false };
      }
      default:
        return {
          kind: 'huge',
          data: JSON.stringify({ type: 'start', context_id: 'c2', voice: 'v'.repeat(size) }),
          binary: false,
        };
    }
  }
}

/**
 * Binary layout of a trained letter-to-sound model (gzip on top). Column-wise streams compress far better
 * than node records because each column is smooth on its own.
 *
 *   "LTS1", u8 order, varint graphones, per graphone: u8 letter, u8 phoneme count, u8 phoneme codes...
 *   varint nodes, then per node in breadth-first order: child counts (varint), tokens (varint, delta to
 *   the previous sibling), -ln p * PROB_SCALE (u16 column), and for nodes with children ln backoff *
 *   PROB_SCALE (i16 column). Node 0 is the root and has neither token nor probability. A 16-bit column is
 *   stored as all its low bytes, then all its high bytes.
 */
import { CONSONANTS, VOWELS } from './arpabet.js';

export const MAGIC = 'LTS1';
export const PROB_SCALE = 256;
/** Letters a-z are 0-25, the apostrophe 26. */
export const LETTER_COUNT = 27;
/** Token ids below this are the word start and end; graphones follow, grouped by letter. */
export const FIRST_GRAPHONE = 2;

/** u8 phoneme codes: consonants, then each vowel with stress 0, 1, 2. */
export const PHONEME_CODES: readonly string[] = [
  ...CONSONANTS,
  ...VOWELS.flatMap((v) => [`${v}0`, `${v}1`, `${v}2`]),
];

export interface Graphone {
  readonly letter: number;
  readonly phonemes: readonly string[];
}

export function letterCode(ch: string): number {
  if (ch === "'") return 26;
  const code = ch.charCodeAt(0) - 97;
  return code >= 0 && code < 26 && ch.length === 1 ? code : -1;
}

export class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  private length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buffer[this.length++] = v & 0xff;
  }

  /** A column of 16-bit values, low bytes first, then high bytes (the high bytes are nearly constant). */
  u16Column(values: readonly number[]): void {
    for (const v of values) this.u8(v);
    for (const v of values) this.u8(v >>> 8);
  }

  varint(v: number): void {
    let rest = v;
    while (rest >= 0x80) {
      this.u8((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    this.u8(rest);
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

export class ByteReader {
  private offset = 0;

  constructor(private readonly data: Uint8Array) {}

  u8(): number {
    const v = this.data[this.offset++];
    if (v === undefined) throw new RangeError('letter-to-sound model is truncated');
    return v;
  }

  u16Column(count: number): Uint16Array {
    const column = new Uint16Array(count);
    for (let i = 0; i < count; i++) column[i] = this.u8();
    for (let i = 0; i < count; i++) column[i] = (column[i] ?? 0) | (this.u8() << 8);
    return column;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  }

  get done(): boolean {
    return this.offset === this.data.length;
  }
}

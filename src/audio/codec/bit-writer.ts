/**
 * MSB-first bit writer into a growing byte buffer, plus the two CRCs FLAC frames carry. Values are
 * written from a 32-bit accumulator so that unary runs and Rice codes cost a few operations each.
 */
export class BitWriter {
  private buf: Uint8Array;
  private length = 0;
  /** Pending bits, right-aligned; fewer than 8 between calls. */
  private acc = 0;
  private bits = 0;

  constructor(initialBytes = 4096) {
    this.buf = new Uint8Array(initialBytes);
  }

  get byteLength(): number {
    return this.length;
  }

  /** Writes the low `n` bits of `value` (0 <= n <= 24; use writeLong for more). */
  write(value: number, n: number): void {
    if (n === 0) return;
    this.acc = (this.acc << n) | (value & ((1 << n) - 1));
    this.bits += n;
    while (this.bits >= 8) {
      this.bits -= 8;
      this.push((this.acc >>> this.bits) & 0xff);
    }
    this.acc &= (1 << this.bits) - 1;
  }

  /** Writes the low `n` bits of a non-negative integer up to 2^53 (n <= 53). */
  writeLong(value: number, n: number): void {
    while (n > 24) {
      n -= 24;
      this.write(Math.floor(value / 2 ** n) % 2 ** 24, 24);
    }
    this.write(value % 2 ** n, n);
  }

  /** `count` zero bits followed by a one: a unary code. */
  unary(count: number): void {
    while (count >= 24) {
      this.write(0, 24);
      count -= 24;
    }
    this.write(1, count + 1);
  }

  /** Zero bits up to the next byte boundary. */
  alignToByte(): void {
    if (this.bits > 0) this.write(0, 8 - this.bits);
  }

  /** The bytes written so far (byte-aligned part only); a view, valid until the next write. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  appendBytes(bytes: Uint8Array): void {
    for (const b of bytes) this.write(b, 8);
  }

  private push(byte: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = byte;
  }
}

function table(poly: number, width: 8 | 16): Uint16Array {
  const top = 1 << (width - 1);
  const mask = (1 << width) - 1;
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << (width - 8);
    for (let k = 0; k < 8; k++) c = c & top ? ((c << 1) ^ poly) & mask : (c << 1) & mask;
    t[i] = c;
  }
  return t;
}

const CRC8 = table(0x07, 8);
const CRC16 = table(0x8005, 16);

/** CRC-8, polynomial x^8 + x^2 + x + 1, initial 0: the frame header check. */
export function crc8(bytes: Uint8Array): number {
  let c = 0;
  for (const b of bytes) c = CRC8[c ^ b]!;
  return c;
}

/** CRC-16, polynomial x^16 + x^15 + x^2 + 1, initial 0: the whole-frame check. */
export function crc16(bytes: Uint8Array): number {
  let c = 0;
  for (const b of bytes) c = ((c << 8) & 0xffff) ^ CRC16[(c >>> 8) ^ b]!;
  return c;
}
